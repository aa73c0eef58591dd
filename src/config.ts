import { isIP } from 'node:net';
import { cpus } from 'node:os';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';

/**
 * Every setting comes from the environment, is validated once at start, and
 * has a default that runs the embedded setup (SQLite file, dev mailbox).
 * The README documents each variable; keep the two in step.
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (name: string, def: number) =>
  z.coerce
    .number({ message: `${name} debe ser un número entero positivo.` })
    .int(`${name} debe ser un número entero positivo.`)
    .positive(`${name} debe ser un número entero positivo.`)
    .default(def);

/**
 * Which proxies in front of the portal may say who the client is: none, the
 * nearest N hops ("true" is one, for the usual single reverse proxy), or the
 * proxies' own addresses and networks (10.0.0.5, 10.0.0.0/8, loopback…).
 */
export type TrustProxy = { hops: number } | { proxies: string[] };

const TRUST_PROXY_HELP =
  'TRUST_PROXY debe ser false, true (un proxy), el número de proxies delante del portal (1, 2…) o la lista de sus direcciones o redes separadas por comas (10.0.0.5, 10.0.0.0/8, loopback).';

const trustProxy = z
  .string()
  .default('false')
  .transform((raw, ctx): TrustProxy => {
    const v = raw.trim().toLowerCase();
    if (v === 'false' || v === 'no') return { hops: 0 };
    if (v === 'true' || v === 'yes') return { hops: 1 };
    if (/^\d+$/.test(v)) {
      const hops = Number(v);
      if (hops <= 20) return { hops };
      ctx.addIssue({ code: 'custom', message: `${TRUST_PROXY_HELP} ${v} proxies seguidos no es creíble.` });
      return z.NEVER;
    }
    const proxies = v.split(',').map((p) => p.trim()).filter(Boolean);
    for (const p of proxies) {
      try {
        proxyaddr.compile(p);
      } catch {
        ctx.addIssue({ code: 'custom', message: `${TRUST_PROXY_HELP} «${p}» no es una dirección ni una red.` });
        return z.NEVER;
      }
    }
    if (proxies.length === 0) {
      ctx.addIssue({ code: 'custom', message: TRUST_PROXY_HELP });
      return z.NEVER;
    }
    return { proxies };
  });

