import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser } from '../../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { vendorToday } from '../../domain/contracts.ts';
import type { SearchHit } from './help-search.ts';
import { isStopWord } from './spanish-stop-words.ts';
import { tokenize } from './tokenize.ts';

// Whatever the contracts and the scope, nothing of a system the reader may
// not read reaches them: not a result, a count, a suggestion, a snippet, a
// filter or a file. The allowed systems are worked out here from the random
// model, the way help-access.ts documents them, and not by calling it.

const RUNS = 25;

/** What a contract can be on the test's day, with the edges of "in force" (first and last day included). */
const CONTRACT_KINDS = ['in-force', 'open-ended', 'starts-today', 'ends-today', 'ended-yesterday', 'starts-tomorrow'] as const;
type ContractKind = (typeof CONTRACT_KINDS)[number];
const IN_FORCE: ReadonlySet<ContractKind> = new Set(['in-force', 'open-ended', 'starts-today', 'ends-today']);

interface System {
  id: string;
  slug: string;
}
interface Article {
  title: string;
  summary: string;
  bodyText: string;
}
interface Attachment {
  system: string;
  article: string;
  path: string;
  sha256: string;
}
interface Query {
  text: string;
  typing: boolean;
}
interface Model {
  /** Per system (in `systems` order), the contracts the customer has for it. */
  contracts: ContractKind[][];
  role: 'admin' | 'technical';
  /** Indexes into `systems`; null: no scope rows (every contracted system). */
  scope: number[] | null;
  queries: Query[];
}

let rt: TestRuntime;
let systems: System[];
/** "system/slug" of every published article → what it may show. */
const articles = new Map<string, Article>();
let attachments: Attachment[];
let titleWords: string[];

/** starts_on and ends_on of each kind of contract, around the test's day. */
let dates: Record<ContractKind, [string, string | null]>;

beforeAll(async () => {
  rt = await createTestRuntime();
  const today = vendorToday(rt.clock.now());
  const day = (offset: number) => new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
  dates = {
    'in-force': [day(-30), day(30)],
    'open-ended': [day(-400), null],
    'starts-today': [day(0), null],
    'ends-today': [day(-100), day(0)],
    'ended-yesterday': [day(-400), day(-1)],
    'starts-tomorrow': [day(1), null],
  };
  systems = await rt.deps.db.selectFrom('systems').select(['id', 'slug']).orderBy('position').execute();
  expect(systems.map((s) => s.slug).sort()).toEqual(['activo-fijo', 'contabilidad', 'factura-electronica', 'honorarios', 'inventario', 'remuneraciones']);
  const rows = await rt.deps.db
    .selectFrom('help_articles as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .select(['s.slug as system', 'a.slug', 'a.title', 'a.summary', 'a.body_text'])
    .where('a.published', '=', 1)
    .execute();
  for (const a of rows) articles.set(`${a.system}/${a.slug}`, { title: a.title, summary: a.summary, bodyText: a.body_text });
  attachments = await rt.deps.db
    .selectFrom('help_attachments as f')
    .innerJoin('help_articles as a', 'a.id', 'f.article_id')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .select(['s.slug as system', 'a.slug as article', 'f.path', 'f.sha256'])
    .where('a.published', '=', 1)
    .execute();
  expect(new Set(attachments.map((f) => f.system)).size).toBeGreaterThan(3);
  // Words as the titles write them (accents, capitals), from every system.
  titleWords = [
    ...new Set(rows.flatMap((a) => tokenize(a.title).filter((t) => t.folded.length >= 3 && !isStopWord(t.folded) && !/^\d+$/.test(t.folded)).map((t) => a.title.slice(t.start, t.end)))),
  ];
});
afterAll(() => rt.close());

const word = () => fc.constantFrom(...titleWords);
const query = (): fc.Arbitrary<Query> =>
  fc.oneof(
    fc.array(word(), { minLength: 1, maxLength: 3 }).map((ws) => ({ text: ws.join(' '), typing: false })),
    fc
      .tuple(fc.array(word(), { maxLength: 2 }), word(), fc.integer({ min: 3, max: 8 }))
      .map(([ws, w, n]) => ({ text: [...ws, w.slice(0, n)].join(' '), typing: true })),
  );
const model = (): fc.Arbitrary<Model> =>
  fc.record({
    contracts: fc.array(fc.array(fc.constantFrom(...CONTRACT_KINDS), { maxLength: 2 }), { minLength: 6, maxLength: 6 }),
    role: fc.constantFrom('admin' as const, 'technical' as const),
    scope: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 6 }), { nil: null }),
    queries: fc.array(query(), { minLength: 1, maxLength: 3 }),
  });

