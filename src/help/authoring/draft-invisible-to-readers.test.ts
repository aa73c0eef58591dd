import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin } from '../../../tests/factories.ts';
import { asPrincipal, inTransaction } from '../../../tests/help-authoring-fixtures.ts';
import { signedIn } from '../../../tests/help-fixtures.ts';
import { createTestStaff } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import { createArticle } from './create-article.ts';
import { publishDraft } from './publish-draft.ts';
import { saveDraft } from './save-draft.ts';

// What a reader can reach of a draft through every /ayuda door: nothing.
// A never-published article, and a published one with a draft that renames
// it, rewrites it and adds a file; both carry words no other article has.

let rt: TestRuntime;
let reader: TestClient;
let author: StaffPrincipal;
let publisher: StaffPrincipal;
let publishedId: string;
let categoryId: string;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

beforeAll(async () => {
  rt = await createTestRuntime();
  const customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  reader = await signedIn(rt, customer);
  author = asPrincipal(await createTestStaff(rt.deps, 'editor'));
  publisher = asPrincipal(await createTestStaff(rt.deps, 'admin'));
  const systemId = (await rt.deps.db.selectFrom('systems').select('id').where('slug', '=', 'contabilidad').executeTakeFirstOrThrow()).id;
  categoryId = (await rt.deps.db.selectFrom('help_categories').select('id').where('system_id', '=', systemId).orderBy('position').executeTakeFirstOrThrow()).id;
  const write = (slug: string, title: string, body: string) =>
    inTransaction(rt.deps, (trx, ctx) => createArticle(trx, ctx, author, { systemId, categoryId, title, slug, summary: 'Resumen visible.', tags: 'zarzamora', position: 0, body }));
  await write('borrador-nunca-publicado', 'Guía del ornitorrinco', 'Texto del ornitorrinco nunca publicado.');
  ({ articleId: publishedId } = await write('guia-publicada', 'Guía del pingüino', 'Texto del pingüino publicado.'));
  await inTransaction(rt.deps, (trx, ctx) => publishDraft(trx, ctx, publisher, { articleId: publishedId, changeNote: 'Primera.' }));
  await inTransaction(rt.deps, (trx, ctx) =>
    saveDraft(trx, ctx, author, {
      articleId: publishedId, expectedRevision: 0, categoryId, title: 'Guía del quirquincho', slug: 'guia-del-quirquincho', summary: 'Resumen del quirquincho.', tags: 'quirquincho', position: 0,
      body: 'Texto del quirquincho en borrador. ![x](imagenes/nueva.png)',
    }),
  );
  await rt.deps.db
    .insertInto('help_attachments')
    .values({ id: crypto.randomUUID(), article_id: publishedId, path: 'imagenes/nueva.png', content_type: 'image/png', size: PNG.length, sha256: 'x', data: PNG, updated_at: rt.clock.now().toISOString(), draft: 1 })
    .execute();
});
afterAll(() => rt?.close());

async function body(path: string, status = 200): Promise<string> {
  const res = await reader.get(path);
  expect(res.status, path).toBe(status);
  return res.text();
}

describe('a reader never reaches a draft', () => {
  it('not by its page, its draft slug or a redirect', async () => {
    await body('/ayuda/contabilidad/borrador-nunca-publicado', 404);
    await body('/ayuda/contabilidad/guia-del-quirquincho', 404);
    const page = await body('/ayuda/contabilidad/guia-publicada');
    expect(page).toContain('Guía del pingüino');
    expect(page).not.toMatch(/quirquincho|ornitorrinco/);
  });

  it('not in the help home, the system’s contents or another article’s related list', async () => {
    for (const path of ['/ayuda', '/ayuda/contabilidad']) {
      const html = await body(path);
      expect(html, path).not.toMatch(/ornitorrinco|quirquincho/);
    }
  });

  it('not in search results or suggestions', async () => {
    for (const q of ['ornitorrinco', 'quirquincho', 'zarzamora quirquincho']) {
      expect(await body(`/ayuda/buscar?q=${encodeURIComponent(q)}`), q).not.toMatch(/borrador-nunca-publicado|Guía del quirquincho|guia-del-quirquincho/);
      expect(await body(`/ayuda/sugerencias?q=${encodeURIComponent(q)}`), q).not.toMatch(/ornitorrinco|quirquincho/i);
    }
    expect(await body('/ayuda/buscar?q=ping%C3%BCino')).toContain('guia-publicada');
  });

  it('not by a file uploaded for the draft, until the draft is published', async () => {
    await body('/ayuda/contabilidad/guia-publicada/adjuntos/imagenes/nueva.png', 404);
    await inTransaction(rt.deps, (trx, ctx) => publishDraft(trx, ctx, publisher, { articleId: publishedId, changeNote: 'Quirquincho.' }));
    expect((await reader.get('/ayuda/contabilidad/guia-del-quirquincho/adjuntos/imagenes/nueva.png')).status).toBe(200);
    const old = await reader.get('/ayuda/contabilidad/guia-publicada/adjuntos/imagenes/nueva.png');
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe('/ayuda/contabilidad/guia-del-quirquincho/adjuntos/imagenes/nueva.png');
    expect(await body('/ayuda/buscar?q=quirquincho')).toContain('guia-del-quirquincho');
  });
});
