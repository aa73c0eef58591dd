import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStaff } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import type { StaffRole } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { exportHelpTree } from '../import/export-help-tree.ts';
import { parseSynonymsFile } from '../import/synonyms-file.ts';
import { loadSynonyms } from './load-synonyms.ts';
import { saveSynonyms, SynonymListInvalid } from './save-synonyms.ts';
import { bumpIndexVersion, replaceSynonyms } from './search-index.ts';

let rt: TestRuntime;
let editor: StaffPrincipal;

async function principal(role: StaffRole): Promise<StaffPrincipal> {
  const s = await createTestStaff(rt.deps, role);
  return { kind: 'staff', staffId: s.id, name: s.name, email: s.email, role, ip: '203.0.113.9' };
}

beforeAll(async () => {
  rt = await createTestRuntime();
  editor = await principal('editor');
});
afterAll(() => rt.close());

const save = (by: StaffPrincipal, text: string, baseHash: string) =>
  rt.deps.db.transaction().execute((trx) => saveSynonyms(trx, { dialect: rt.deps.dialect, now: rt.clock.now(), selfPublish: false }, by, { text, baseHash }));
const version = async () => Number((await rt.deps.db.selectFrom('help_index_state').select('version').where('id', '=', 1).executeTakeFirstOrThrow()).version);
const audits = () => rt.deps.db.selectFrom('audit_events').select(['action', 'actor_staff_id', 'detail']).where('action', '=', 'help.synonyms-changed').orderBy('at').execute();
const allSystems = async () => (await rt.deps.db.selectFrom('systems').select('id').execute()).map((s) => s.id);

describe('saving the synonym list', () => {
  it('replaces the groups, moves the index version and records what was added and removed; a search uses it at once', async () => {
    const ids = await allSystems();
    expect((await rt.deps.helpSearch.search({ text: 'zqxcierre', systemIds: ids })).total).toBe(0);
    const start = await loadSynonyms(rt.deps.db);
    const v = await version();
    const kept = start.text.split('\n').slice(1).join('\n'); // the first group goes
    const r = await save(editor, `${kept}\nzqxcierre, cierre mensual`, start.hash);
    expect(r).toEqual({ changed: true, added: 1, removed: 1 });
    expect(await version()).toBe(v + 1);
    const after = await loadSynonyms(rt.deps.db);
    expect(after.groups).toContainEqual(['cierre mensual', 'zqxcierre']);
    expect(after.groups).not.toContainEqual(start.groups[0]);
    const [audit] = await audits();
    expect(audit!.actor_staff_id).toBe(editor.staffId);
    expect(JSON.parse(audit!.detail!)).toEqual({ groups: after.groups.length, added: ['cierre mensual, zqxcierre'], removed: [start.groups[0]!.join(', ')], addedCount: 1, removedCount: 1 });
    // The process's search reloads its vocabulary on the version bump.
    const hits = (await rt.deps.helpSearch.search({ text: 'zqxcierre', systemIds: ids })).hits;
    expect(hits.map((h) => h.slug)).toContain('cierre-mensual');
  });

  it('refuses a list with problems and a stale starting point, changing nothing', async () => {
    const start = await loadSynonyms(rt.deps.db);
    const v = await version();
    const bad = await save(editor, 'boleta\nfactura,,dte', start.hash).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(SynonymListInvalid);
    expect((bad as SynonymListInvalid).problems.map((p) => p.line)).toEqual([1, 2]);
    const stale = await save(editor, 'a1, b1', 'someone-else-s-list').catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(AppError);
    expect((stale as AppError).status).toBe(409);
    expect((stale as AppError).message).toContain('Otra persona guardó los sinónimos');
    expect(await loadSynonyms(rt.deps.db)).toEqual(start);
    expect(await version()).toBe(v);
  });

  it('two saves from the same list at once: one is saved, the other is told someone saved meanwhile', async () => {
    const start = await loadSynonyms(rt.deps.db);
    const results = await Promise.allSettled([save(editor, `${start.text}\nzqxuno, libro`, start.hash), save(editor, `${start.text}\nzqxdos, caja`, start.hash)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as AppError).id).toBe('synonyms-changed');
    const groups = (await loadSynonyms(rt.deps.db)).groups;
    expect(groups.filter((g) => g.includes('zqxuno') || g.includes('zqxdos'))).toHaveLength(1);
  });

  it('an import writing the synonyms meanwhile: the save waits for it, is told the list changed, and the import’s list stays whole', async () => {
    const start = await loadSynonyms(rt.deps.db);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let began!: () => void;
    const importing = new Promise<void>((r) => (began = r));
    // What importHelpTree does to the synonyms, in its order: its lock, the list, and the index version last.
    const imported = rt.deps.db.transaction().execute(async (trx) => {
      if (rt.deps.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('help-import'))`.execute(trx);
      await replaceSynonyms(trx, [...start.groups, ['zqximporta', 'zqxarqueo']]);
      began();
      await held;
      await bumpIndexVersion(trx);
    });
    await importing;
    const saving = save(editor, `${start.text}\nzqxconsola, zqxcajon`, start.hash);
    await new Promise((r) => setTimeout(r, 150));
    release();
    await imported;
    await expect(saving).rejects.toMatchObject({ id: 'synonyms-changed' });
    const groups = (await loadSynonyms(rt.deps.db)).groups;
    expect(groups).toEqual([...start.groups, ['zqxarqueo', 'zqximporta']]);
  });

  it('the same form sent twice (a double click): the second finds its list saved and is no conflict', async () => {
    const start = await loadSynonyms(rt.deps.db);
    const text = `${start.text}\nzqxdoble, zqxclic`;
    expect((await save(editor, text, start.hash)).changed).toBe(true);
    expect(await save(editor, text, start.hash)).toEqual({ changed: false, added: 0, removed: 0 });
    // A different list from that stale starting point is still refused.
    await expect(save(editor, `${text}\nzqxotro, zqxmas`, start.hash)).rejects.toMatchObject({ id: 'synonyms-changed' });
  });

  it('saves nothing when the list did not change, and only help:write may save', async () => {
    const start = await loadSynonyms(rt.deps.db);
    const n = (await audits()).length;
    expect(await save(editor, start.text, start.hash)).toEqual({ changed: false, added: 0, removed: 0 });
    expect(await audits()).toHaveLength(n);
    const reader = await principal('lectura');
    await expect(save(reader, `${start.text}\nzqxtres, mesa`, start.hash)).rejects.toMatchObject({ status: 403 });
    expect(await loadSynonyms(rt.deps.db)).toEqual(start);
  });

  it('entries of several words round-trip through the export', async () => {
    const start = await loadSynonyms(rt.deps.db);
    await save(editor, `${start.text}\nzqximposiciones, cotizaciones zqxprevisionales, Aporte  Patronal Único`, start.hash);
    const dir = mkdtempSync(join(tmpdir(), 'sinonimos-'));
    try {
      await exportHelpTree(rt.deps.db, dir);
      const file = parseSynonymsFile(readFileSync(join(dir, 'sinonimos.txt'), 'utf8'));
      expect(file.problems).toEqual([]);
      const saved = (await loadSynonyms(rt.deps.db)).groups;
      expect(file.groups).toEqual(saved);
      expect(saved).toContainEqual(['aporte patronal unico', 'cotizaciones zqxprevisionales', 'zqximposiciones']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
