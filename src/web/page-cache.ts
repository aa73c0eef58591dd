import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { hashToken } from '../auth/token.ts';
import { OldestKeys } from '../cache/oldest-keys.ts';
import type { Clock } from '../clock.ts';
import type { TrustProxy } from '../config.ts';
import type { ChangeSignal } from '../db/change-signal.ts';
import { vendorToday } from '../domain/contracts.ts';
import { clientAddressResolver, type ClientAddressOf } from './client-address.ts';
import { rawHeader, rawHeaderAll } from './raw-headers.ts';

/**
 * Signed-in people read the same few pages over and over (their services,
 * the help), and nothing on them changes between two visits unless something
 * is written. This cache keeps each session's rendering of those pages and
 * serves it straight from node:http, ahead of the framework, while:
 *  - no write that a page can show has happened since, in this process or
 *    any other (another instance, the operator CLI): the change signal
 *    (db/change-signal.ts) tells of each, and each empties the cache. On
 *    PostgreSQL a kept page is served only after the signal's barrier for
 *    the request (what committed before it arrived has been heard), so an
 *    instance never serves what another changed (decision 0034);
 *  - it is still the same day in Santiago (contracts in force change at midnight);
 *  - the session is within its idle and absolute limits, checked here as the
 *    session loader would, with last-seen written back once a minute.
 * Sign-out, revocation and disabling all delete sessions or change users, so
 * they empty the cache before the next request. Anything unusual (a query
 * string, a flash message, a missing cookie) goes to the framework.
 *
 * An entry is one session's one page: the key is the session token's hash
 * and the path, nothing a client can vary without signing in again. The csrf
 * cookie is not in the key (random values would each make an entry) but the
 * page embeds that token in its forms, so an entry is served only to a
 * request carrying the csrf cookie it was rendered with; any other goes to
 * the framework, whose rendering replaces the entry. The whole cache is held
 * to a byte budget and each session to a few pages, oldest out first.
 */

// Not attachments (binary, large, better left to the browser's cache) nor the suggestions' JSON.
// Not the help home either: its "changes since your last visit" moves with the
// clock (a visit starts after 30 quiet minutes, help/news/record-help-visit.ts),
// not with a write, and each rendering records the visit. Nor the digest's
// unsubscribe page, which is about a token and not about the session. An
// article (/ayuda/<system>/<article>, not the system's Novedades) is not in this
// list: every reader's article is joined from shared parts ahead of the
// framework (reader-pages.ts), and keeping each first view per session, for
// the few readers who open it again, cost a tenth of every first view (store,
// eviction, the garbage of 10 KB pages; decision 0033). It is kept on its
// second view instead (isArticlePage, below).
const ARTICLE_PAGE = /^\/ayuda\/[^/]+\/[^/]+$/;
export const CACHEABLE = (path: string) =>
  path === '/servicios' ||
  (path.startsWith('/ayuda/') &&
    !path.includes('/adjuntos/') &&
    path !== '/ayuda/sugerencias' &&
    !path.startsWith('/ayuda/resumen/') &&
    !isArticlePage(path));

/**
 * An article's address: kept for a session only when that session opens it a
 * second time (a reload, a return from the search), and only as the reader
 * pages rendered it, with the view to count on each hit (`served`). The
 * first view of each article costs one look-up in a bounded set of keys.
 */
export const isArticlePage = (path: string) => ARTICLE_PAGE.test(path) && !path.endsWith('/novedades');

/** Keys (session hash and path) of articles opened once: a few MB at most. */
const MAX_VISITED = 20_000;

interface Entry {
  /** The session token's hash: the owner, for the per-session cap. */
  sid: string;
  /** The csrf cookie the page was rendered with (its forms carry it). */
  csrf: string;
  /** What the entry holds against the byte budget. */
  bytes: number;
  sessionId: string;
  day: string;
  /** Name, value, name, value… ready for writeHead, content-length included. */
  head: string[];
  body: Buffer;
  expiresAtMs: number;
  lastSeenMs: number;
  touchedMs: number;
  /** After each hit: an article's view. */
  served?: () => void;
}

export interface PageCacheOptions {
  clock: Clock;
  log: Logger;
  idleMs: number;
  /** Log the address the nearest trusted proxy saw, as the framework does. */
  trustProxy: TrustProxy;
  cookieNames: { sid: string; csrf: string; flash: string };
  /** Tells of every write a page may show, in this process or another: each empties the cache. */
  signal: ChangeSignal;
  /** Write a session's last-seen time (a write that does not empty the cache). */
  touchSession: (sessionId: string, at: Date) => void;
  maxEntries?: number;
  /** All bodies and headers together (default MAX_CACHE_BYTES). */
  maxBytes?: number;
  /** Pages kept for one session (default MAX_ENTRIES_PER_SESSION). */
  maxPerSession?: number;
}

