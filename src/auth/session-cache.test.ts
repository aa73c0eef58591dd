import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../tests/factories.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/test-database.ts';
import { TEST_START } from '../../tests/test-runtime.ts';
import { boot, type Runtime } from '../boot.ts';
import { ManualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { createSession, deleteSession, loadSession, revokeUserSessions } from './session.ts';
import { hashToken, newToken } from './token.ts';

// The session kept across requests (auth/session.ts), on two instances of one
// database ("A" and "B": two boot() calls on one PostgreSQL schema or one
// SQLite file): what B keeps is used while nothing changed, and a sign-out,
// a revocation or a disabled user or customer on A is B's answer on its very
// next lookup. The idle and absolute limits still hold, and another
// instance's use of a session keeps it alive on this one.

const isPg = Boolean(process.env.DATABASE_URL?.startsWith('postgres'));
const IDLE_MS = 30 * 60_000;
const timeouts = { idleMs: IDLE_MS, absoluteMs: 12 * 3_600_000 };

let database: TestDatabase | undefined;
let dir: string | undefined;
let a: Runtime;
let b: Runtime;
let clock: ManualClock;
let customer: TestCustomer;

async function instance(url: string, schema: string | undefined): Promise<Runtime> {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost', PAGE_CACHE: 'false' });
  return boot(config, pino({ level: 'silent' }), { clock, ...(schema ? { db: { searchPath: schema, poolSize: 3 } } : {}) });
}

beforeAll(async () => {
  clock = new ManualClock(TEST_START);
  if (isPg) {
    database = await createTestDatabase('sesscache');
    a = await instance(database.url, database.schema);
    b = await instance(database.url, database.schema);
  } else {
    dir = mkdtempSync(join(tmpdir(), 'portal-session-cache-'));
    a = await instance(join(dir, 'portal.sqlite'), undefined);
    b = await instance(join(dir, 'portal.sqlite'), undefined);
  }
  customer = await createCustomerWithAdmin(a.deps);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const stats = (r: Runtime) => r.deps.caches.stats().find((s) => s.name === 'sessions') ?? { hits: 0, misses: 0, entries: 0 };
/** A lookup on B as its session middleware makes it. */
const onB = (token: string) => loadSession(b.deps.db, token, clock.now(), timeouts, { caches: b.deps.caches, since: performance.now() });
const newSessionFor = (userId: string) => createSession(a.deps.db, userId, clock.now(), timeouts, { ip: null, userAgent: null });

describe(`the session kept across requests, two instances on one ${isPg ? 'PostgreSQL schema' : 'SQLite file'}`, () => {
  it('is read from the cache while nothing changed, and each answer is a copy of its own', async () => {
    const token = await newSessionFor(customer.admin.id);
    const first = await onB(token);
    expect(first?.user.id).toBe(customer.admin.id);
    const hits = stats(b).hits;
    const second = await onB(token);
    expect(second).toEqual(first);
    expect(stats(b).hits).toBe(hits + 1);
    // A route that changed its copy would change no one else's.
    expect(second!.user).not.toBe(first!.user);
  });

  // Written on A (another instance) and on B itself: on SQLite, another connection's commit empties
  // every cache (data_version), so only B's own writes show that the tables are the right ones.
  it('a sign-out or a revocation on A or on B ends the session on B at its very next lookup, 20 times', async () => {
    for (let i = 0; i < 20; i++) {
      const token = await newSessionFor(customer.admin.id);
      expect(await onB(token)).not.toBeNull();
      expect(await onB(token)).not.toBeNull();
      const writer = i % 4 < 2 ? a : b;
      if (i % 2 === 0) await deleteSession(writer.deps.db, hashToken(token));
      else await revokeUserSessions(writer.deps.db, customer.admin.id);
      expect(await onB(token), `change ${i}`).toBeNull();
    }
  });

  for (const on of ['A', 'B'] as const)
    it(`a user or a customer disabled on ${on} is refused on B at once`, async () => {
      const writer = on === 'A' ? a : b;
      const tech = await createTechnicalUser(a.deps, customer.id);
      const token = await newSessionFor(tech.id);
      expect(await onB(token)).not.toBeNull();
      await writer.deps.db.updateTable('users').set({ disabled_at: clock.now().toISOString() }).where('id', '=', tech.id).execute();
      expect(await onB(token)).toBeNull();

      const other = await createCustomerWithAdmin(a.deps);
      const adminToken = await newSessionFor(other.admin.id);
      expect(await onB(adminToken)).not.toBeNull();
      await writer.deps.db.updateTable('customers').set({ disabled_at: clock.now().toISOString() }).where('id', '=', other.id).execute();
      expect(await onB(adminToken)).toBeNull();
    });

  it('a touch of the last use (quiet) leaves the kept sessions kept', async () => {
    const token = await newSessionFor(customer.admin.id);
    expect(await onB(token)).not.toBeNull();
    await b.deps.db.updateTable('sessions').set({ last_seen_at: clock.now().toISOString() }).where('id', '=', hashToken(token)).execute();
    const hits = stats(b).hits;
    expect(await onB(token)).not.toBeNull();
    expect(stats(b).hits).toBe(hits + 1);
  });

  it('a token not found is not kept: the session made for it afterwards is found', async () => {
    const token = newToken();
    expect(await onB(token)).toBeNull();
    const now = clock.now();
    await a.deps.db
      .insertInto('sessions')
      .values({ id: hashToken(token), user_id: customer.admin.id, created_at: now.toISOString(), last_seen_at: now.toISOString(), expires_at: new Date(now.getTime() + timeouts.absoluteMs).toISOString(), ip: null, user_agent: null })
      .execute();
    expect((await onB(token))?.user.id).toBe(customer.admin.id);
  });

  it('the idle limit holds for a kept session, but use on another instance keeps it alive here', async () => {
    const idle = await newSessionFor(customer.admin.id);
    const usedOnA = await newSessionFor(customer.admin.id);
    expect(await onB(idle)).not.toBeNull();
    expect(await onB(usedOnA)).not.toBeNull();
    // 20 minutes on, A sees usedOnA used (and touches it); B does not hear of it (the touch is quiet).
    clock.advance(20 * 60_000);
    expect(await loadSession(a.deps.db, usedOnA, clock.now(), timeouts, { caches: a.deps.caches })).not.toBeNull();
    // 20 more: past the idle limit by B's own reckoning for both.
    clock.advance(20 * 60_000);
    expect(await onB(idle)).toBeNull();
    expect(await a.deps.db.selectFrom('sessions').select('id').where('id', '=', hashToken(idle)).executeTakeFirst()).toBeUndefined();
    const alive = await onB(usedOnA);
    expect(alive, 'A used it 20 minutes ago: alive').not.toBeNull();
    expect(await a.deps.db.selectFrom('sessions').select('id').where('id', '=', hashToken(usedOnA)).executeTakeFirst()).toBeDefined();
  });

  it('the absolute limit holds for a kept session', async () => {
    const token = await newSessionFor(customer.admin.id);
    for (let i = 0; i < 13; i++) {
      // Used every 25 minutes: never idle, but 13 × 25 min = 5 h 25 … past 12 h only at the end.
      clock.advance(i < 12 ? 25 * 60_000 : 12 * 3_600_000);
      const s = await onB(token);
      if (i < 12) expect(s, `use ${i}`).not.toBeNull();
      else expect(s).toBeNull();
    }
  });
});
