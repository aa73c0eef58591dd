import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { articleId, limitHelpTo, NOT_FOUND, signedIn } from '../../../../tests/help-fixtures.ts';
import { createTestRuntime, TEST_START, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { HELP_REPORT_COMMANDS } from '../../../cli/help-report-commands.ts';

// "¿Le fue útil este artículo?": one vote per person and article, which the
// person can change, and what the vendor reads of it with `help feedback`.

const ARTICLE = '/ayuda/contabilidad/cierre-mensual';
const VOTE = `${ARTICLE}/voto`;

let rt: TestRuntime;
let customer: TestCustomer;

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps, { name: 'Contadores Asociados Ltda.' });
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  await addContractFor(rt.deps, customer.id, 'inventario', '2025-01-01');
});
afterAll(() => rt.close());
beforeEach(() => {
  rt.clock.set(TEST_START);
});

async function votesOf(userId: string, system = 'contabilidad', slug = 'cierre-mensual') {
  return rt.deps.db.selectFrom('help_votes').selectAll().where('user_id', '=', userId).where('article_id', '=', await articleId(rt, system, slug)).execute();
}

async function votesOn(system: string, slug: string) {
  return rt.deps.db.selectFrom('help_votes').selectAll().where('article_id', '=', await articleId(rt, system, slug)).execute();
}

/** A fresh technical user of `customer`, signed in: a person who has not voted yet. */
async function newReader(c = customer) {
  const tech = await createTechnicalUser(rt.deps, c.id);
  return { id: tech.id, client: await signedIn(rt, c, tech.email, tech.password) };
}

/** The two answer buttons of the feedback form, as rendered. */
function buttons(html: string) {
  return {
    si: /<button type="submit" name="util" value="si"[^>]*>/.exec(html)?.[0],
    no: /<button type="submit" name="util" value="no"[^>]*>/.exec(html)?.[0],
  };
}

function textarea(html: string): string | undefined {
  return /<textarea id="comentario" name="comentario"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1];
}

async function report(opts: Record<string, string> = {}): Promise<string> {
  const out: string[] = [];
  await HELP_REPORT_COMMANDS['help feedback']!.run(rt, opts, (s) => out.push(s), { err: () => {}, args: [], operator: { kind: 'cli', label: 'operador (prueba)' } });
  return out.join('\n');
}

