// A constant-rate (open-loop) client for the many-readers bench's event-loop
// figure, run pinned to the load core and driven over IPC.
//
// Why not autocannon's overallRate: it gives each connection a quota per
// second and lets it send the quota as fast as it can at the start of each
// second (lib/httpClient.js), so "80 % of the max" arrives as a burst that
// takes 0.8 s to drain and then silence: the loop delay then measures the
// burst's queue. Why not wrk: it has no rate option (its delay() hook paces
// each connection after its answer, which is closed-loop). Here request i is
// due at start + i / rate whatever happened to the ones before, checked every
// millisecond, and its latency counts from when it was due, so a server that
// falls behind shows it (no coordinated omission). Node's client costs tens of
// µs a request: fine at the hundreds to a few thousand req/s this is used for.
// maxSockets caps the connections per target; requests due while all are
// busy wait here, and that wait is in their latency.
//
//   { paced: 'run', id, opts: { targets: ['host:port', …], requests: [[path, cookie], …], rate, seconds, maxSockets } }
//     -> { id, result: { due, sent, answered, byStatus, errors, seconds, latencyMs: { p50, p99, max } } }
//   seconds: until the last answer, or 5 s after the last request was due if some are still unanswered then
//   (their latency is not in the percentiles: `answered` < `due` says the server fell behind).
//   Request i goes to targets[i % targets.length], the next of `requests` in turn.
import { Agent, request } from 'node:http';

const DRAIN_MS = 5_000;

async function run({ targets, requests, rate, seconds, maxSockets = 64 }) {
  const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets }));
  const hosts = targets.map((t) => {
    const [host, port] = t.split(':');
    return { host, port: Number(port) };
  });
  const latencies = [];
  const byStatus = {};
  let errors = 0;
  let sent = 0;
  let answered = 0;
  const started = performance.now();
  const total = Math.floor(rate * seconds);
  const interval = 1000 / rate;
  await new Promise((resolve) => {
    let inFlight = 0;
    let finishedSending = false;
    const maybeDone = () => {
      if (finishedSending && inFlight === 0) resolve();
    };
    const send = (i) => {
      const due = started + i * interval;
      const [path, cookie] = requests[i % requests.length];
      const target = i % targets.length;
      inFlight++;
      sent++;
      const req = request({ ...hosts[target], path, headers: { cookie }, agent: agents[target] }, (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          latencies.push(performance.now() - due);
          byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
          answered++;
          inFlight--;
          maybeDone();
        });
      });
      req.on('error', () => {
        errors++;
        inFlight--;
        maybeDone();
      });
      req.end();
    };
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < total && started + next * interval <= now) send(next++);
      if (next < total) setTimeout(tick, 1);
      else {
        finishedSending = true;
        maybeDone();
        // A server that fell behind has a queue here: what it has not answered DRAIN_MS after the last was due counts as not answered.
        setTimeout(resolve, DRAIN_MS).unref();
      }
    };
    tick();
  });
  for (const a of agents) a.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] * 100) / 100 : 0);
  return { due: total, sent, answered, byStatus, errors, seconds: (performance.now() - started) / 1000, latencyMs: { p50: pct(50), p99: pct(99), max: pct(100) } };
}

process.on('message', (m) => {
  if (m?.paced !== 'run') return;
  run(m.opts).then(
    (result) => process.send({ id: m.id, result }),
    (err) => process.send({ id: m.id, error: String(err?.message ?? err) }),
  );
});
process.on('disconnect', () => process.exit(0));
// Messages sent before this module has its listener would go unheard: say when it has.
process.send({ ready: true });
