import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { createApp } from './app.ts';
import { boot, type Runtime } from './boot.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { DEMO, seedDemoIfEmpty, seedHelpIfEmpty } from './demo/seed-demo.ts';
import { formatRut } from './domain/rut.ts';
import { UnavailableError } from './errors.ts';
import { HttpDrain } from './web/http-drain.ts';
import { portalListener } from './web/portal-listener.ts';
import { createLogger } from './logger.ts';
import { metricsAccess } from './metrics/metrics-access.ts';
import { startMetricsListener } from './metrics/metrics-listener.ts';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
const log = createLogger(config.logLevel);

// A database that is not there at start is a message and an exit code for the supervisor, not a stack.
let runtime: Runtime;
try {
  // One search thread: a search's synchronous work leaves the event loop (docs/decisions/0027-help-search-threads.md).
  runtime = await boot(config, log, { searchThreads: 1 });
} catch (err) {
  if (!(err instanceof UnavailableError)) throw err;
  const cause = err.cause as { code?: string; message?: string } | undefined;
  log.fatal({ code: cause?.code, cause: cause?.message }, 'database unavailable at start');
  process.stderr.write(`${err.message} (${[cause?.code, cause?.message].filter(Boolean).join(': ')})\n`);
  process.exit(1);
}
const { deps, worker, webhooks, scheduler } = runtime;

await seedHelpIfEmpty(deps);
if (config.demoData && (await seedDemoIfEmpty(deps))) {
  process.stdout.write(
    `\nDatos de demostración cargados. Ingrese en ${config.publicUrl}/ingresar con:\n` +
      `  Administrador  RUT ${formatRut(DEMO.rut)}  correo ${DEMO.admin.email}  clave ${DEMO.admin.password}\n` +
      `  Técnico        RUT ${formatRut(DEMO.rut)}  correo ${DEMO.technical.email}  clave ${DEMO.technical.password}\n` +
      `Consola del proveedor en ${config.publicUrl}/proveedor/ingresar con:\n` +
      `  Administradora correo ${DEMO.staff.email}  clave ${DEMO.staff.password}  (al ingresar configura su segundo factor TOTP)\n\n`,
  );
}
if (config.devMailbox) log.warn({ mailbox: `${config.publicUrl}/dev/correo` }, 'SMTP_URL is not set: mail stays in the development mailbox page');
// METRICS_PORT: /metrics on a listener of its own (metrics/metrics-access.ts); a port that is taken stops the start, like PORT.
const metricsPort = metricsAccess(config).ownPort;
const metricsListener = metricsPort
  ? await startMetricsListener(deps.metrics, metricsPort, { clock: deps.clock, log, headersTimeoutMs: config.headersTimeoutMs, requestTimeoutMs: config.requestTimeoutMs }).catch(
      (err: NodeJS.ErrnoException) => {
        log.fatal({ code: err.code, host: metricsPort.host, port: metricsPort.port }, 'metrics port unavailable');
        process.stderr.write(`No se pudo escuchar en METRICS_HOST=${metricsPort.host} METRICS_PORT=${metricsPort.port} (${err.code ?? err.message}).\n`);
        process.exit(1);
      },
    )
  : undefined;
worker.start();
webhooks.start();
scheduler.start();

const server = createServer({
  headersTimeout: config.headersTimeoutMs,
  requestTimeout: config.requestTimeoutMs,
  // Node checks both timeouts on this interval (30 s by default, which would stretch them).
  connectionsCheckingInterval: 1_000,
});
const drain = new HttpDrain(server, { log });
const appDeps = { ...deps, draining: () => drain.draining };
server.on('request', drain.wrap(portalListener(appDeps, createApp(appDeps))));

// A malformed or stalled request (the 408 of requestTimeout included): Node's own answer, logged at info.
const CLIENT_ERROR_ANSWERS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
};
server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
  log.info({ code: err.code, ip: socket.remoteAddress }, 'client error: request not read');
  if (socket.writable && socket.bytesWritten === 0) {
    socket.write(`HTTP/1.1 ${CLIENT_ERROR_ANSWERS[err.code ?? ''] ?? '400 Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  socket.destroy();
});

server.listen(config.port, config.host, () => {
  log.info({ url: config.publicUrl, port: config.port, host: config.host, database: deps.dialect, pageCache: Boolean(deps.pageCache) }, 'portal listening');
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping: finishing requests in flight');
  // Whatever hangs below (a send that ignores its abort, say), the process still ends.
  setTimeout(() => {
    log.error('shutdown did not finish in time, exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs + 10_000).unref();
  const started = performance.now();
  // No new job turns or leases while the connections drain: another instance takes the next turn.
  const jobsStopped = scheduler.stop();
  const cut = await drain.drain(config.shutdownTimeoutMs);
  await jobsStopped;
  log.info({ ms: Math.round(performance.now() - started), cut }, 'connections closed');
  await metricsListener?.close();
  await runtime.close();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
