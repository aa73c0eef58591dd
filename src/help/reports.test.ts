import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { createCustomerWithAdmin, createTechnicalUser } from '../../tests/factories.ts';
import { signedInStaff } from '../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { commentsInRange, feedbackReport } from './feedback-report.ts';
import { mostReadArticles, searchMissReport } from './reading-report.ts';
import { parseReportRange } from './report-range.ts';

// Informes: the operations behind /proveedor/informes and the CLI's help reports, and the page.

let rt: TestRuntime;
let articles: Array<{ id: string; slug: string; system: string }>;

beforeAll(async () => {
  rt = await createTestRuntime();
  const db = rt.deps.db;
  articles = await db.selectFrom('help_articles as a').innerJoin('systems as s', 's.id', 'a.system_id').select(['a.id', 'a.slug', 's.slug as system']).orderBy('a.id').limit(3).execute();
  const customer = await createCustomerWithAdmin(rt.deps, { name: 'Lectores SpA' });
  const users = [customer.admin.id, (await createTechnicalUser(rt.deps, customer.id)).id, (await createTechnicalUser(rt.deps, customer.id)).id];
  const inRange = '2026-02-20T15:00:00.000Z';
  const old = '2025-06-01T15:00:00.000Z';
  const vote = (u: number, a: number, helpful: 0 | 1, comment: string | null, at = inRange) =>
    db.insertInto('help_votes').values({ user_id: users[u]!, article_id: articles[a]!.id, helpful, comment, created_at: at, updated_at: at }).execute();
  await vote(0, 0, 0, 'No explica el cierre');
  await vote(1, 0, 0, null);
  await vote(2, 0, 1, null);
  await vote(0, 1, 1, 'Muy claro');
  await vote(1, 2, 0, 'Viejo', old);
  await db.insertInto('help_reads').values([
    { article_id: articles[0]!.id, day: '2026-02-20', count: 5 },
    { article_id: articles[1]!.id, day: '2026-02-21', count: 9 },
    { article_id: articles[1]!.id, day: '2025-01-01', count: 100 },
  ]).execute();
  await db.insertInto('help_search_misses').values([
    { query: 'factura exenta', system_slug: '', count: 7, first_at: '2026-01-01T00:00:00.000Z', last_at: '2026-02-25T00:00:00.000Z' },
    { query: 'libro diario', system_slug: 'contabilidad', count: 3, first_at: '2026-02-10T00:00:00.000Z', last_at: '2026-02-11T00:00:00.000Z' },
    { query: 'antigua', system_slug: '', count: 50, first_at: '2025-01-01T00:00:00.000Z', last_at: '2025-02-01T00:00:00.000Z' },
  ]).execute();
});
afterAll(() => rt.close());

const range = () => parseReportRange({}, rt.clock.now());

describe('report operations', () => {
  it('default to the last 30 days (Santiago) and refuse bad ranges in Spanish', () => {
    expect(range()).toMatchObject({ from: '2026-02-01', to: '2026-03-02' });
    expect(() => parseReportRange({ from: '2026-03-05', to: '2026-03-01' }, rt.clock.now())).toThrow(ValidationError);
    expect(() => parseReportRange({ from: 'ayer' }, rt.clock.now())).toThrow(ValidationError);
  });

  it('feedback: most "No" first, only votes of the range; comments in one query', async () => {
    const rows = await feedbackReport(rt.deps.db, range());
    expect(rows[0]).toMatchObject({ slug: articles[0]!.slug, yes: 1, no: 2, comments: 1 });
    expect(rows.some((r) => r.slug === articles[2]!.slug)).toBe(false);
    expect((await feedbackReport(rt.deps.db)).some((r) => r.slug === articles[2]!.slug)).toBe(true);
    const comments = await commentsInRange(rt.deps.db, range());
    expect(comments.map((k) => k.comment).sort()).toEqual(['Muy claro', 'No explica el cierre']);
    expect(comments[0]!.customer).toBe('Lectores SpA');
  });

  it('search misses seen in the range, most frequent first; reads per system summed over the days', async () => {
    expect((await searchMissReport(rt.deps.db, range())).map((m) => m.query)).toEqual(['factura exenta', 'libro diario']);
    const reads = await mostReadArticles(rt.deps.db, range());
    const all = reads.flatMap((s) => s.articles);
    expect(all.find((a) => a.slug === articles[1]!.slug)?.reads).toBe(9);
    expect(all.find((a) => a.slug === articles[0]!.slug)?.reads).toBe(5);
  });
});

describe('/proveedor/informes', () => {
  it('shows the three reports to editor and lectura', async () => {
    for (const role of ['editor', 'lectura'] as const) {
      const { client } = await signedInStaff(rt, role);
      const res = await client.get('/proveedor/informes');
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('No explica el cierre');
      expect(html).toContain('factura exenta');
      expect(html).toContain('9 lecturas');
      expect(html).not.toContain('antigua');
    }
  });

  it('answers bad dates with 422 and the message by the field', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const res = await client.get('/proveedor/informes?desde=2026-03-05&hasta=2026-03-01');
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('no puede ser anterior');
  });

  it('honours a chosen range', async () => {
    const { client } = await signedInStaff(rt, 'soporte');
    const html = await (await client.get('/proveedor/informes?desde=2025-01-01&hasta=2025-12-31')).text();
    expect(html).toContain('antigua');
    expect(html).toContain('Viejo');
  });
});
