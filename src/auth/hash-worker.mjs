// A password-hashing thread. Plain JavaScript so it loads the same way under
// tsx, Vitest and plain node. It lowers its own scheduling priority (nice 19:
// on Linux, niceness is per thread): when the CPU is contended, page requests
// on the main thread win and sign-ins wait; when it is idle, hashing runs at
// full speed.
import { parentPort } from 'node:worker_threads';
import { setPriority } from 'node:os';
import { hashSync, verifySync, Algorithm } from '@node-rs/argon2';

try {
  setPriority(19);
} catch {
  // Not allowed on this platform: hashing still works, only without the courtesy.
}

const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

parentPort.on('message', (job) => {
  try {
    if (job.op === 'hash') parentPort.postMessage({ id: job.id, ok: true, value: hashSync(job.password, OPTIONS) });
    else {
      let value = false;
      try {
        value = verifySync(job.hash, job.password);
      } catch {
        value = false; // a malformed stored hash verifies nothing
      }
      parentPort.postMessage({ id: job.id, ok: true, value });
    }
  } catch (err) {
    parentPort.postMessage({ id: job.id, ok: false, error: String(err?.message ?? err) });
  }
});