const TOUCH_EVERY_MS = 60_000;
/** A services or help page is 10–40 KB: a few thousand pages, far below what the process may hold. */
export const MAX_CACHE_BYTES = 64 * 1024 * 1024;
/** A person reads a handful of pages; the ones past this are rendered again. */
export const MAX_ENTRIES_PER_SESSION = 20;
const MAX_ENTRIES = 10_000;

export class PageCache {
  private generationCount = 0;
  /** In insertion order, so the first is the oldest. */
  private readonly entries = new Map<string, Entry>();
  /** Each session's keys, oldest first. */
  private readonly bySession = new Map<string, string[]>();
  private readonly oldest = new OldestKeys(this.entries);
  /** Articles opened once by a session (isArticlePage): the next view is kept. Not emptied by a change, it holds no page. */
  private readonly visited = new Map<string, true>();
  private readonly visitedOldest = new OldestKeys(this.visited);
  private bytesHeld = 0;
  private readonly clientAddress: ClientAddressOf;
  private readonly unsubscribe: () => void;
  private todayValue = '';
  private todayUntilMs = 0;
  hits = 0;
  /** Requests the cache could have answered (a GET of a cacheable page, no query) and did not: the hit rate of /metrics. */
  misses = 0;

  constructor(private readonly o: PageCacheOptions) {
    this.clientAddress = clientAddressResolver(o.trustProxy);
    this.unsubscribe = o.signal.subscribe(() => this.bump());
  }

  close(): void {
    this.unsubscribe();
    this.bump();
  }

  /** Something a page may show was written: nothing cached is current any more. */
  bump(): void {
    this.generationCount++;
    this.entries.clear();
    this.oldest.reset();
    this.bySession.clear();
    this.bytesHeld = 0;
  }