describe('voting on an article', () => {
  it('keeps one vote per person: Sí, then No with a comment, updates the same row', async () => {
    const admin = await signedIn(rt, customer);
    const yes = await admin.post(VOTE, { util: 'si', comentario: '' });
    expect(yes.status).toBe(303);
    expect(location(yes)).toBe(`${ARTICLE}#valoracion`);
    let rows = await votesOf(customer.admin.id);
    expect(rows).toEqual([expect.objectContaining({ helpful: 1, comment: null, created_at: TEST_START.toISOString(), updated_at: TEST_START.toISOString() })]);

    rt.clock.advance(5 * 60_000);
    const no = await admin.post(VOTE, { util: 'no', comentario: '  Falta explicar qué pasa con el IVA.  ' });
    expect(no.status).toBe(303);
    rows = await votesOf(customer.admin.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ helpful: 0, comment: 'Falta explicar qué pasa con el IVA.', created_at: TEST_START.toISOString(), updated_at: rt.clock.now().toISOString() });
    // The flash thanks the person on the page the redirect leads to.
    expect(await (await admin.get(ARTICLE)).text()).toContain('Gracias por su opinión');
  });

  it('shows the person’s current vote on the page: pressed button, their answer and their comment', async () => {
    const { client } = await newReader();
    let html = await (await client.get(ARTICLE)).text();
    expect(buttons(html)).toEqual({ si: '<button type="submit" name="util" value="si">', no: '<button type="submit" name="util" value="no" class="secondary">' });
    expect(html).not.toContain('Usted respondió');

    await client.post(VOTE, { util: 'si', comentario: 'Muy claro <b>gracias</b>' });
    html = await (await client.get(ARTICLE)).text();
    expect(buttons(html).si).toContain('aria-pressed="true"');
    expect(buttons(html).no).toContain('aria-pressed="false"');
    expect(html).toContain('Usted respondió «Sí»');
    expect(textarea(html)).toBe('Muy claro &lt;b&gt;gracias&lt;/b&gt;');

    await client.post(VOTE, { util: 'no' });
    html = await (await client.get(ARTICLE)).text();
    expect(buttons(html).si).toContain('aria-pressed="false"');
    expect(buttons(html).no).toContain('aria-pressed="true"');
    expect(html).toContain('Usted respondió «No»');
    // Voting without the comment field clears the comment (the form always sends it, prefilled).
    expect(textarea(html)).toBe('');
  });

  it('refuses an answer other than Sí or No with 422 and a Spanish message, saving nothing', async () => {
    const { id, client } = await newReader();
    for (const fields of [{ util: 'quizas', comentario: 'Texto que escribí' }, { comentario: 'Texto que escribí' }, { util: '' }] as Array<Record<string, string>>) {
      const res = await client.post(VOTE, fields);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('<p class="field-error" role="alert">Elija Sí o No.</p>');
      // The page is the article again, with what was typed kept.
      expect(html).toContain('<h1>Cierre mensual de la contabilidad</h1>');
      if (fields.comentario) expect(textarea(html)).toBe('Texto que escribí');
    }
    expect(await votesOf(id)).toEqual([]);

    // A refused change leaves the earlier vote as it was.
    await client.post(VOTE, { util: 'si', comentario: 'Bien' });
    expect((await client.post(VOTE, { util: 'tal-vez', comentario: 'Otra cosa' })).status).toBe(422);
    expect(await votesOf(id)).toEqual([expect.objectContaining({ helpful: 1, comment: 'Bien' })]);
  });

  it('refuses a comment over 1,000 characters with 422, saving nothing; 1,000 are fine', async () => {
    const { id, client } = await newReader();
    const res = await client.post(VOTE, { util: 'no', comentario: 'x'.repeat(1001) });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('El comentario puede tener hasta 1.000 caracteres.');
    expect(await votesOf(id)).toEqual([]);

    expect((await client.post(VOTE, { util: 'no', comentario: 'x'.repeat(1000) })).status).toBe(303);
    expect((await votesOf(id))[0]!.comment).toHaveLength(1000);
  });

  it('counts a line break as one character, as the browser’s maxlength does, though it arrives as CRLF', async () => {
    const { id, client } = await newReader();
    // 10 lines of 99 characters: 999 typed, 1,017 as sent.
    const sent = Array.from({ length: 10 }, () => 'y'.repeat(99)).join('\r\n');
    expect((await client.post(VOTE, { util: 'no', comentario: sent })).status).toBe(303);
    expect((await votesOf(id))[0]!.comment).toBe(sent.replaceAll('\r\n', '\n'));
  });

  it('refuses control and bidi characters in a comment with 422 and a Spanish message, saving nothing; tabs and line breaks are fine', async () => {
    const { id, client } = await newReader();
    for (const comentario of ['Falta\u0000 un paso', 'Falta\u001b]0;hola\u0007 un paso', 'Falta \u202eovi\u202c un paso', 'Falta\u0085 un paso', 'Falta\u200b un paso']) {
      const res = await client.post(VOTE, { util: 'no', comentario });
      expect(res.status, JSON.stringify(comentario)).toBe(422);
      expect(await res.text()).toContain('<p class="field-error" role="alert">El comentario contiene caracteres no permitidos (caracteres de control o de dirección del texto).</p>');
    }
    expect(await votesOf(id)).toEqual([]);
    // CR LF and U+2028 are line breaks in a comment, stored as LF.
    expect((await client.post(VOTE, { util: 'no', comentario: 'Falta un paso\r\n\tdel IVA 👍🏽 ñandú\u2028Gracias' })).status).toBe(303);
    expect((await votesOf(id))[0]!.comment).toBe('Falta un paso\n\tdel IVA 👍🏽 ñandú\nGracias');
    expect((await client.post('/ayuda/contabilidad/cierre-mensual%00/voto', { util: 'no' })).status).toBe(404);
  });

  it('refuses a vote without the CSRF field, or with another one, with 403', async () => {
    const { id, client } = await newReader();
    for (const csrf of ['', 'x'.repeat(43)]) {
      const res = await client.post(VOTE, { _csrf: csrf, util: 'si' });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('El formulario caducó');
    }
    expect(await votesOf(id)).toEqual([]);
  });

  it('lets a technical user vote (allowed)', async () => {
    const { id, client } = await newReader();
    expect((await client.post(VOTE, { util: 'si' })).status).toBe(303);
    expect(await votesOf(id)).toEqual([expect.objectContaining({ helpful: 1, comment: null })]);
  });

  it('answers 404 to a vote on an article the person may not read, and saves nothing (forbidden, other customer)', async () => {
    // Remuneraciones is not contracted by this customer.
    const admin = await signedIn(rt, customer);
    for (const path of ['/ayuda/remuneraciones/previred/voto', '/ayuda/contabilidad/no-existe/voto', '/ayuda/contabilidad/previred/voto']) {
      const res = await admin.post(path, { util: 'no', comentario: 'No debería guardarse' });
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain(NOT_FOUND);
    }
    expect(await votesOn('remuneraciones', 'previred')).toEqual([]);

    // A technical user limited to inventario.
    const { id, client } = await newReader();
    await limitHelpTo(rt, id, ['inventario']);
    expect((await client.post(VOTE, { util: 'si' })).status).toBe(404);
    expect(await votesOf(id)).toEqual([]);

    // Another customer, with contracts of its own but not contabilidad.
    const other = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, other.id, 'remuneraciones', '2025-01-01');
    expect((await (await signedIn(rt, other)).post(VOTE, { util: 'no' })).status).toBe(404);
    expect(await votesOf(other.admin.id)).toEqual([]);
  });

  it('sends a signed-out visitor to sign in without saving anything', async () => {
    const anonymous = new TestClient(rt);
    const before = (await votesOn('contabilidad', 'cierre-mensual')).length;
    const res = await anonymous.post(VOTE, { util: 'si' });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/ingresar');
    expect(await votesOn('contabilidad', 'cierre-mensual')).toHaveLength(before);
  });
});

