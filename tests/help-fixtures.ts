import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { TestClient } from './client.ts';
import type { TestCustomer } from './factories.ts';
import type { TestRuntime } from './test-runtime.ts';

// Shared by the help center's page tests: signing in, looking up the shipped
// corpus, and adding articles straight to the database (with their HTML
// already written, so these tests do not depend on the Markdown renderer).

export const NOT_FOUND = 'La página que busca no existe o no tiene acceso a ella.';

export async function signedIn(rt: TestRuntime, c: TestCustomer, email = c.admin.email, password = c.admin.password): Promise<TestClient> {
  const client = new TestClient(rt);
  expect((await client.signIn(c.rut, email, password)).status).toBe(303);
  return client;
}

export async function systemId(rt: TestRuntime, slug: string): Promise<string> {
  return (await rt.deps.db.selectFrom('systems').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
}

export async function articleId(rt: TestRuntime, system: string, slug: string): Promise<string> {
  const r = await rt.deps.db
    .selectFrom('help_articles as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .select('a.id')
    .where('s.slug', '=', system)
    .where('a.slug', '=', slug)
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function setPublished(rt: TestRuntime, system: string, slug: string, published: boolean): Promise<void> {
  await rt.deps.db.updateTable('help_articles').set({ published: published ? 1 : 0 }).where('id', '=', await articleId(rt, system, slug)).execute();
}

export async function setUpdatedAt(rt: TestRuntime, system: string, slug: string, at: string): Promise<void> {
  await rt.deps.db.updateTable('help_articles').set({ updated_at: at }).where('id', '=', await articleId(rt, system, slug)).execute();
}

/** An article as the import would leave it (not in the search index). */
export async function insertArticle(
  rt: TestRuntime,
  a: { system: string; category: string; slug: string; title: string; html?: string; tags?: string[]; published?: boolean; position?: number; updatedAt?: string },
): Promise<string> {
  const sys = await systemId(rt, a.system);
  const cat = await rt.deps.db.selectFrom('help_categories').select('id').where('system_id', '=', sys).where('slug', '=', a.category).executeTakeFirstOrThrow();
  const id = randomUUID();
  const html = a.html ?? '<p>Texto de prueba.</p>\n';
  await rt.deps.db
    .insertInto('help_articles')
    .values({
      id, system_id: sys, category_id: cat.id, slug: a.slug, title: a.title, summary: '', body_md: '', body_html: html, body_text: html.replace(/<[^>]+>/g, ''),
      toc: '[]', source_hash: '', tags: (a.tags ?? []).join(', '), position: a.position ?? 99, published: a.published === false ? 0 : 1,
      updated_at: a.updatedAt ?? rt.clock.now().toISOString(),
    })
    .execute();
  if (a.tags?.length) await rt.deps.db.insertInto('help_article_tags').values(a.tags.map((tag) => ({ article_id: id, tag }))).execute();
  return id;
}

/** Limit a technical user's help straight in the database (the page that does it has tests of its own). */
export async function limitHelpTo(rt: TestRuntime, userId: string, systems: string[]): Promise<void> {
  await rt.deps.db.deleteFrom('user_help_scope').where('user_id', '=', userId).execute();
  for (const s of systems) await rt.deps.db.insertInto('user_help_scope').values({ user_id: userId, system_id: await systemId(rt, s) }).execute();
}

/** POST a form with repeated fields (checkboxes), which TestClient.post cannot express. */
export async function postPairs(rt: TestRuntime, client: TestClient, path: string, pairs: Array<[string, string]>): Promise<Response> {
  const body = new URLSearchParams([['_csrf', client.cookies.get('csrf') ?? ''], ...pairs]);
  return await rt.app.request(path, {
    method: 'POST',
    body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
}

/** The part of a page between two markers (both must be there). */
export function between(html: string, from: string, to: string): string {
  const i = html.indexOf(from);
  expect(i, `no ${from}`).toBeGreaterThanOrEqual(0);
  const j = html.indexOf(to, i + from.length);
  expect(j, `no ${to} after ${from}`).toBeGreaterThan(i);
  return html.slice(i, j);
}

/** Every href in a piece of HTML, in order. */
export function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
}
