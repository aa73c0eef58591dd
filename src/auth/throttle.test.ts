import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { clearAccount, countRefusal, delayAfter, MAX_DELAY_MS, purgeStaleThrottles, refundAttempt, reserveAttempt, type ThrottleKey } from './throttle.ts';

describe('throttle delays', () => {
  it('are free for the first attempts, then double, and are capped at 15 minutes', () => {
    expect(delayAfter(4, 5)).toBe(0);
    expect(delayAfter(5, 5)).toBe(1000);
    expect(delayAfter(6, 5)).toBe(2000);
    expect(delayAfter(8, 5)).toBe(8000);
    expect(delayAfter(1000, 5)).toBe(MAX_DELAY_MS);
    expect(delayAfter(5, 20)).toBe(0);
    expect(delayAfter(20, 20)).toBe(1000);
  });
});

describe('throttle reservations', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
  });
  afterAll(() => rt.close());
  const key = (name: string, free = 5, account: string | null = null): ThrottleKey => ({ key: name, account, free });

  it('gives a burst of 200 parallel reservations exactly the free allowance', async () => {
    const k = key('burst');
    const results = await Promise.all(Array.from({ length: 200 }, () => reserveAttempt(rt.deps.db, [k], rt.clock.now())));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
  });

  it('counts 100 parallel attempts as 100 (no update lost, on either database)', async () => {
    const k = key('no-lost-updates', 1000);
    await Promise.all(Array.from({ length: 100 }, () => reserveAttempt(rt.deps.db, [k], rt.clock.now())));
    const row = await rt.deps.db.selectFrom('throttles').select('failures').where('key', '=', k.key).executeTakeFirstOrThrow();
    expect(row.failures).toBe(100);
  });

  it('lets one more through after each delay, which doubles', async () => {
    const k = key('doubling');
    for (let i = 0; i < 5; i++) expect((await reserveAttempt(rt.deps.db, [k], rt.clock.now())).ok).toBe(true);
    expect((await reserveAttempt(rt.deps.db, [k], rt.clock.now())).ok).toBe(false);
    rt.clock.advance(1000);
    expect((await reserveAttempt(rt.deps.db, [k], rt.clock.now())).ok).toBe(true);
    rt.clock.advance(1000);
    expect((await reserveAttempt(rt.deps.db, [k], rt.clock.now())).ok).toBe(false); // now 2 s
    rt.clock.advance(1000);
    expect((await reserveAttempt(rt.deps.db, [k], rt.clock.now())).ok).toBe(true);
  });

  it('reserves on every key or none: a refusing key gives the others back', async () => {
    const a = key('all-or-none-a');
    const b = key('all-or-none-b', 1);
    expect((await reserveAttempt(rt.deps.db, [b], rt.clock.now())).ok).toBe(true); // b is now blocked 1 s
    const r = await reserveAttempt(rt.deps.db, [a, b], rt.clock.now());
    expect(r).toEqual({ ok: false, refusedBy: b });
    const row = await rt.deps.db.selectFrom('throttles').select('failures').where('key', '=', a.key).executeTakeFirstOrThrow();
    expect(row.failures).toBe(0);
  });

  it('refunds a success, unblocking a key brought back under its allowance', async () => {
    const k = key('refund');
    for (let i = 0; i < 5; i++) await reserveAttempt(rt.deps.db, [k], rt.clock.now());
    expect((await reserveAttempt(rt.deps.db, [k], rt.clock.now())).ok).toBe(false);
    await refundAttempt(rt.deps.db, [k]);
    expect((await reserveAttempt(rt.deps.db, [k], rt.clock.now())).ok).toBe(true);
  });

  it('forgets a key after a day of quiet, and purges it', async () => {
    const k = key('forget');
    for (let i = 0; i < 7; i++) await reserveAttempt(rt.deps.db, [k], rt.clock.now());
    rt.clock.advance(25 * 3_600_000);
    expect((await reserveAttempt(rt.deps.db, [k], rt.clock.now())).ok).toBe(true);
    const row = await rt.deps.db.selectFrom('throttles').select('failures').where('key', '=', k.key).executeTakeFirstOrThrow();
    expect(row.failures).toBe(1);
    await reserveAttempt(rt.deps.db, [key('forget-old')], rt.clock.now());
    rt.clock.advance(25 * 3_600_000);
    expect(await purgeStaleThrottles(rt.deps.db, rt.clock.now())).toBeGreaterThanOrEqual(2);
  });

  it('clears every key of one account', async () => {
    await reserveAttempt(rt.deps.db, [key('acct-1', 5, 'A'), key('acct-2', 5, 'A'), key('acct-3', 5, 'B')], rt.clock.now());
    expect(await clearAccount(rt.deps.db, 'A')).toBe(2);
  });

  it('reports refusals at most once a minute per key, with their count, even when 100 race', async () => {
    const k = key('refusals', 1);
    await reserveAttempt(rt.deps.db, [k], rt.clock.now());
    const reports = await Promise.all(Array.from({ length: 100 }, () => countRefusal(rt.deps.db, k.key, rt.clock.now())));
    const first = reports.filter((r) => r !== null);
    expect(first).toHaveLength(1);
    rt.clock.advance(61_000);
    // The next report carries every refusal since the first one: none is lost, none counted twice.
    const second = await countRefusal(rt.deps.db, k.key, rt.clock.now());
    expect(first[0]! + second!).toBe(101);
  });
});
