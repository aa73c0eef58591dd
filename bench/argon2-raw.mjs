// The ceiling for sign-in throughput: @node-rs/argon2 verify of the very hash
// the portal stores, `concurrency` at a time, for `seconds`, in a process of
// its own pinned to the portal's core(s). Prints one JSON line.
import { verify } from '@node-rs/argon2';

const [hash, password, concurrencyArg, secondsArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const seconds = Number(secondsArg);
if (!hash || !password || !(concurrency > 0) || !(seconds > 0)) {
  process.stderr.write('usage: argon2-raw.mjs HASH PASSWORD CONCURRENCY SECONDS\n');
  process.exit(2);
}

// One verify per lane first: thread pool and code warm, as in the portal.
await Promise.all(Array.from({ length: concurrency }, () => verify(hash, password)));

let done = 0;
let wrong = 0;
const started = performance.now();
const deadline = started + seconds * 1000;
async function lane() {
  while (performance.now() < deadline) {
    if (!(await verify(hash, password))) wrong++;
    done++;
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
const elapsedS = (performance.now() - started) / 1000;
const cpu = process.cpuUsage();
// cpuMs (the whole process, start-up included) lets the bench tell its own CPU use from other programs'.
process.stdout.write(`${JSON.stringify({ verifies: done, wrong, seconds: elapsedS, perSecond: done / elapsedS, concurrency, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
