// A password-hashing thread. Plain JavaScript so it loads the same way under
// tsx, Vitest and plain node. It lowers its own scheduling priority (nice 19:
// on Linux, niceness is per thread): when the CPU is contended, page requests
// on the main thread win and sign-ins wait; when it is idle, hashing runs at
// full speed.
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { setPriority } from 'node:os';
import { hashSync, verifySync, Algorithm } from '@node-rs/argon2';

try {
  setPriority(19);
} catch {
  // Not allowed on this platform: hashing still works, only without the courtesy.
}

const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

// This thread's own CPU time in ms (Linux: the first field of schedstat is
// nanoseconds on a CPU), or undefined where it cannot be read. The hasher
// shares out hashing by the CPU a job took, not by how long it waited for a
// core at nice 19 while the machine was busy.
function threadCpuMs() {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ', 1)[0]) / 1e6;
  } catch {
    return undefined;
  }
}

parentPort.on('message', (job) => {
  const cpuAtStart = threadCpuMs();
  const cpuMs = () => {
    const now = threadCpuMs();
    return cpuAtStart === undefined || now === undefined ? undefined : now - cpuAtStart;
  };
  try {
    if (job.op === 'hash') {
      const value = hashSync(job.password, OPTIONS);
      parentPort.postMessage({ id: job.id, ok: true, value, cpuMs: cpuMs() });
    } else {
      let value = false;
      try {
        value = verifySync(job.hash, job.password);
      } catch {
        value = false; // a malformed stored hash verifies nothing
      }
      parentPort.postMessage({ id: job.id, ok: true, value, cpuMs: cpuMs() });
    }
  } catch (err) {
    parentPort.postMessage({ id: job.id, ok: false, error: String(err?.message ?? err) });
  }
});