describe('help feedback (operator report)', () => {
  it('counts Sí, No and comments per article, the most No first, and lists one article’s comments', async () => {
    const other = await createCustomerWithAdmin(rt.deps, { name: 'Ferretería La Tuerca' });
    await addContractFor(rt.deps, other.id, 'contabilidad', '2025-01-01');
    const admin = await signedIn(rt, customer);
    const a = await newReader();
    const b = await newReader();
    const theirs = await signedIn(rt, other);

    // balance-general: two No (one with a comment). configurar-empresa: two Sí and one No, two comments.
    await admin.post('/ayuda/contabilidad/balance-general/voto', { util: 'no', comentario: 'No explica las 8 columnas.' });
    await a.client.post('/ayuda/contabilidad/balance-general/voto', { util: 'no' });
    await admin.post('/ayuda/contabilidad/configurar-empresa/voto', { util: 'si' });
    rt.clock.advance(60_000);
    await a.client.post('/ayuda/contabilidad/configurar-empresa/voto', { util: 'si', comentario: 'Me sirvió el paso a paso.' });
    rt.clock.advance(60_000);
    await theirs.post('/ayuda/contabilidad/configurar-empresa/voto', { util: 'no', comentario: '¿Y el régimen Pro Pyme?' });
    // A changed vote counts once, as it is now.
    await b.client.post('/ayuda/contabilidad/configurar-empresa/voto', { util: 'no' });
    await b.client.post('/ayuda/contabilidad/configurar-empresa/voto', { util: 'si' });

    const lines = (await report()).split('\n');
    expect(lines[0]).toMatch(/^Sistema\s+Artículo\s+Título\s+Sí\s+No\s+Comentarios$/);
    const row = (slug: string) => {
      const i = lines.findIndex((l) => l.startsWith('contabilidad') && l.split(/\s{2,}/)[1] === slug);
      expect(i, slug).toBeGreaterThan(1);
      return { i, cells: lines[i]!.split(/\s{2,}/) };
    };
    const balance = row('balance-general');
    const empresa = row('configurar-empresa');
    expect(balance.cells).toEqual(['contabilidad', 'balance-general', 'Emitir el balance de 8 columnas', '0', '2', '1']);
    expect(empresa.cells.slice(3)).toEqual(['3', '1', '2']);
    expect(balance.i).toBeLessThan(empresa.i);

    const comments = (await report({ system: 'contabilidad', article: 'configurar-empresa' })).split('\n');
    expect(comments[0]).toMatch(/^Cuándo\s+Útil\s+Cliente\s+Comentario$/);
    // Newest first; who is the customer, never the person.
    expect(comments.slice(2).map((l) => l.split(/\s{2,}/).slice(1))).toEqual([
      ['no', 'Ferretería La Tuerca', '¿Y el régimen Pro Pyme?'],
      ['sí', 'Contadores Asociados Ltda.', 'Me sirvió el paso a paso.'],
    ]);
    expect(comments.join('\n')).not.toContain(customer.admin.email);

    expect(await report({ system: 'contabilidad', article: 'ppm-y-f29' })).toBe('Ese artículo no tiene comentarios.');
  });

  it('says so when nobody has voted yet', async () => {
    const empty = await createTestRuntime({ withHelp: false });
    try {
      const out: string[] = [];
      await HELP_REPORT_COMMANDS['help feedback']!.run(empty, {}, (s) => out.push(s), { err: () => {}, args: [], operator: { kind: 'cli', label: 'operador (prueba)' } });
      expect(out).toEqual(['Todavía no hay votos.']);
    } finally {
      await empty.close();
    }
  });
});
