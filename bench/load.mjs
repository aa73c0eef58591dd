// The load generator: autocannon in a child process the bench pins to a core
// of its own. It runs the jobs it is sent over IPC and answers with a summary.
//
//   { load: 'run', id, opts }  -> { id, result }   (opts: autocannon options, all plain data)
//   { load: 'stop', id }       -> stops job `id` early; its result is sent as usual
//   { load: 'sequential', id, opts } -> { id, result }: one connection, one request at a time,
//        latency per request in µs (autocannon's histogram keeps whole milliseconds)
//
// opts.cycle (an array of paths): every request takes the next path of the
// list, shared by all connections, starting at the first. With
// `amount: cycle.length` a run asks each path exactly once, so two runs (or a
// run and a baseline) do exactly the same work whatever their speed.
//
// opts.requestCycle (an array of { method, path, headers, body }): the same,
// with whole requests: each takes the next of the list, its headers added to
// opts.headers. The sign-in storm sends each user's sign-in from its own
// X-Forwarded-For address this way.
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

const running = new Map();

function summary(r, wallMs) {
  const byStatus = {};
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) byStatus[code] = Number(v.count);
  return {
    seconds: r.duration,
    total: r.requests.total,
    perSecond: r.requests.total / r.duration,
    byStatus,
    errors: r.errors,
    timeouts: r.timeouts,
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
    bytesPerRequest: r.requests.total > 0 ? Math.round(r.throughput.total / r.requests.total) : 0,
    /** From the start to the end of the run, or with `amount` to the last answer (ms, not rounded). */
    wallMs,
  };
}

function withCycle(opts) {
  if (Array.isArray(opts.requestCycle)) {
    const { requestCycle, ...rest } = opts;
    let next = 0;
    return {
      ...rest,
      requests: [
        {
          setupRequest: (req) => {
            const r = requestCycle[next++ % requestCycle.length];
            return { ...req, ...r, headers: { ...req.headers, ...r.headers } };
          },
        },
      ],
    };
  }
  if (!Array.isArray(opts.cycle)) return opts;
  const { cycle, ...rest } = opts;
  let next = 0;
  return { ...rest, requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: cycle[next++ % cycle.length] }) }] };
}

/** One keep-alive connection, `paths` in order, whole passes until `minPasses` and `minSeconds` are both reached. */
async function sequential({ url, paths, headers = {}, minPasses = 1, maxPasses = 20, minSeconds = 0 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(url);
  const get = (path) =>
    new Promise((resolve, reject) => {
      const req = request({ hostname, port, path, headers, agent }, (res) => {
        let bytes = 0;
        res.on('data', (d) => (bytes += d.length));
        res.on('end', () => resolve({ status: res.statusCode, bytes }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  // A few requests first, untimed: a new connection, and whatever the server does lazily on it.
  for (const path of paths.slice(0, 3)) await get(path);
  const samples = paths.map(() => []);
  const byStatus = {};
  let bytes = 0;
  let passes = 0;
  const started = performance.now();
  while (passes < maxPasses && (passes < minPasses || performance.now() - started < minSeconds * 1000)) {
    for (const [i, path] of paths.entries()) {
      const t = performance.now();
      const r = await get(path);
      samples[i].push(Math.round((performance.now() - t) * 1000) / 1000);
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      bytes += r.bytes;
    }
    passes++;
  }
  agent.destroy();
  const total = passes * paths.length;
  return { passes, seconds: (performance.now() - started) / 1000, total, byStatus, bytesPerRequest: total ? Math.round(bytes / total) : 0, samplesMs: samples };
}

process.on('message', (m) => {
  if (m?.load === 'run') {
    const started = performance.now();
    let lastAnswer = started;
    const instance = autocannon(withCycle(m.opts), (err, result) => {
      running.delete(m.id);
      // With `amount`, autocannon notices it is done only at its next one-second tick: time the work, up to the last answer.
      const wallMs = m.opts.amount ? lastAnswer - started : performance.now() - started;
      if (err) process.send({ id: m.id, error: String(err?.message ?? err) });
      else process.send({ id: m.id, result: summary(result, wallMs) });
    });
    instance.on('response', () => {
      lastAnswer = performance.now();
    });
    running.set(m.id, instance);
  } else if (m?.load === 'stop') {
    running.get(m.id)?.stop();
  } else if (m?.load === 'sequential') {
    sequential(m.opts).then(
      (result) => process.send({ id: m.id, result }),
      (err) => process.send({ id: m.id, error: String(err?.message ?? err) }),
    );
  }
});
process.on('disconnect', () => process.exit(0));
// Messages sent before this module has its listener would go unheard: say when it has.
process.send({ ready: true });