/** The systems this reader may read today: a contract in force and, for a technical user with a scope, in the scope. */
function allowedSystems(m: Model): System[] {
  return systems.filter((_, i) => m.contracts[i]!.some((k) => IN_FORCE.has(k)) && (m.role === 'admin' || m.scope === null || m.scope.includes(i)));
}

/** A customer and a signed-in user shaped like the model. */
async function readerFor(m: Model): Promise<TestClient> {
  const customer = await createCustomerWithAdmin(rt.deps);
  for (const [i, kinds] of m.contracts.entries()) {
    for (const k of kinds) await addContractFor(rt.deps, customer.id, systems[i]!.slug, ...dates[k]);
  }
  const user = m.role === 'admin' ? customer.admin : await createTechnicalUser(rt.deps, customer.id);
  // Scope rows for an administrator too: they must not narrow what an administrator reads.
  if (m.scope) await rt.deps.db.insertInto('user_help_scope').values(m.scope.map((i) => ({ user_id: user.id, system_id: systems[i]!.id }))).execute();
  const client = new TestClient(rt);
  expect((await client.signIn(customer.rut, user.email, user.password)).status).toBe(303);
  return client;
}

const unescape = (html: string) =>
  html.replace(/<\/?mark>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The hit is an article of an allowed system, and its title and snippet are that article's own text. */
function expectOwnText(h: SearchHit, allowed: Set<string>) {
  expect(allowed).toContain(h.systemSlug);
  const a = articles.get(`${h.systemSlug}/${h.slug}`);
  expect(a, `${h.systemSlug}/${h.slug} is a published article`).toBeDefined();
  expect(unescape(h.titleHtml)).toBe(a!.title);
  expect(h.title).toBe(a!.title);
  if (!h.snippetHtml) return;
  const pieces = unescape(h.snippetHtml).replace(/^… /, '').replace(/ …$/, '').split(' · ');
  const source = a!.bodyText.includes(pieces[0]!) ? a!.bodyText : a!.summary;
  for (const p of pieces) expect(source, `snippet of ${h.systemSlug}/${h.slug}`).toContain(p);
}

const searchAs = (text: string, systemIds: string[], more: { typing?: boolean; perPage?: number } = {}) =>
  rt.deps.helpSearch.search({ text: text.trim().slice(0, 200), systemIds, perPage: 10, ...more });

/** What a results page shows: the article links, in order, and the count in its heading. */
function resultsPage(html: string) {
  // A result links to its article, or through the search log's click recorder (/ayuda/buscar/ir?b=…&a=system/slug).
  const links = [...html.matchAll(/<h2><a href="\/ayuda\/(?:([a-z0-9-]+\/[a-z0-9-]+)|buscar\/ir\?b=[^"&]*&amp;a=([a-z0-9-]+)%2F([a-z0-9-]+))">/g)].map((m) => m[1] ?? `${m[2]}/${m[3]}`);
  const count = /<h1 aria-live="polite">(\d+) resultados? para/.exec(html);
  return { links, total: count ? Number(count[1]) : 0 };
}

/** Every /ayuda/… link and sistema= filter on the page names an allowed system. */
function expectOnlyAllowedLinks(html: string, allowed: Set<string>) {
  const named = [...html.matchAll(/href="\/ayuda\/([a-z0-9-]+)/g)].map((m) => m[1]!).filter((s) => s !== 'buscar' && s !== 'sugerencias');
  const filters = [...html.matchAll(/(?:sistema|[?;]a)=([a-z0-9-]+)/g)].map((m) => m[1]!);
  for (const s of [...named, ...filters]) expect(allowed, `a link to ${s}`).toContain(s);
}

describe('search entitlement', () => {
  it('shows results, counts and snippets only from the systems the reader may read', async () => {
    await fc.assert(
      fc.asyncProperty(model(), async (m) => {
        const allowed = allowedSystems(m);
        const allowedSlugs = new Set(allowed.map((s) => s.slug));
        for (const q of m.queries) {
          const r = await searchAs(q.text, allowed.map((s) => s.id), { typing: q.typing });
          if (allowed.length === 0) expect(r.total).toBe(0);
          for (const h of r.hits) expectOwnText(h, allowedSlugs);
          if (q.typing) expect(r.hits.every((h) => h.snippetHtml === '')).toBe(true);
          // The count is the sum of each allowed system's own count: no other system adds to it.
          const each = await Promise.all(allowed.map((s) => searchAs(q.text, [s.id], { typing: q.typing })));
          if (r.relaxed) {
            expect(each.every((e) => e.relaxed || e.total === 0)).toBe(true);
            expect(r.total).toBe(each.reduce((n, e) => n + e.total, 0));
          } else {
            expect(r.total).toBe(each.reduce((n, e) => n + (e.relaxed ? 0 : e.total), 0));
          }
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it('serves the search page, the filter and the suggestions only from those systems', async () => {
    await fc.assert(
      fc.asyncProperty(model(), fc.nat(), async (m, pick) => {
        const allowed = allowedSystems(m);
        const allowedIds = allowed.map((s) => s.id);
        const allowedSlugs = new Set(allowed.map((s) => s.slug));
        const forbidden = systems.filter((s) => !allowedSlugs.has(s.slug));
        const client = await readerFor(m);
        for (const q of m.queries) {
          const encoded = encodeURIComponent(q.text);
          const res = await client.get(`/ayuda/buscar?q=${encoded}`);
          expect(res.status).toBe(200);
          const html = await res.text();
          expectOnlyAllowedLinks(html, allowedSlugs);
          const page = resultsPage(html);
          const direct = await searchAs(q.text, allowedIds);
          expect(page.links).toEqual(direct.hits.map((h) => `${h.systemSlug}/${h.slug}`));
          expect(page.total).toBe(direct.total);

          // A filter naming a system the reader may not read is no filter at all.
          if (forbidden.length > 0) {
            const other = forbidden[pick % forbidden.length]!;
            const filtered = await (await client.get(`/ayuda/buscar?q=${encoded}&sistema=${other.slug}`)).text();
            expectOnlyAllowedLinks(filtered, allowedSlugs);
            expect(resultsPage(filtered)).toEqual(page);
          }
          // A filter naming one the reader may read narrows to it.
          if (allowed.length > 0) {
            const one = allowed[pick % allowed.length]!;
            const narrowed = resultsPage(await (await client.get(`/ayuda/buscar?q=${encoded}&sistema=${one.slug}`)).text());
            expect(narrowed.links.every((l) => l.startsWith(`${one.slug}/`))).toBe(true);
            expect(narrowed.total).toBe((await searchAs(q.text, [one.id])).total);
          }

          const suggestions = await client.get(`/ayuda/sugerencias?q=${encoded}`);
          expect(suggestions.status).toBe(200);
          const { suggestions: list } = (await suggestions.json()) as { suggestions: Array<{ title: string; system: string; url: string }> };
          const typed = await searchAs(q.text, allowedIds, { typing: true, perPage: 6 });
          expect(list.map((s) => s.url)).toEqual(typed.hits.map((h) => `/ayuda/${h.systemSlug}/${h.slug}`));
          for (const s of list) {
            const [, system, slug] = /^\/ayuda\/([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(s.url)!;
            expect(allowedSlugs).toContain(system);
            expect(s.title).toBe(articles.get(`${system}/${slug}`)!.title);
          }
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it('hands out an article’s files only to readers of its system, and answers 404 to everyone else', async () => {
    await fc.assert(
      fc.asyncProperty(model(), async (m) => {
        const allowedSlugs = new Set(allowedSystems(m).map((s) => s.slug));
        const client = await readerFor(m);
        for (const f of attachments) {
          const res = await client.get(`/ayuda/${f.system}/${f.article}/adjuntos/${f.path.split('/').map(encodeURIComponent).join('/')}`);
          const body = Buffer.from(await res.arrayBuffer());
          if (allowedSlugs.has(f.system)) {
            expect(res.status, `${f.system}/${f.article}/${f.path}`).toBe(200);
            expect(createHash('sha256').update(body).digest('hex')).toBe(f.sha256);
          } else {
            expect(res.status, `${f.system}/${f.article}/${f.path}`).toBe(404);
            expect(createHash('sha256').update(body).digest('hex')).not.toBe(f.sha256);
            expect(res.headers.get('content-disposition')).toBeNull();
          }
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