/** Only this machine can reach a server listening here. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v4 = h.startsWith('::ffff:') && isIP(h.slice(7)) === 4 ? h.slice(7) : h;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return isIP(h) === 6 && /^(0{0,4}:){7}0{0,3}1$|^::1$/.test(h);
}

const SIGN_IN_DELAY_HELP = 'SIGN_IN_FAILURE_DELAY_MS debe ser un número entero de milisegundos entre 0 y 10000.';

const colour = (name: string, def: string) =>
  z.string().regex(/^#[0-9a-fA-F]{3,8}$/, `${name} debe ser un color hexadecimal como #1a4f8b.`).default(def);

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535, 'PORT debe estar entre 0 y 65535.').default(3000),
    HOST: z.string().default('127.0.0.1'),
    PUBLIC_URL: z.string().url('PUBLIC_URL debe ser una URL completa, como https://portal.ejemplo.cl').optional(),
    DATABASE_URL: z.string().default('data/portal.sqlite'),
    DEMO_DATA: bool.default(true),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: trustProxy,
    SMTP_URL: z.string().url('SMTP_URL debe ser una URL como smtp://usuario:clave@servidor:587').optional(),
    MAIL_FROM: z.string().default('Mi Transtecnia <no-responder@transtecnia.cl>'),
    // Each SMTP wait (connect, greeting, every reply) stays at most half the mail's claim (JOB_LEASE_SECONDS, checked below).
    SMTP_TIMEOUT_SECONDS: positiveInt('SMTP_TIMEOUT_SECONDS', 15),
    OUTBOX_RETENTION_DAYS: positiveInt('OUTBOX_RETENTION_DAYS', 30),
    // How long a claim lasts unrenewed (a scheduled job's lease, a mail being sent): a killed instance's work is taken over after this.
    JOB_LEASE_SECONDS: positiveInt('JOB_LEASE_SECONDS', 60).refine((n) => n >= 4 && n <= 3600, 'JOB_LEASE_SECONDS debe estar entre 4 y 3600.'),
    SESSION_IDLE_MINUTES: positiveInt('SESSION_IDLE_MINUTES', 30),
    SESSION_ABSOLUTE_HOURS: positiveInt('SESSION_ABSOLUTE_HOURS', 12),
    TEMP_PASSWORD_HOURS: positiveInt('TEMP_PASSWORD_HOURS', 72),
    STAFF_SESSION_IDLE_MINUTES: positiveInt('STAFF_SESSION_IDLE_MINUTES', 15),
    STAFF_SESSION_ABSOLUTE_HOURS: positiveInt('STAFF_SESSION_ABSOLUTE_HOURS', 8),
    STAFF_STEP_UP_MINUTES: positiveInt('STAFF_STEP_UP_MINUTES', 10),
    STAFF_INVITATION_HOURS: positiveInt('STAFF_INVITATION_HOURS', 72),
    RESET_LINK_MINUTES: positiveInt('RESET_LINK_MINUTES', 60),
    SIGN_IN_FAILURE_DELAY_MS: z.coerce
      .number({ message: SIGN_IN_DELAY_HELP })
      .int(SIGN_IN_DELAY_HELP)
      .min(0, SIGN_IN_DELAY_HELP)
      .max(10_000, SIGN_IN_DELAY_HELP)
      .default(750),
    PAGE_CACHE: bool.default(true),
    // PostgreSQL connections this process may hold (each instance its own pool).
    DATABASE_POOL_SIZE: positiveInt('DATABASE_POOL_SIZE', 10).refine((n) => n <= 200, 'DATABASE_POOL_SIZE no puede pasar de 200.'),
    // PostgreSQL: the statements a connection repeats are kept prepared (db/postgres-prepared-statements.ts); false behind a pooler in transaction mode that cannot keep them.
    DATABASE_PREPARED_STATEMENTS: bool.default(true),
    // /metrics (Prometheus): on the main port with this bearer token, or on METRICS_PORT instead; with neither, not served (metrics/metrics-access.ts).
    METRICS_TOKEN: z
      .string()
      .min(32, 'METRICS_TOKEN debe tener al menos 32 caracteres (genérelo con `openssl rand -hex 32`).')
      // A bearer token is one word on the wire (metrics/bearer-token-guard.ts): one with a space could never be sent.
      .regex(/^\S+$/, 'METRICS_TOKEN no puede llevar espacios ni saltos de línea (genérelo con `openssl rand -hex 32`).')
      .optional(),
    METRICS_PORT: z.coerce.number().int().min(1).max(65535, 'METRICS_PORT debe estar entre 1 y 65535.').optional(),
    METRICS_HOST: z.string().default('127.0.0.1'),
    // Whether the author of a help draft may publish it: false asks for a second person (four eyes).
    HELP_SELF_PUBLISH: bool.default(false),
    // Calls per API token per minute on /api/v1, and the reserve above it per 10 minutes (0: none): api/rate-limit/.
    API_RATE_LIMIT_PER_MINUTE: positiveInt('API_RATE_LIMIT_PER_MINUTE', 600).refine((n) => n <= 100_000, 'API_RATE_LIMIT_PER_MINUTE no puede pasar de 100000.'),
    API_RATE_LIMIT_BURST: z.coerce.number({ message: 'API_RATE_LIMIT_BURST debe ser un número entero de llamadas, 0 o más.' }).int('API_RATE_LIMIT_BURST debe ser un número entero de llamadas, 0 o más.').min(0, 'API_RATE_LIMIT_BURST debe ser un número entero de llamadas, 0 o más.').max(100_000, 'API_RATE_LIMIT_BURST no puede pasar de 100000.').default(100),
    // A client that stalls its headers or body is answered 408 and let go (Node's defaults hold one 5 minutes).
    HEADERS_TIMEOUT_SECONDS: positiveInt('HEADERS_TIMEOUT_SECONDS', 10),
    REQUEST_TIMEOUT_SECONDS: positiveInt('REQUEST_TIMEOUT_SECONDS', 30),
    SHUTDOWN_TIMEOUT_SECONDS: positiveInt('SHUTDOWN_TIMEOUT_SECONDS', 10),
    PASSWORD_HASH_CONCURRENCY: positiveInt('PASSWORD_HASH_CONCURRENCY', Math.max(1, cpus().length - 1)),
    BRAND_NAME: z.string().min(1).default('Mi Transtecnia'),
    BRAND_VENDOR: z.string().min(1).default('Transtecnia'),
    BRAND_TAGLINE: z.string().default('Renovando la contabilidad'),
    BRAND_LOGO_URL: z.string().default('/static/logo.svg'),
    BRAND_PRIMARY_COLOR: colour('BRAND_PRIMARY_COLOR', '#0b4f8a'),
    BRAND_ACCENT_COLOR: colour('BRAND_ACCENT_COLOR', '#e07a10'),
    BRAND_COPYRIGHT: z.string().optional(),
    BRAND_TERMS_URL: z.string().default('/terminos'),
    SUPPORT_EMAIL: z.string().default('soporte@transtecnia.cl'),
    SUPPORT_PHONE: z.string().default('+56 2 2756 2500'),
    // Webhook deliveries (webhooks/webhook-worker.ts): one try's whole exchange, tries before a dead letter, the retry backoff.
    // Unset: 10 s, or half of JOB_LEASE_SECONDS when the lease is shorter than 20 s.
    WEBHOOK_TIMEOUT_SECONDS: z.coerce
      .number({ message: 'WEBHOOK_TIMEOUT_SECONDS debe ser un número entero de segundos entre 1 y 120.' })
      .int('WEBHOOK_TIMEOUT_SECONDS debe ser un número entero de segundos entre 1 y 120.')
      .min(1, 'WEBHOOK_TIMEOUT_SECONDS debe ser un número entero de segundos entre 1 y 120.')
      .max(120, 'WEBHOOK_TIMEOUT_SECONDS debe ser un número entero de segundos entre 1 y 120.')
      .optional(),
    WEBHOOK_MAX_ATTEMPTS: positiveInt('WEBHOOK_MAX_ATTEMPTS', 12).refine((n) => n <= 50, 'WEBHOOK_MAX_ATTEMPTS no puede pasar de 50.'),
    WEBHOOK_RETRY_BASE_SECONDS: positiveInt('WEBHOOK_RETRY_BASE_SECONDS', 60),
    WEBHOOK_MAX_BACKOFF_MINUTES: positiveInt('WEBHOOK_MAX_BACKOFF_MINUTES', 480),
    // Dated contract events (started, ended) missed while the portal was down are still sent if they fell due within these days.
    WEBHOOK_CATCH_UP_DAYS: z.coerce.number({ message: 'WEBHOOK_CATCH_UP_DAYS debe ser un número entero de días entre 0 y 60.' }).int('WEBHOOK_CATCH_UP_DAYS debe ser un número entero de días entre 0 y 60.').min(0, 'WEBHOOK_CATCH_UP_DAYS debe ser un número entero de días entre 0 y 60.').max(60, 'WEBHOOK_CATCH_UP_DAYS debe ser un número entero de días entre 0 y 60.').default(7),
    // Where webhooks may go besides public https addresses (webhooks/webhook-url-policy.ts).
    WEBHOOK_ALLOW_LOCALHOST: bool.default(false),
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: bool.default(false),
    // Delivered and dead webhook deliveries, their tries and events are deleted after this long (pending ones never).
    WEBHOOK_RETENTION_DAYS: positiveInt('WEBHOOK_RETENTION_DAYS', 90),
  })
  .superRefine((env, ctx) => {
    // A mail's claim must outlast every SMTP wait, or a second instance would send it while the first still waits for an answer.
    if (env.SMTP_TIMEOUT_SECONDS * 2 > env.JOB_LEASE_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMTP_TIMEOUT_SECONDS'],
        message: `SMTP_TIMEOUT_SECONDS (${env.SMTP_TIMEOUT_SECONDS}) no puede pasar de la mitad de JOB_LEASE_SECONDS (${env.JOB_LEASE_SECONDS}), la reserva de cada correo: baje SMTP_TIMEOUT_SECONDS o suba JOB_LEASE_SECONDS.`,
      });
    }
    // A webhook try must end well within its claim, or a second instance would send it while the first still waits.
    if (env.WEBHOOK_TIMEOUT_SECONDS !== undefined && env.WEBHOOK_TIMEOUT_SECONDS * 2 > env.JOB_LEASE_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_TIMEOUT_SECONDS'],
        message: `WEBHOOK_TIMEOUT_SECONDS (${env.WEBHOOK_TIMEOUT_SECONDS}) no puede pasar de la mitad de JOB_LEASE_SECONDS (${env.JOB_LEASE_SECONDS}): baje WEBHOOK_TIMEOUT_SECONDS o suba JOB_LEASE_SECONDS.`,
      });
    }
    // An event's dedupe key must outlive every day it can still fall due on (catch-up days, contract.ending's 30 days and the day after).
    if (env.WEBHOOK_RETENTION_DAYS < env.WEBHOOK_CATCH_UP_DAYS + 32) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_RETENTION_DAYS'],
        message: `WEBHOOK_RETENTION_DAYS (${env.WEBHOOK_RETENTION_DAYS}) debe ser al menos WEBHOOK_CATCH_UP_DAYS + 32 (${env.WEBHOOK_CATCH_UP_DAYS + 32}): con menos, un aviso de contrato podría enviarse dos veces.`,
      });
    }
    if (env.NODE_ENV === 'production' && !env.SMTP_URL) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'En producción SMTP_URL es obligatorio: sin él los correos no saldrían.' });
    }
    // Without SMTP the mails land on /dev/correo, a page with no sign-in: only this machine may see it.
    if (env.NODE_ENV !== 'production' && !env.SMTP_URL && !isLoopbackHost(env.HOST)) {
      ctx.addIssue({
        code: 'custom',
        path: ['HOST'],
        message: `HOST=${env.HOST} recibe conexiones de la red, y sin SMTP_URL los correos (claves temporales, enlaces para restablecer la clave) quedarían en /dev/correo, a la vista de cualquiera que llegue al portal. Configure SMTP_URL, o deje HOST en 127.0.0.1 (o ::1, localhost) para desarrollo.`,
      });
    }
  });

export interface Brand {
  name: string;
  vendor: string;
  tagline: string;
  logoUrl: string;
  primaryColor: string;
  accentColor: string;
  copyright: string;
  termsUrl: string;
  supportEmail: string;
  supportPhone: string;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  secureCookies: boolean;
  databaseUrl: string;
  demoData: boolean;
  logLevel: string;
  trustProxy: TrustProxy;
  smtpUrl: string | undefined;
  mailFrom: string;
  devMailbox: boolean;
  /** Connection, greeting and per-reply timeout of the SMTP client. */
  smtpTimeoutMs: number;
  /** Sent and dead mail is deleted from the outbox after this long; pending mail never is. */
  outboxRetentionMs: number;
  /** A scheduled job's lease and a mail's claim last this long unrenewed (renewed every third of it while the work runs). */
  jobLeaseMs: number;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  tempPasswordMs: number;
  /** The vendor's console: shorter limits than a customer's, and a fresh second factor for sensitive actions. */
  staffSessionIdleMs: number;
  staffSessionAbsoluteMs: number;
  staffStepUpMs: number;
  staffInvitationMs: number;
  resetLinkMs: number;
  /** Every failed sign-in answers no sooner than this after it arrived (wrong, unknown, throttled alike). */
  signInFailureDelayMs: number;
  passwordHashConcurrency: number;
  pageCache: boolean;
  databasePoolSize: number;
  databasePreparedStatements: boolean;
  /** Bearer token /metrics asks for: on the main port (alone), or on metricsPort too when both are set. */
  metricsToken: string | undefined;
  /** A separate listener for /metrics only, on metricsHost; set, the main port no longer serves /metrics. No token asked there unless metricsToken is set. */
  metricsPort: number | undefined;
  metricsHost: string;
  /** The author of a help draft may publish it themselves (else another person with help:publish must). */
  helpSelfPublish: boolean;
  /** Per API token: calls a minute, and the reserve above that per 10 minutes (api/rate-limit/api-rate-limiter.ts). */
  apiRateLimit: { perMinute: number; burst: number };
  /** node:http: the whole request's headers must arrive within headersTimeoutMs, headers and body within requestTimeoutMs. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** On SIGTERM, how long requests in flight may take before their connections are cut. */
  shutdownTimeoutMs: number;
  webhooks: WebhookConfig;
  brand: Brand;
}

