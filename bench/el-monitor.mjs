// Bench-only preload (`node --import ./bench/el-monitor.mjs …`): measures the
// event-loop delay and the CPU time of the process it is loaded into, and
// answers the bench over the IPC channel. Nothing of it lives in src/.
//
//   { bench: 'reset', id }  -> starts a new measurement window
//   { bench: 'read', id }   -> { id, p50Ms, p99Ms, maxMs, meanMs, samples, cpuPct, mainCpuPct, wallMs }
//
// The histogram holds the time between two runs of a timer that asks to run
// every RESOLUTION_MS; an idle loop shows about RESOLUTION_MS. The figures
// reported are that minus RESOLUTION_MS: how late the loop came back to it,
// which is how long anything else that became ready had to wait.
//
// cpuPct counts every thread of the process (hash threads included);
// mainCpuPct only the main (event-loop) thread, read from /proc.
//
// hashRunPct / hashWaitPct: the password-hashing threads (the ones at nice 19,
// src/auth/hash-worker.mjs), from /proc/self/task/*/schedstat: the share of
// the window they ran, and the share they were ready to run but waited for
// the CPU (another thread or program had it). What is left, while sign-ins
// are queued, is the hasher standing aside on its own (password-hasher.ts).
// Summed over the hash threads, so with two of them 200% is the most.
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

if (process.send) {
  const RESOLUTION_MS = 1;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();

  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  const mainThreadTicks = () => {
    try {
      // Fields after the ")" of the command name: utime is the 12th, stime the 13th.
      const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return NaN;
    }
  };

  /** [run ns, wait ns] summed over the threads at nice 19, or null where /proc cannot tell. */
  const hashThreadSched = () => {
    try {
      let run = 0;
      let wait = 0;
      for (const tid of readdirSync('/proc/self/task')) {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        if (nice !== 19) continue;
        const [r, w] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number);
        run += r;
        wait += w;
      }
      return [run, wait];
    } catch {
      return null;
    }
  };

  let window = { cpu: process.cpuUsage(), main: mainThreadTicks(), wall: performance.now(), hash: hashThreadSched() };

  process.on('message', (m) => {
    if (!m || typeof m !== 'object' || typeof m.bench !== 'string') return;
    if (m.bench === 'reset') {
      histogram.reset();
      window = { cpu: process.cpuUsage(), main: mainThreadTicks(), wall: performance.now(), hash: hashThreadSched() };
      process.send({ id: m.id, ok: true });
    } else if (m.bench === 'read') {
      const wallMs = performance.now() - window.wall;
      const cpu = process.cpuUsage(window.cpu);
      const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
      // A hash thread that started during the window counts from zero: its whole life is inside it.
      const hash = hashThreadSched();
      const pct = (ns) => Math.round((ns / 1e6 / wallMs) * 1000) / 10;
      process.send({
        id: m.id,
        p50Ms: ms(histogram.percentile(50)),
        p99Ms: ms(histogram.percentile(99)),
        maxMs: ms(histogram.max),
        meanMs: ms(histogram.mean),
        samples: histogram.count,
        cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 10,
        mainCpuPct: Math.round(((mainThreadTicks() - window.main) / ticksPerMs / wallMs) * 1000) / 10,
        wallMs: Math.round(wallMs),
        hashRunPct: hash && window.hash ? pct(Math.max(0, hash[0] - window.hash[0])) : null,
        hashWaitPct: hash && window.hash ? pct(Math.max(0, hash[1] - window.hash[1])) : null,
      });
    }
  });
  // The bench went away (even by SIGKILL): do not outlive it.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
