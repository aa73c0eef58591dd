import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../auth/token.ts';
import { SqliteChangeSignal } from '../db/change-signal.ts';
import { ManualClock } from '../clock.ts';
import { MAX_CACHE_BYTES, MAX_ENTRIES_PER_SESSION, PageCache, type PageCacheOptions } from './page-cache.ts';

// What one person can make the page cache hold. Its key was the session, the
// csrf cookie and the path, and the csrf cookie is the client's to choose:
// 20,000 GETs with random ones made 20,000 entries. Now the key is the
// session and the path, each session keeps a few pages and the whole cache a
// byte budget, and a page is served only with the csrf cookie its forms carry.

const token = () => randomBytes(32).toString('base64url');
const PAGE = Buffer.alloc(30_000, 'x');

function newCache(over: Partial<PageCacheOptions> = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const clock = new ManualClock();
  const cache = new PageCache({
    clock,
    log: pino({ level: 'info' }, sink),
    idleMs: 30 * 60_000,
    trustProxy: { hops: 1 },
    cookieNames: { sid: 'sid', csrf: 'csrf', flash: 'flash' },
    signal: new SqliteChangeSignal(() => 0),
    touchSession: () => {},
    ...over,
  });
  const store = (sid: string, csrf: string, path: string, body = PAGE) =>
    cache.store({
      csrf,
      path,
      // As in production: a session's id is its token's hash.
      sessionId: hashToken(sid),
      sessionExpiresAt: new Date(clock.now().getTime() + 3_600_000).toISOString(),
      generationAtStart: cache.generation,
      headers: [['content-type', 'text/html; charset=UTF-8']],
      body,
    });
  const serve = (sid: string, csrf: string, path: string, xff = '6.6.6.6, 198.51.100.9') => {
    const req = { method: 'GET', url: path, rawHeaders: ['Cookie', `sid=${sid}; csrf=${csrf}`, 'X-Forwarded-For', xff], socket: { remoteAddress: '10.0.0.2' } };
    const sent: { status?: number; body?: Buffer } = {};
    const res = { writeHead: (status: number) => void (sent.status = status), end: (body: Buffer) => void (sent.body = body) };
    const served = cache.tryServe(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    return { served, ...sent };
  };
  return { cache, store, serve, lines, clock };
}

describe('page cache bounds', () => {
  it('holds one entry, not 20,000, for one session\'s page requested with 20,000 random csrf cookies', () => {
    const { cache, store } = newCache();
    const sid = token();
    for (let i = 0; i < 20_000; i++) store(sid, token(), '/servicios');
    expect(cache.size).toBe(1);
    expect(cache.entriesOf(sid)).toBe(1);
    expect(cache.bytes).toBeLessThan(PAGE.length + 2_000);
  });

  it(`keeps at most ${MAX_ENTRIES_PER_SESSION} pages per session, the oldest going first`, () => {
    const { cache, store, serve } = newCache();
    const sid = token();
    const csrf = token();
    for (let i = 0; i < 20_000; i++) store(sid, csrf, `/ayuda/sistema-${i % 500}`);
    expect(cache.entriesOf(sid)).toBe(MAX_ENTRIES_PER_SESSION);
    expect(cache.size).toBe(MAX_ENTRIES_PER_SESSION);
    // The last 20 stored (sistema-480 … 499) are the ones kept.
    expect(serve(sid, csrf, '/ayuda/sistema-499').served).toBe(true);
    expect(serve(sid, csrf, '/ayuda/sistema-480').served).toBe(true);
    expect(serve(sid, csrf, '/ayuda/sistema-479').served).toBe(false);
    // Another session's pages are not pushed out by this one's.
    const other = token();
    store(other, csrf, '/servicios');
    for (let i = 0; i < 100; i++) store(sid, csrf, `/ayuda/x-${i}`);
    expect(serve(other, csrf, '/servicios').served).toBe(true);
  });

  it('stays within its byte budget over many sessions, dropping the oldest', () => {
    expect(MAX_CACHE_BYTES).toBe(64 * 1024 * 1024);
    const { cache, store } = newCache({ maxBytes: 1024 * 1024 });
    const first = token();
    store(first, token(), '/servicios');
    for (let i = 0; i < 2_000; i++) store(token(), token(), '/servicios');
    expect(cache.bytes).toBeLessThanOrEqual(1024 * 1024);
    const perEntry = cache.bytes / cache.size; // the page and its headers
    expect(cache.size).toBe(Math.floor((1024 * 1024) / perEntry)); // as many as fit, no more
    expect(cache.entriesOf(first)).toBe(0);
    // A page larger than the whole budget is not kept at all.
    store(token(), token(), '/ayuda', Buffer.alloc(2 * 1024 * 1024));
    expect(cache.bytes).toBeLessThanOrEqual(1024 * 1024);
    cache.bump();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('serves an entry only to the csrf cookie it was rendered with (its forms carry that token)', () => {
    const { store, serve } = newCache();
    const sid = token();
    const a = token();
    const b = token();
    store(sid, a, '/servicios', Buffer.from(`<input name="_csrf" value="${a}">`));
    expect(serve(sid, b, '/servicios').served).toBe(false);
    const hit = serve(sid, a, '/servicios');
    expect(hit.served).toBe(true);
    expect(String(hit.body)).toContain(a);
    // The framework's rendering for the other cookie replaces the entry.
    store(sid, b, '/servicios', Buffer.from(`<input name="_csrf" value="${b}">`));
    expect(serve(sid, a, '/servicios').served).toBe(false);
    expect(String(serve(sid, b, '/servicios').body)).toContain(b);
  });

  it('logs a hit under the address the trusted proxy appended, as the framework does', () => {
    const { store, serve, lines } = newCache();
    const sid = token();
    const csrf = token();
    store(sid, csrf, '/ayuda/contabilidad');
    expect(serve(sid, csrf, '/ayuda/contabilidad', '6.6.6.6, 198.51.100.9').served).toBe(true);
    expect(lines.at(-1)).toMatchObject({ msg: 'request', cache: 'hit', ip: '198.51.100.9' });
  });
});
