// The load generator: autocannon in a child process the bench pins to a core
// of its own. It runs the jobs it is sent over IPC and answers with a summary.
//
//   { load: 'run', id, opts }  -> { id, result }   (opts: autocannon options, all plain data)
//   { load: 'stop', id }       -> stops job `id` early; its result is sent as usual
import autocannon from 'autocannon';

const running = new Map();

function summary(r) {
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
  };
}

process.on('message', (m) => {
  if (m?.load === 'run') {
    const instance = autocannon(m.opts, (err, result) => {
      running.delete(m.id);
      if (err) process.send({ id: m.id, error: String(err?.message ?? err) });
      else process.send({ id: m.id, result: summary(result) });
    });
    running.set(m.id, instance);
  } else if (m?.load === 'stop') {
    running.get(m.id)?.stop();
  }
});
process.on('disconnect', () => process.exit(0));
// Messages sent before this module has its listener would go unheard: say when it has.
process.send({ ready: true });
