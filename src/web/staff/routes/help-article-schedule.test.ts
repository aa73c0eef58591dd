import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { location, type TestClient } from '../../../../tests/client.ts';
import { someArticle, writeDraft } from '../../../../tests/help-schedule-fixtures.ts';
import { createTestStaff, signedInStaff, staffClient, type TestStaff } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';

let rt: TestRuntime;
let editor: { staff: TestStaff; client: TestClient };
let reader: TestClient;
let author: TestStaff;

beforeAll(async () => {
  rt = await createTestRuntime();
  editor = await signedInStaff(rt, 'editor');
  reader = (await signedInStaff(rt, 'lectura')).client;
  author = await createTestStaff(rt.deps, 'editor');
});
afterAll(() => rt.close());

const page = (id: string) => `/proveedor/ayuda/articulos/${id}/programar`;
const pending = (id: string) => rt.deps.db.selectFrom('help_schedules').selectAll().where('article_id', '=', id).where('done_at', 'is', null).execute();

describe('/proveedor/ayuda/articulos/:id/programar', () => {
  it('schedules a publish of the draft as it is, shows it pending, and cancels it', async () => {
    const a = await someArticle(rt, 0);
    await writeDraft(rt, a.id, author, 'Tasa 2026');
    const form = await editor.client.get(page(a.id));
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('<label for="day">Fecha</label>');
    expect(html).toContain('type="time"');
    expect(html).toContain('Este artículo no tiene nada programado.');
    const res = await editor.client.post(page(a.id), { action: 'publish', day: '2026-04-04', time: '23:30', changeNote: 'Nueva tasa' });
    expect(res.status).toBe(303);
    expect(location(res)).toBe(page(a.id));
    const after = await (await editor.client.get(page(a.id))).text();
    expect(after).toContain('Publicación programada (esa hora ocurre dos veces esa noche: se tomó la primera).');
    expect(after).toContain('sábado, 4 de abril de 2026, 23:30 (hora de Santiago)');
    expect(after).toContain('Pendiente');
    const [s] = await pending(a.id);
    expect(s).toMatchObject({ action: 'publish', run_at: '2026-04-05T02:30:00.000Z', draft_revision: 1, change_note: 'Nueva tasa' });

    // The draft moves on: the page says the publish will fail before it does.
    await writeDraft(rt, a.id, author, 'Tasa 2026 corregida', 2);
    expect(await (await editor.client.get(page(a.id))).text()).toContain('El borrador cambió desde que se programó (revisión 1, ahora 2)');

    const cancel = await editor.client.post(`${page(a.id)}/${s!.id}/cancelar`);
    expect(cancel.status).toBe(303);
    const cancelled = await (await editor.client.get(page(a.id))).text();
    expect(cancelled).toContain('Programación cancelada.');
    expect(cancelled).toContain('Cancelado');
    expect(await pending(a.id)).toEqual([]);
    // Cancelling again says why it cannot.
    const again = await editor.client.post(`${page(a.id)}/${s!.id}/cancelar`);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('ya no se puede cancelar');
  });

  it('warns that the publish will fail when the scheduled draft was replaced by a later one, even at the same revision', async () => {
    const a = await someArticle(rt, 9);
    await writeDraft(rt, a.id, author, 'La programada');
    expect((await editor.client.post(page(a.id), { action: 'publish', day: '2026-04-04', time: '12:00', changeNote: 'Programada' })).status).toBe(303);
    // That draft published (or discarded) and a new one started: its revision is 1 again.
    rt.clock.advance(60_000);
    await rt.deps.db.deleteFrom('help_article_drafts').where('article_id', '=', a.id).execute();
    await writeDraft(rt, a.id, author, 'Otra, sin revisar', 1);
    expect(await (await editor.client.get(page(a.id))).text()).toContain('El borrador programado ya no existe (se publicó o se descartó): esta publicación fallará. Cancélela.');
  });

  it('answers bad input with Spanish errors beside the fields and writes nothing', async () => {
    const a = await someArticle(rt, 1);
    for (const [fields, message] of [
      [{ action: 'unpublish', day: '2026-09-06', time: '00:15' }, 'Las 00:15 del 2026-09-06 no existen en Santiago'],
      [{ action: 'unpublish', day: '2026-03-01', time: '10:00' }, 'La fecha y hora ya pasaron'],
      [{ action: 'unpublish', day: '', time: '' }, 'Ingrese la fecha como AAAA-MM-DD.'],
      // Beside the hour, not the date: the hour is what is wrong.
      [{ action: 'unpublish', day: '2026-05-01', time: '25:00' }, '<p class="field-error" id="time-error">Ingrese la hora como HH:MM (24 horas).</p>'],
      [{ action: 'unpublish', day: '2026-02-30', time: '10:00' }, 'La fecha o la hora no son válidas'],
      [{ action: 'borrar', day: '2026-05-01', time: '10:00' }, 'Elija si programa una publicación o una despublicación.'],
      [{ action: 'publish', day: '2026-05-01', time: '10:00', changeNote: 'x' }, 'no tiene un borrador'],
      [{ action: 'unpublish', day: '2026-05-01', time: '10:00', changeNote: 'a\u202eb' }, 'La nota'],
    ] as const) {
      const res = await editor.client.post(page(a.id), fields);
      expect(res.status, message).toBe(422);
      const html = await res.text();
      expect(html, message).toContain(message);
      expect(html).toContain('No se programó. Revise lo siguiente:');
    }
    expect(await pending(a.id)).toEqual([]);
  });

  it('lets help:read see the schedules but not add or cancel them', async () => {
    const a = await someArticle(rt, 2);
    expect((await editor.client.post(page(a.id), { action: 'unpublish', day: '2026-05-01', time: '10:00' })).status).toBe(303);
    const html = await (await reader.get(page(a.id))).text();
    expect(html).toContain('Despublicar');
    expect(html).not.toContain('<button type="submit" class="primary">Programar</button>');
    expect(html).not.toContain('/cancelar');
    expect((await reader.post(page(a.id), { action: 'unpublish', day: '2026-05-02', time: '10:00' })).status).toBe(403);
    const [s] = await pending(a.id);
    expect((await reader.post(`${page(a.id)}/${s!.id}/cancelar`)).status).toBe(403);
    expect(await pending(a.id)).toHaveLength(1);
  });

  it('answers 404 for an unknown article and for a schedule of another article', async () => {
    const a = await someArticle(rt, 3);
    const b = await someArticle(rt, 4);
    expect((await editor.client.get(page('00000000-0000-4000-8000-000000000000'))).status).toBe(404);
    expect((await editor.client.get(page('%00'))).status).toBe(404);
    expect((await editor.client.post(page(a.id), { action: 'unpublish', day: '2026-05-01', time: '10:00' })).status).toBe(303);
    const [s] = await pending(a.id);
    expect((await editor.client.post(`${page(b.id)}/${s!.id}/cancelar`)).status).toBe(404);
    expect(await pending(a.id)).toHaveLength(1);
  });

  it('two people scheduling the same kind at once: one schedule', async () => {
    const a = await someArticle(rt, 5);
    const other = await staffClient(rt, await createTestStaff(rt.deps, 'admin'));
    const results = await Promise.all([editor.client, other, editor.client].map((c) => c.post(page(a.id), { action: 'unpublish', day: '2026-05-01', time: '10:00' })));
    expect(results.map((r) => r.status).sort()).toEqual([303, 422, 422]);
    expect(await pending(a.id)).toHaveLength(1);
  });
});