export interface WebhookConfig {
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  maxBackoffMs: number;
  catchUpDays: number;
  /** Delivered and dead deliveries (with their tries and events) are deleted after this long. */
  retentionMs: number;
  /** http:// and loopback addresses allowed (development, tests). */
  allowLocalhost: boolean;
  /** 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7 allowed (a receiver inside the vendor's network). */
  allowPrivateNetworks: boolean;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.') || 'entorno'}: ${i.message}`);
    throw new ConfigError(`La configuración no es válida:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    databaseUrl: e.DATABASE_URL,
    demoData: e.DEMO_DATA,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    devMailbox: !e.SMTP_URL && e.NODE_ENV !== 'production',
    smtpTimeoutMs: e.SMTP_TIMEOUT_SECONDS * 1000,
    outboxRetentionMs: e.OUTBOX_RETENTION_DAYS * 86_400_000,
    jobLeaseMs: e.JOB_LEASE_SECONDS * 1000,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    tempPasswordMs: e.TEMP_PASSWORD_HOURS * 3_600_000,
    staffSessionIdleMs: e.STAFF_SESSION_IDLE_MINUTES * 60_000,
    staffSessionAbsoluteMs: e.STAFF_SESSION_ABSOLUTE_HOURS * 3_600_000,
    staffStepUpMs: e.STAFF_STEP_UP_MINUTES * 60_000,
    staffInvitationMs: e.STAFF_INVITATION_HOURS * 3_600_000,
    resetLinkMs: e.RESET_LINK_MINUTES * 60_000,
    signInFailureDelayMs: e.SIGN_IN_FAILURE_DELAY_MS,
    passwordHashConcurrency: e.PASSWORD_HASH_CONCURRENCY,
    pageCache: e.PAGE_CACHE,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    helpSelfPublish: e.HELP_SELF_PUBLISH,
    apiRateLimit: { perMinute: e.API_RATE_LIMIT_PER_MINUTE, burst: e.API_RATE_LIMIT_BURST },
    headersTimeoutMs: Math.min(e.HEADERS_TIMEOUT_SECONDS, e.REQUEST_TIMEOUT_SECONDS) * 1000,
    requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    webhooks: {
      timeoutMs: (e.WEBHOOK_TIMEOUT_SECONDS ?? Math.min(10, Math.floor(e.JOB_LEASE_SECONDS / 2))) * 1000,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_SECONDS * 1000,
      maxBackoffMs: Math.max(e.WEBHOOK_MAX_BACKOFF_MINUTES * 60_000, e.WEBHOOK_RETRY_BASE_SECONDS * 1000),
      catchUpDays: e.WEBHOOK_CATCH_UP_DAYS,
      retentionMs: e.WEBHOOK_RETENTION_DAYS * 86_400_000,
      allowLocalhost: e.WEBHOOK_ALLOW_LOCALHOST,
      allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    },
    brand: {
      name: e.BRAND_NAME,
      vendor: e.BRAND_VENDOR,
      tagline: e.BRAND_TAGLINE,
      logoUrl: e.BRAND_LOGO_URL,
      primaryColor: e.BRAND_PRIMARY_COLOR,
      accentColor: e.BRAND_ACCENT_COLOR,
      copyright: e.BRAND_COPYRIGHT ?? `${new Date().getFullYear()} © ${e.BRAND_VENDOR}`,
      termsUrl: e.BRAND_TERMS_URL,
      supportEmail: e.SUPPORT_EMAIL,
      supportPhone: e.SUPPORT_PHONE,
    },
  };
}
