import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { hashToken } from '../auth/token.ts';
import type { Clock } from '../clock.ts';
import { vendorToday } from '../domain/contracts.ts';

/**
 * Signed-in people read the same few pages over and over (their services,
 * the help), and nothing on them changes between two visits unless something
 * is written. This cache keeps each session's rendering of those pages and
 * serves it straight from node:http, ahead of the framework, while:
 *  - no write that a page can show has happened in this process since
 *    (pageDataWrites bumps `generation`, which empties the cache), and no
 *    other process (the operator CLI) has committed to the database
 *    (SQLite's PRAGMA data_version);
 *  - it is still the same day in Santiago (contracts in force change at midnight);
 *  - the session is within its idle and absolute limits, checked here as the
 *    session loader would, with last-seen written back once a minute.
 * Sign-out, revocation and disabling all delete sessions or change users, so
 * they empty the cache before the next request. Anything unusual (a query
 * string, a flash message, a missing cookie) goes to the framework.
 */

// Not attachments (binary, large, better left to the browser's cache) nor the suggestions' JSON.
export const CACHEABLE = (path: string) =>
  path === '/servicios' || path === '/ayuda' || (path.startsWith('/ayuda/') && !path.includes('/adjuntos/') && path !== '/ayuda/sugerencias');

interface Entry {
  sessionId: string;
  day: string;
  /** Name, value, name, value… ready for writeHead, content-length included. */
  head: string[];
  body: Buffer;
  expiresAtMs: number;
  lastSeenMs: number;
  touchedMs: number;
}

export interface PageCacheOptions {
  clock: Clock;
  log: Logger;
  idleMs: number;
  /** Log the X-Forwarded-For address, as the framework does behind a proxy. */
  trustProxy: boolean;
  cookieNames: { sid: string; csrf: string; flash: string };
  /** Changes when another connection commits (SQLite's PRAGMA data_version). */
  dataVersion: () => number;
  /** Write a session's last-seen time (a write that does not empty the cache). */
  touchSession: (sessionId: string, at: Date) => void;
  /** A page was served from the cache (the help counts article views with it). */
  onHit?: (path: string) => void;
  maxEntries?: number;
}

const TOUCH_EVERY_MS = 60_000;

export class PageCache {
  private generationCount = 0;
  private readonly entries = new Map<string, Entry>();
  private seenDataVersion: number;
  private todayValue = '';
  private todayUntilMs = 0;
  private checkedAt = -Infinity;
  hits = 0;

  constructor(private readonly o: PageCacheOptions) {
    this.seenDataVersion = o.dataVersion();
  }

  /** Something a page may show was written: nothing cached is current any more. */
  bump(): void {
    this.generationCount++;
    this.entries.clear();
  }

  get generation(): number {
    return this.generationCount;
  }

  get size(): number {
    return this.entries.size;
  }

  private today(nowMs: number): string {
    // Intl formatting is slow next to a cache hit; the day changes at most once a second's check.
    if (nowMs >= this.todayUntilMs) {
      this.todayValue = vendorToday(new Date(nowMs));
      this.todayUntilMs = nowMs + 1_000;
    }
    return this.todayValue;
  }

  /** Keep a rendering, unless something was written while it was being made. */
  store(args: { sid: string; csrf: string; path: string; sessionId: string; sessionExpiresAt: string; generationAtStart: number; headers: Array<[string, string]>; body: Buffer }): void {
    if (args.generationAtStart !== this.generationCount) return;
    this.checkOtherWriters(true);
    if (args.generationAtStart !== this.generationCount) return;
    if (this.entries.size >= (this.o.maxEntries ?? 10_000)) this.entries.delete(this.entries.keys().next().value!);
    const nowMs = this.o.clock.now().getTime();
    this.entries.set(`${hashToken(args.sid)}|${args.csrf}|${args.path}`, {
      sessionId: args.sessionId,
      day: this.today(nowMs),
      head: [
        ...args.headers.filter(([k]) => k !== 'x-request-id' && k !== 'set-cookie' && k !== 'content-length').flat(),
        'content-length',
        String(args.body.length),
      ],
      body: args.body,
      expiresAtMs: Date.parse(args.sessionExpiresAt),
      lastSeenMs: nowMs,
      touchedMs: nowMs,
    });
  }

  private checkOtherWriters(always = false): void {
    // PRAGMA data_version reads the WAL index: cheap, but not free at ten
    // thousand requests a second. Once a millisecond is "the next request"
    // for anything a person can do in another process.
    const now = performance.now();
    if (!always && now - this.checkedAt < 1) return;
    this.checkedAt = now;
    const v = this.o.dataVersion();
    if (v !== this.seenDataVersion) {
      this.seenDataVersion = v;
      this.bump();
    }
  }

  /** Answer the request from the cache if it can; false leaves it to the framework. */
  tryServe(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    if (req.method !== 'GET' || url.includes('?') || !CACHEABLE(url) || this.entries.size === 0) return false;
    const cookies = readCookies(rawHeader(req.rawHeaders, 'cookie'));
    const { sid: sidName, csrf: csrfName, flash: flashName } = this.o.cookieNames;
    const sid = cookies.get(sidName);
    const csrf = cookies.get(csrfName);
    if (!sid || !csrf || cookies.has(flashName)) return false;
    this.checkOtherWriters();
    const key = `${hashToken(sid)}|${csrf}|${url}`;
    const entry = this.entries.get(key);
    if (!entry) return false;
    const now = this.o.clock.now();
    const nowMs = now.getTime();
    if (nowMs >= entry.expiresAtMs || nowMs - entry.lastSeenMs >= this.o.idleMs || entry.day !== this.today(nowMs)) {
      // Let the framework decide (it ends a session that timed out); this copy is done.
      this.entries.delete(key);
      return false;
    }
    entry.lastSeenMs = nowMs;
    if (nowMs - entry.touchedMs >= TOUCH_EVERY_MS) {
      entry.touchedMs = nowMs;
      this.o.touchSession(entry.sessionId, now);
    }
    const requestId = randomUUID();
    res.writeHead(200, entry.head.concat('x-request-id', requestId));
    res.end(entry.body);
    this.hits++;
    this.o.onHit?.(url);
    // The same request line the framework logs; the address costs a system call, so only when it is written.
    if (this.o.log.isLevelEnabled('info')) {
      const forwarded = this.o.trustProxy ? rawHeader(req.rawHeaders, 'x-forwarded-for')?.split(',')[0]?.trim() : undefined;
      this.o.log.info({ requestId, method: 'GET', path: url, status: 200, cache: 'hit', ip: forwarded || req.socket.remoteAddress }, 'request');
    }
    return true;
  }
}

/** One header from the raw list: req.headers would build an object of every header first. */
function rawHeader(raw: string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

function readCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** The node:http listener: the page cache first, the framework for everything else. */
export function cacheFirst(cache: PageCache | undefined, framework: RequestListener): RequestListener {
  if (!cache) return framework;
  return (req, res) => {
    if (!cache.tryServe(req, res)) framework(req, res);
  };
}
