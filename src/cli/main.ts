import { parseArgs } from 'node:util';
import { cliOperator } from '../auth/principal.ts';
import { boot } from '../boot.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { AppError, UnavailableError, ValidationError } from '../errors.ts';
import { visibleEscapes } from '../domain/plain-text.ts';
import { createLogger } from '../logger.ts';
import { CommandFailed, UsageError } from './command.ts';
import { COMMANDS } from './commands.ts';

/**
 * The operator's command line: `portal <noun> <verb> [--options]`.
 * Same configuration (environment) and database as the server.
 */
export async function runCli(
  argv: string[],
  write: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  writeErr: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<number> {
  // Everything printed passes here: stored names, echoed options, file
  // paths, messages that quote them. Control and bidi characters in any of
  // it are shown as escapes, never sent to the terminal as they are.
  const out = (s: string) => write(visibleEscapes(s, { keepLineBreaks: true }));
  const err = (s: string) => writeErr(visibleEscapes(s, { keepLineBreaks: true }));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      pending: { type: 'boolean' },
      dead: { type: 'boolean' },
      failed: { type: 'boolean' },
      sent: { type: 'boolean' },
      json: { type: 'boolean' },
      ...Object.fromEntries(['rut', 'name', 'admin-name', 'admin-email', 'system', 'article', 'plan', 'from', 'to', 'id', 'on', 'limit', 'older-than-days', 'email', 'role', 'action', 'kind', 'actor', 'page', 'search', 'state', 'ending', 'scopes', 'days'].map((o) => [o, { type: 'string' as const }])),
    },
  });
  const words = positionals.slice(0, 2).join(' ');
  const name = COMMANDS[words] ? words : COMMANDS[positionals[0] ?? ''] ? positionals[0]! : undefined;
  if (!name || values.help) {
    out('Uso: portal <comando> [opciones]\n');
    for (const c of Object.values(COMMANDS)) out(`  portal ${c.usage}\n      ${c.summary}`);
    return name || values.help ? 0 : 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return 1;
    }
    throw e;
  }
  let rt;
  try {
    // One command and out: no shared caches to keep, so no listening connection (PostgreSQL) held or waited for.
    rt = await boot(config, createLogger(process.env.LOG_LEVEL ?? 'warn'), { sharedCaches: false });
  } catch (e) {
    if (e instanceof UnavailableError) {
      err(unavailableMessage(e));
      return EX_TEMPFAIL;
    }
    throw e;
  }
  try {
    await COMMANDS[name]!.run(rt, values as Record<string, string | boolean | undefined>, out, { err, args: positionals.slice(name.split(' ').length), operator: cliOperator() });
    return 0;
  } catch (e) {
    if (e instanceof UnavailableError) {
      err(unavailableMessage(e));
      return EX_TEMPFAIL;
    }
    if (e instanceof ValidationError) {
      err(['No se pudo completar:', ...Object.values(e.fieldErrors).map((m) => `  - ${m}`)].join('\n'));
      return 1;
    }
    if (e instanceof AppError || e instanceof UsageError || e instanceof CommandFailed) {
      err(e.message);
      if (e instanceof UsageError) err(`Uso: portal ${COMMANDS[name]!.usage}`);
      return 1;
    }
    throw e;
  } finally {
    await rt.close();
  }
}

/** sysexits' "temporary failure": a script may simply run the command again later. */
const EX_TEMPFAIL = 75;

/** For the operator: what happened, in words, and the driver's own detail. */
function unavailableMessage(e: UnavailableError): string {
  const cause = e.cause as { code?: string; message?: string } | undefined;
  const detail = cause ? ` (${[cause.code, cause.message].filter(Boolean).join(': ')})` : '';
  if (e.id === 'database-busy') {
    return `La base de datos está ocupada: otro proceso la tiene tomada para escribir desde hace más de unos segundos${detail}. Inténtelo de nuevo en unos segundos.`;
  }
  if (e.id === 'database-unavailable') {
    return `No se pudo conectar con la base de datos${detail}. Revise que esté en marcha y que DATABASE_URL sea correcta, y vuelva a intentarlo.`;
  }
  return e.message;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runCli(process.argv.slice(2));
}