  get generation(): number {
    return this.generationCount;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes held against the budget (bodies and headers). */
  get bytes(): number {
    return this.bytesHeld;
  }

  /** Pages kept for one session token. */
  entriesOf(sid: string): number {
    return this.bySession.get(hashToken(sid))?.length ?? 0;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytesHeld -= entry.bytes;
    const keys = this.bySession.get(entry.sid);
    if (!keys) return;
    const at = keys.indexOf(key);
    if (at >= 0) keys.splice(at, 1);
    if (keys.length === 0) this.bySession.delete(entry.sid);
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
  store(args: { csrf: string; path: string; sessionId: string; sessionExpiresAt: string; generationAtStart: number; headers: Array<[string, string]>; body: Buffer; served?: () => void }): void {
    if (args.generationAtStart !== this.generationCount) return;
    // Nothing kept while the signal cannot vouch for anything (PostgreSQL's listener down or late). No
    // fresh read of SQLite's data_version here (-Infinity: any earlier one will do): another process's
    // commit that landed while the page was made is read by the next tryServe, which empties the
    // cache before it serves anything.
    if (!this.o.signal.check(-Infinity)) return;
    const nowMs = this.o.clock.now().getTime();
    // A session's id is its token's hash (auth/session.ts): the key tryServe computes from the cookie.
    const sid = args.sessionId;
    const key = `${sid}|${args.path}`;
    // An article: only with its view to count, and only on this session's second view of it.
    if (isArticlePage(args.path) && (!args.served || !this.revisited(key))) return;
    const head = [
      ...args.headers.filter(([k]) => k !== 'x-request-id' && k !== 'set-cookie' && k !== 'content-length').flat(),
      'content-length',
      String(args.body.length),
    ];
    const bytes = args.body.length + head.reduce((n, h) => n + h.length, 0) + key.length;
    const maxBytes = this.o.maxBytes ?? MAX_CACHE_BYTES;
    // A rendering with another csrf cookie replaces the old one instead of adding to it.
    this.remove(key);
    if (bytes > maxBytes) return;
    const mine = this.bySession.get(sid) ?? [];
    while (mine.length >= (this.o.maxPerSession ?? MAX_ENTRIES_PER_SESSION)) this.remove(mine[0]!);
    while (this.entries.size > 0 && (this.entries.size >= (this.o.maxEntries ?? MAX_ENTRIES) || this.bytesHeld + bytes > maxBytes)) {
      this.remove(this.oldest.next()!);
    }
    mine.push(key);
    this.bySession.set(sid, mine);
    this.bytesHeld += bytes;
    this.entries.set(key, {
      sid,
      csrf: args.csrf,
      bytes,
      sessionId: args.sessionId,
      day: this.today(nowMs),
      head,
      body: args.body,
      expiresAtMs: Date.parse(args.sessionExpiresAt),
      lastSeenMs: nowMs,
      touchedMs: nowMs,
      ...(args.served ? { served: args.served } : {}),
    });
  }

  /** Whether `key` (an article) was opened before; if not, it is now. */
  private revisited(key: string): boolean {
    if (this.visited.delete(key)) return true;
    this.visited.set(key, true);
    while (this.visited.size > MAX_VISITED) this.visited.delete(this.visitedOldest.next()!);
    return false;
  }

  private miss(): false {
    this.misses++;
    return false;
  }

  /**
   * Answer the request from the cache if it can; false leaves it to the
   * framework. A promise where the signal has a barrier (PostgreSQL): the
   * page is sent once every commit made before the request arrived has been
   * heard, and only if that left it in the cache.
   */
  tryServe(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> {
    const arrivedAt = performance.now();
    const url = req.url ?? '';
    if (req.method !== 'GET' || url.includes('?')) return false;
    // An article's look-up counts (hit or miss) only once the cache could hold it: a session's second view.
    const article = isArticlePage(url);
    if (!article && !CACHEABLE(url)) return false;
    const unheld = () => (article ? false : this.miss());
    if (this.entries.size === 0) return unheld();
    const cookies = readCookies(rawHeader(req.rawHeaders, 'cookie'));
    const { sid: sidName, csrf: csrfName, flash: flashName } = this.o.cookieNames;
    const sid = cookies.get(sidName);
    const csrf = cookies.get(csrfName);
    if (!sid || !csrf || cookies.has(flashName)) return unheld();
    const key = `${hashToken(sid)}|${url}`;
    if (!this.entries.has(key)) return article && !this.visited.has(key) ? false : this.miss();
    // SQLite: PRAGMA data_version read now, after the request arrived (another process's commit empties
    // the cache through the signal); PostgreSQL: the listening connection is up and on time. Only with
    // something to serve: a miss leaves the read to the reader pages or the framework.
    if (!this.o.signal.check(arrivedAt)) return this.miss();
    const entry = this.entries.get(key);
    // Gone (the read above heard another process's commit), or another csrf cookie: the cached forms would carry a token this browser does not hold.
    if (!entry || entry.csrf !== csrf) return this.miss();
    const nowMs = this.o.clock.now().getTime();
    if (nowMs >= entry.expiresAtMs || nowMs - entry.lastSeenMs >= this.o.idleMs || entry.day !== this.today(nowMs)) {
      // Let the framework decide (it ends a session that timed out); this copy is done.
      this.remove(key);
      return this.miss();
    }
    const signal = this.o.signal;
    if (!signal.sync) return this.send(req, res, entry);
    // A change heard meanwhile has emptied the cache (the entry is gone); a late barrier makes check() false.
    return signal.sync(arrivedAt).then(() => (this.entries.get(key) === entry && signal.check() ? this.send(req, res, entry) : this.miss()));
  }

  private send(req: IncomingMessage, res: ServerResponse, entry: Entry): true {
    const now = this.o.clock.now();
    const nowMs = now.getTime();
    entry.lastSeenMs = nowMs;
    if (nowMs - entry.touchedMs >= TOUCH_EVERY_MS) {
      entry.touchedMs = nowMs;
      this.o.touchSession(entry.sessionId, now);
    }
    const requestId = randomUUID();
    res.writeHead(200, entry.head.concat('x-request-id', requestId));
    res.end(entry.body);
    entry.served?.();
    this.hits++;
    // The same request line the framework logs; the address costs a system call, so only when it is written.
    if (this.o.log.isLevelEnabled('info')) {
      const url = req.url ?? '';
      const ip = this.clientAddress(req.socket.remoteAddress, rawHeaderAll(req.rawHeaders, 'x-forwarded-for'));
      this.o.log.info({ requestId, method: 'GET', path: url, status: 200, cache: 'hit', ip }, 'request');
    }
    return true;
  }
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
    const served = cache.tryServe(req, res);
    if (served === true) return;
    if (served === false) framework(req, res);
    else served.then((sent) => void (sent || framework(req, res)), () => framework(req, res));
  };
}
