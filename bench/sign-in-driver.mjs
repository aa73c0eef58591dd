// The load driver of the sign-in attack section (bench/sign-in-attack.ts):
// plain node:http in a child process the bench pins to the load core. It
// speaks load.mjs's protocol, so harness.ts's load()/measure() drive it too,
// and adds the burst:
//
//   { load: 'run', id, opts }   -> { id, result }: `opts.connections` clients in a
//        closed loop (each sends its next request when the last one is answered)
//        for `opts.duration` seconds, or until { load: 'stop', id }; every request
//        takes the next of `opts.requestCycle` ({ method, path, headers, body }),
//        shared by all clients. The result is load.mjs's summary plus answers per
//        second by status (timeline) and this process's own CPU use.
//   { load: 'burst', id, opts } -> { id, result }: `opts.guesses` copies of
//        `opts.guess` sent at once, each on a connection of its own; once every one
//        of them is written, `opts.owner` on another connection. Says how many
//        answers of the burst were in when the owner's request left and when its
//        answer came.
//
// Why not autocannon here: the attack needs a request per connection with
// headers of its own at once (the burst), and a closed loop whose every answer
// is timed and counted by second; this stays well under the portal's rate
// (its CPU use is in every result, so the report can show it).
import { Agent, request } from 'node:http';

const running = new Map();

/** One request; resolves with its status (or error) and time. `onWritten`: when its bytes are handed to the socket. */
function send(agent, base, r, timeoutMs, onWritten) {
  return new Promise((resolve) => {
    const started = performance.now();
    const body = r.body ? Buffer.from(r.body) : undefined;
    const headers = { ...r.headers };
    if (body) headers['content-length'] = String(body.length);
    const req = request({ hostname: base.hostname, port: base.port, method: r.method ?? 'GET', path: r.path ?? '/', headers, agent }, (res) => {
      let bytes = 0;
      res.on('data', (d) => (bytes += d.length));
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started, location: res.headers.location, bytes }));
      res.on('error', (e) => resolve({ error: String(e?.code ?? e), ms: performance.now() - started }));
    });
    req.setTimeout(timeoutMs, () => {
      req.destroy(new Error('timeout'));
    });
    req.on('error', (e) => {
      // A request that never got written still counts as sent, or the burst's owner would wait forever.
      if (onWritten && !req.writableFinished) onWritten();
      resolve({ error: String(e?.message === 'timeout' ? 'timeout' : (e?.code ?? e)), ms: performance.now() - started });
    });
    if (onWritten) req.on('finish', onWritten);
    req.end(body);
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
}

async function run(id, opts) {
  const base = new URL(opts.url);
  const cycle = opts.requestCycle;
  const connections = Number(opts.connections ?? 1);
  const timeoutMs = Number(opts.timeout ?? 60) * 1000;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const started = performance.now();
  const cpu = process.cpuUsage();
  let until = started + Number(opts.duration ?? 10) * 1000;
  let stoppedAt = null;
  running.set(id, {
    stop() {
      stoppedAt ??= performance.now();
      until = Math.min(until, stoppedAt);
    },
  });
  let next = 0;
  let sent = 0;
  const byStatus = {};
  const timeline = [];
  const latencies = [];
  let errors = 0;
  let timeouts = 0;
  let bytes = 0;
  async function client() {
    while (performance.now() < until) {
      const r = cycle[next++ % cycle.length];
      sent++;
      const a = await send(agent, base, r, timeoutMs);
      // An answer that comes after the end does not count: the run is timed to its end.
      const at = performance.now();
      if (at > until) break;
      const second = Math.floor((at - started) / 1000);
      timeline[second] ??= {};
      if (a.error) {
        if (a.error === 'timeout') timeouts++;
        else errors++;
        timeline[second].error = (timeline[second].error ?? 0) + 1;
        // A refused connection would otherwise spin.
        await new Promise((res) => setTimeout(res, 10));
        continue;
      }
      byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
      timeline[second][a.status] = (timeline[second][a.status] ?? 0) + 1;
      latencies.push(a.ms);
      bytes += a.bytes;
    }
  }
  await Promise.all(Array.from({ length: connections }, client));
  running.delete(id);
  agent.destroy();
  const end = Math.min(until, performance.now());
  const seconds = (end - started) / 1000;
  const total = latencies.length;
  latencies.sort((a, b) => a - b);
  const used = process.cpuUsage(cpu);
  return {
    seconds,
    total,
    perSecond: total / seconds,
    byStatus,
    errors,
    timeouts,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.round(latencies.at(-1) ?? 0) },
    bytesPerRequest: total ? Math.round(bytes / total) : 0,
    wallMs: end - started,
    /** Requests sent, answered or not by the end (a stopped run leaves some in flight). */
    sent,
    timeline: Array.from({ length: Math.ceil(seconds) }, (_, i) => timeline[i] ?? {}),
    driverCpuPct: Math.round(((used.user + used.system) / 1000 / (performance.now() - started)) * 1000) / 10,
  };
}

async function burst(opts) {
  const base = new URL(opts.url);
  const timeoutMs = Number(opts.timeout ?? 60) * 1000;
  // No keep-alive and no socket limit: every guess has a connection of its own, all at once.
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const ownerAgent = new Agent({ keepAlive: false });
  const started = performance.now();
  const byStatus = {};
  let errors = 0;
  let answered = 0;
  let written = 0;
  let lastAnswerMs = 0;
  let firstAnswerMs = null;
  let ownerResult = null;
  let allWritten;
  const everyoneWritten = new Promise((r) => (allWritten = r));
  const onWritten = () => {
    written++;
    if (written === opts.guesses) allWritten();
  };
  const guesses = Array.from({ length: opts.guesses }, () =>
    send(agent, base, opts.guess, timeoutMs, onWritten).then((a) => {
      answered++;
      const at = performance.now() - started;
      firstAnswerMs ??= at;
      lastAnswerMs = at;
      if (a.error) errors++;
      else byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
    }),
  );
  // The owner goes once all of the burst is on the wire, on a connection of its own.
  const owner = (async () => {
    await everyoneWritten;
    const sentAtMs = performance.now() - started;
    const answeredWhenSent = answered;
    const a = await send(ownerAgent, base, opts.owner, timeoutMs);
    ownerResult = {
      status: a.status ?? null,
      error: a.error ?? null,
      location: a.location ?? null,
      sentAtMs: Math.round(sentAtMs),
      answeredAtMs: Math.round(performance.now() - started),
      burstAnsweredWhenSent: answeredWhenSent,
      burstAnsweredWhenAnswered: answered,
    };
  })();
  await Promise.all([...guesses, owner]);
  agent.destroy();
  ownerAgent.destroy();
  return { guesses: opts.guesses, byStatus, errors, firstAnswerMs: Math.round(firstAnswerMs ?? 0), lastAnswerMs: Math.round(lastAnswerMs), written, owner: ownerResult };
}

process.on('message', (m) => {
  if (m?.load === 'run') {
    run(m.id, m.opts).then(
      (result) => process.send({ id: m.id, result }),
      (err) => process.send({ id: m.id, error: String(err?.stack ?? err) }),
    );
  } else if (m?.load === 'stop') {
    running.get(m.id)?.stop();
  } else if (m?.load === 'burst') {
    burst(m.opts).then(
      (result) => process.send({ id: m.id, result }),
      (err) => process.send({ id: m.id, error: String(err?.stack ?? err) }),
    );
  }
});
process.on('disconnect', () => process.exit(0));
// Messages sent before this module has its listener would go unheard: say when it has.
process.send({ ready: true });
