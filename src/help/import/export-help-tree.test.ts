import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { HELP_DIR } from '../../demo/seed-demo.ts';
import { exportHelpTree, HelpExportError } from './export-help-tree.ts';
import { importHelpTree } from './import-help-tree.ts';
import { readHelpTree } from './read-help-tree.ts';
import { randomUUID } from 'node:crypto';
import { inTransaction, staffPrincipal } from '../../../tests/help-structure-fixtures.ts';
import { createSystem } from '../authoring/create-system.ts';
const PNG = (extra: string) => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new TextEncoder().encode(extra)]);

let open: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of open.reverse()) await close();
  open = [];
});

async function runtime(): Promise<TestRuntime> {
  const rt = await createTestRuntime({ withHelp: false });
  open.push(() => rt.close());
  return rt;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portal-export-'));
  open.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('exportHelpTree', () => {
  it('writes the shipped help back byte for byte', async () => {
    const rt = await runtime();
    const tree = readHelpTree(HELP_DIR);
    await importHelpTree(rt.deps.db, rt.deps.dialect, tree, rt.clock.now());
    const out = tempDir();
    const r = await exportHelpTree(rt.deps.db, out);
    const assets = new Set(tree.articles.flatMap((a) => a.assets.map((f) => join(a.system, a.category, f.path))));
    expect(r).toEqual({ articles: tree.articles.length, attachments: assets.size });

    const written = files(out).filter((f) => f !== 'sinonimos.txt');
    // Everything the export writes (the synonyms are stored folded, so only they may differ) is the shipped file.
    expect(written).toEqual(files(HELP_DIR).filter((f) => written.includes(f)));
    expect(written.filter((f) => f.endsWith('.md'))).toHaveLength(tree.articles.length);
    for (const f of written) expect(readFileSync(join(out, f)).equals(readFileSync(join(HELP_DIR, f))), f).toBe(true);
  });

  it('exports what a fresh database imports whole', async () => {
    const source = await runtime();
    const tree = readHelpTree(HELP_DIR);
    await importHelpTree(source.deps.db, source.deps.dialect, tree, source.clock.now());
    const out = tempDir();
    await exportHelpTree(source.deps.db, out);

    const target = await runtime();
    const again = readHelpTree(out);
    expect(again.synonyms).toHaveLength(tree.synonyms!.length);
    const r = await importHelpTree(target.deps.db, target.deps.dialect, again, target.clock.now());
    expect(r).toMatchObject({ created: tree.articles.length, updated: 0, unchanged: 0, unpublished: 0, systems: tree.systems.length });
    const titles = (rt: TestRuntime) => rt.deps.db.selectFrom('help_articles').select(['slug', 'title', 'source_hash']).orderBy('slug').orderBy('title').execute();
    expect(await titles(target)).toEqual(await titles(source));
  });

  it('leaves unpublished articles out', async () => {
    const rt = await runtime();
    await importHelpTree(rt.deps.db, rt.deps.dialect, readHelpTree(HELP_DIR), rt.clock.now());
    await rt.deps.db.updateTable('help_articles').set({ published: 0 }).where('slug', '=', 'cierre-mensual').execute();
    const out = tempDir();
    await exportHelpTree(rt.deps.db, out);
    expect(existsSync(join(out, 'contabilidad/cierre-e-impuestos/cierre-mensual.md'))).toBe(false);
    expect(existsSync(join(out, 'contabilidad/cierre-e-impuestos/balance-general.md'))).toBe(true);
  });

  it('refuses a folder with other things in it, but overwrites a previous export', async () => {
    const rt = await runtime();
    const other = tempDir();
    writeFileSync(join(other, 'notas.txt'), 'mías');
    await expect(exportHelpTree(rt.deps.db, other)).rejects.toThrow(HelpExportError);
    expect(files(other)).toEqual(['notas.txt']);

    await importHelpTree(rt.deps.db, rt.deps.dialect, readHelpTree(HELP_DIR), rt.clock.now());
    const previous = join(tempDir(), 'ayuda');
    await exportHelpTree(rt.deps.db, previous);
    writeFileSync(join(previous, 'contabilidad/cierre-e-impuestos/cierre-mensual.md'), 'editado a mano');
    mkdirSync(join(previous, 'extra'));
    writeFileSync(join(previous, 'extra/nota.txt'), 'se queda');
    await exportHelpTree(rt.deps.db, previous);
    expect(readFileSync(join(previous, 'contabilidad/cierre-e-impuestos/cierre-mensual.md'), 'utf8')).toMatch(/^---\nsystem: contabilidad\n/);
    expect(readFileSync(join(previous, 'extra/nota.txt'), 'utf8')).toBe('se queda');
  });
});

describe('exportHelpTree after the console', () => {
  it('a system created in the console, still without categories, exports into a folder the import reads', async () => {
    const rt = await runtime();
    await importHelpTree(rt.deps.db, rt.deps.dialect, readHelpTree(HELP_DIR), rt.clock.now());
    const by = await staffPrincipal(rt, 'editor');
    await inTransaction(rt, (trx, ctx) => createSystem(trx, ctx, by, { slug: 'tesoreria', name: 'Tesorería', description: '' }));
    const out = tempDir();
    await exportHelpTree(rt.deps.db, out);
    const tree = readHelpTree(out);
    expect(tree.systems.find((s) => s.slug === 'tesoreria')).toEqual({ slug: 'tesoreria', name: 'Tesorería', description: '', categories: [] });
    const again = await importHelpTree(rt.deps.db, rt.deps.dialect, tree, rt.clock.now());
    expect(again).toMatchObject({ created: 0, updated: 0, unpublished: 0 });
  });

  it('refuses, writing nothing, when two articles of one category have different files at one path (the folder has room for one)', async () => {
    const rt = await runtime();
    await importHelpTree(rt.deps.db, rt.deps.dialect, readHelpTree(HELP_DIR), rt.clock.now());
    const [a, b] = await rt.deps.db.selectFrom('help_articles').select(['id', 'category_id', 'title']).where('published', '=', 1).orderBy('category_id').orderBy('slug').limit(2).execute();
    expect(a!.category_id).toBe(b!.category_id);
    const file = (id: string, text: string) => ({
      id: randomUUID(), article_id: id, path: 'imagenes/captura.png', content_type: 'image/png', size: 8 + text.length, sha256: text, data: Buffer.from(PNG(text)), draft: 0, updated_at: rt.clock.now().toISOString(),
    });
    await rt.deps.db.insertInto('help_attachments').values([file(a!.id, 'de a'), file(b!.id, 'de b')]).execute();
    // Both published texts show it (a file no text shows is not exported: the import would not read it).
    await rt.deps.db.updateTable('help_articles').set((eb) => ({ body_md: eb('body_md', '||', '\n\n![captura](imagenes/captura.png)\n') })).where('id', 'in', [a!.id, b!.id]).execute();
    const out = tempDir();
    const err = await exportHelpTree(rt.deps.db, out).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(HelpExportError);
    expect((err as Error).message).toContain('imagenes/captura.png');
    expect(files(out)).toEqual([]);
  });
});
