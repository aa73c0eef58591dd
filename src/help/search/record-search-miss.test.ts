import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../tests/factories.ts';
import { signedIn } from '../../../tests/help-fixtures.ts';
import { createTestRuntime, TEST_START, type TestRuntime } from '../../../tests/test-runtime.ts';
import { HELP_REPORT_COMMANDS } from '../../cli/help-report-commands.ts';
import { MISS_QUERY_LENGTH, missQuery, NEW_MISSES_PER_USER_PER_DAY, recordSearchMiss } from './record-search-miss.ts';

// help_search_misses grows from what people type: each user may add a few
// new rows a day, repeats are counted, and the table as a whole is capped.

let rt: TestRuntime;
let customer: TestCustomer;

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
});
afterAll(() => rt.close());

const db = () => rt.deps.db;
const rowCount = async () => Number((await db().selectFrom('help_search_misses').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const clear = async () => {
  await db().deleteFrom('help_search_misses').execute();
  await db().deleteFrom('help_search_miss_allowance').execute();
};
/** "qzxaaw", "qzxabw", …: distinct words that match no article. */
const gibberish = (i: number) => `qzx${i.toString(26).replace(/./g, (d) => String.fromCharCode(97 + parseInt(d, 26)))}w`;

describe('recording searches that found nothing', () => {
  it('adds at most the daily allowance of rows for 10,000 distinct searches by one user', async () => {
    await clear();
    const user = await createTechnicalUser(rt.deps, customer.id);
    const now = TEST_START;
    const results = new Map<string, number>();
    // Eight at a time, as several requests would: the allowance is taken in the database, not read and then written.
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < 10_000; i = next++) {
        const r = await recordSearchMiss(db(), { text: gibberish(i), systemSlug: null, userId: user.id, now });
        results.set(r, (results.get(r) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(await rowCount()).toBe(NEW_MISSES_PER_USER_PER_DAY);
    expect(Object.fromEntries(results)).toEqual({ added: NEW_MISSES_PER_USER_PER_DAY, 'over-allowance': 10_000 - NEW_MISSES_PER_USER_PER_DAY });
    // What was recorded is still counted when searched again.
    expect(await recordSearchMiss(db(), { text: gibberish(0), systemSlug: null, userId: user.id, now })).toBe('counted');
    expect(await db().selectFrom('help_search_misses').select('count').where('query', '=', gibberish(0)).executeTakeFirst()).toEqual({ count: 2 });
  }, 120_000);

  it('through the search page: the allowance is per user and per Santiago day, and a day that is over leaves no allowance row', async () => {
    await clear();
    const tech = await createTechnicalUser(rt.deps, customer.id);
    rt.clock.set(TEST_START);
    const one = await signedIn(rt, customer, tech.email, tech.password);
    const other = await signedIn(rt, customer);
    const search = async (client: TestClient, q: string) => expect((await client.get(`/ayuda/buscar?q=${q}`)).status).toBe(200);
    for (let i = 0; i < NEW_MISSES_PER_USER_PER_DAY + 10; i++) await search(one, gibberish(i));
    expect(await rowCount()).toBe(NEW_MISSES_PER_USER_PER_DAY);
    // Someone else's searches are not held back by it.
    await search(other, gibberish(500));
    expect(await rowCount()).toBe(NEW_MISSES_PER_USER_PER_DAY + 1);
    // A repeat of a recorded miss still counts.
    await search(one, gibberish(3));
    expect(await db().selectFrom('help_search_misses').select('count').where('query', '=', gibberish(3)).executeTakeFirst()).toEqual({ count: 2 });

    // Past midnight in Santiago (UTC-3 in March), a fresh allowance; yesterday's rows of it go.
    rt.clock.set(new Date('2026-03-03T03:30:00Z'));
    await search(await signedIn(rt, customer, tech.email, tech.password), gibberish(1000));
    expect(await rowCount()).toBe(NEW_MISSES_PER_USER_PER_DAY + 2);
    expect(await db().selectFrom('help_search_miss_allowance').select(['user_id', 'day', 'added']).execute()).toEqual([{ user_id: tech.id, day: '2026-03-03', added: 1 }]);
    rt.clock.set(TEST_START);
  });

  it('keeps the table under its cap, pruning the least searched and longest unseen, never the row just added', async () => {
    await clear();
    const users = await Promise.all([1, 2, 3].map(() => createTechnicalUser(rt.deps, customer.id)));
    const at = (minutes: number) => new Date(TEST_START.getTime() + minutes * 60_000);
    const record = (text: string, user: number, minutes: number) => recordSearchMiss(db(), { text, systemSlug: null, userId: users[user]!.id, now: at(minutes) }, { maxRows: 4 });
    await record('frecuente', 0, 0);
    await record('frecuente', 1, 1);
    await record('frecuente', 2, 2);
    await record('antiguo', 0, 3);
    await record('medio', 1, 4);
    await record('medio', 2, 5);
    await record('reciente', 2, 6);
    expect(await rowCount()).toBe(4);
    await record('nuevo', 1, 7);
    await record('otro nuevo', 0, 8);
    const rows = await db().selectFrom('help_search_misses').select(['query', 'count']).orderBy('query').execute();
    expect(rows).toEqual([
      { query: 'frecuente', count: 3 },
      { query: 'medio', count: 2 },
      { query: 'nuevo', count: 1 },
      { query: 'otro nuevo', count: 1 },
    ]);
  });

  it('keys a miss on a folded, trimmed, bounded query without control characters, and the vendor report still lists it', async () => {
    await clear();
    expect(missQuery('  Liquidación\u0000de\u202e   SUELDO\u200b  ')).toBe('liquidacion de sueldo');
    expect([...missQuery('ñ'.repeat(500))]).toHaveLength(MISS_QUERY_LENGTH);
    expect(missQuery('\u0007\u202e ')).toBe('');
    const user = await createTechnicalUser(rt.deps, customer.id);
    expect(await recordSearchMiss(db(), { text: '\u0007 ', systemSlug: null, userId: user.id, now: TEST_START })).toBe('empty');
    await recordSearchMiss(db(), { text: 'Liquidación\u001b[2J de sueldo', systemSlug: 'contabilidad', userId: user.id, now: TEST_START });
    const out: string[] = [];
    await HELP_REPORT_COMMANDS['help misses']!.run(rt, {}, (s) => out.push(s), { err: () => {}, args: [], operator: { kind: 'cli', label: 'operador (prueba)' } });
    expect(out.join('\n')).toMatch(/liquidacion \[2j de sueldo\s+contabilidad\s+1\s/);
  });
});
