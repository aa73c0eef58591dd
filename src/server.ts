import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createApp } from './app.ts';
import { boot } from './boot.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DEMO, seedDemoIfEmpty, seedHelpIfEmpty } from './demo/seed-demo.ts';
import { formatRut } from './domain/rut.ts';
import { cacheFirst } from './web/page-cache.ts';
import { createLogger } from './logger.ts';

let config;
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
const runtime = await boot(config, log);
const { deps, worker } = runtime;

await seedHelpIfEmpty(deps);
if (config.demoData && (await seedDemoIfEmpty(deps))) {
  process.stdout.write(
    `\nDatos de demostración cargados. Ingrese en ${config.publicUrl}/ingresar con:\n` +
      `  Administrador  RUT ${formatRut(DEMO.rut)}  correo ${DEMO.admin.email}  clave ${DEMO.admin.password}\n` +
      `  Técnico        RUT ${formatRut(DEMO.rut)}  correo ${DEMO.technical.email}  clave ${DEMO.technical.password}\n\n`,
  );
}
if (config.devMailbox) log.warn({ mailbox: `${config.publicUrl}/dev/correo` }, 'SMTP_URL is not set: mail stays in the development mailbox page');
worker.start();

const app = createApp(deps);
const server = createServer(cacheFirst(deps.pageCache, getRequestListener(app.fetch)));
server.listen(config.port, config.host, () => {
  log.info({ url: config.publicUrl, port: config.port, host: config.host, database: deps.dialect, pageCache: Boolean(deps.pageCache) }, 'portal listening');
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping: finishing requests in flight');
  // Stop accepting; close() resolves when the requests in flight are answered.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const deadline = setTimeout(() => {
    log.warn('requests still in flight after 10 s, closing anyway');
    server.closeAllConnections();
  }, 10_000);
  deadline.unref();
  await closed;
  await runtime.close();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
