import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { boot } from '../boot.ts';
import { loadConfig } from '../config.ts';
import { cli, useCliDatabase } from '../../tests/cli-harness.ts';
import { article, PNG, writeHelpFolder } from '../../tests/help-folder.ts';

// `portal help import` and `help export` as an operator runs them, on the
// test database (a SQLite file, or a schema of its own on PostgreSQL).

const work = useCliDatabase('portal-help-cli-', { testDatabase: 'cli' });

const good = () =>
  writeHelpFolder({
    'contabilidad/cierre/cierre-mensual.md': article({ system: 'contabilidad', category: 'cierre', slug: 'cierre-mensual', title: 'Cierre mensual' }, '![Pantalla](imagenes/p.png)\n\nVea [el inicio](inicio).\n'),
    'contabilidad/cierre/imagenes/p.png': PNG,
    'contabilidad/primeros-pasos/inicio.md': article({ system: 'contabilidad', category: 'primeros-pasos', slug: 'inicio', title: 'Inicio' }, 'Hola.\n'),
    'inventario/bodegas/crear-bodega.md': article({ system: 'inventario', category: 'bodegas', slug: 'crear-bodega', title: 'Crear una bodega' }, 'Una bodega.\n'),
  });

describe('portal help', () => {
  it('lists every problem of a bad folder as path:line and imports nothing', async () => {
    const help = good();
    try {
      help.write('contabilidad/cierre/cierre-mensual.md', article({ system: 'contabilidad', category: 'cierre', slug: 'cierre-mensual', title: 'Cierre mensual' }, 'Vea [la bodega](crear-bodega).\n'));
      help.write('contabilidad/primeros-pasos/inicio.md', '---\ntitle: Inicio\ncolor: rojo\n---\nHola.\n');
      const r = await cli('help', 'import', help.dir);
      expect(r.code).toBe(1);
      expect(r.err.split('\n')).toEqual([
        'contabilidad/cierre/cierre-mensual.md:11: El enlace a "crear-bodega" no corresponde a ningún artículo del sistema "contabilidad".',
        'contabilidad/primeros-pasos/inicio.md:3: Clave desconocida "color". Las claves válidas son: system, category, slug, title, summary, order, tags.',
        'No se importó nada: corrija los 2 problemas y vuelva a intentarlo.',
      ]);
      expect(r.out).toBe('');
    } finally {
      help.remove();
    }
  });

  it('imports with progress on stderr and the summary on stdout, then exports', async () => {
    const help = good();
    try {
      const first = await cli('help', 'import', help.dir);
      expect(first.code).toBe(0);
      expect(first.err.split('\n')).toEqual(['[1/3] contabilidad/cierre/cierre-mensual.md', '[2/3] contabilidad/primeros-pasos/inicio.md', '[3/3] inventario/bodegas/crear-bodega.md']);
      expect(first.out).toBe('Ayuda importada: 3 nuevos, 0 actualizados, 0 sin cambios, 0 despublicados (2 sistemas).');
      expect((await cli('help', 'import', help.dir)).out).toBe('Ayuda importada: 0 nuevos, 0 actualizados, 3 sin cambios, 0 despublicados (2 sistemas).');

      const out = join(work, 'exportada');
      const exported = await cli('help', 'export', out);
      expect(exported.code).toBe(0);
      expect(exported.out).toBe(`Ayuda exportada en ${out}: 3 artículos, 1 adjunto.`);

      writeFileSync(join(work, 'otra-cosa.txt'), '');
      const refused = await cli('help', 'export', work);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('no está vacía y no es una exportación anterior');
      const missing = await cli('help', 'export');
      expect(missing.code).toBe(1);
      expect(missing.err).toContain('Uso: portal help export <carpeta>');
    } finally {
      help.remove();
    }
  });

  it('lists what the folder overrode of the work done in the browser, and audits the import', async () => {
    const help = good();
    try {
      await cli('help', 'import', help.dir);
      const rt = await boot(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }), pino({ level: 'silent' }));
      try {
        const a = await rt.deps.db.selectFrom('help_articles').select(['id', 'version_no']).where('slug', '=', 'inicio').executeTakeFirstOrThrow();
        // A version published in the browser, as publishDraft leaves it (the title typed with a bidi override).
        await rt.deps.db.updateTable('help_articles').set({ title: 'Inicio \u202e(web)', version_no: Number(a.version_no) + 1, source_hash: '' }).where('id', '=', a.id).execute();
        await rt.deps.db
          .insertInto('help_article_versions')
          .values({
            id: crypto.randomUUID(), article_id: a.id, version_no: Number(a.version_no) + 1, category_id: (await rt.deps.db.selectFrom('help_articles').select('category_id').where('id', '=', a.id).executeTakeFirstOrThrow()).category_id,
            slug: 'inicio', title: 'Inicio \u202e(web)', summary: '', tags: '', position: 0, body_md: 'Hola desde el navegador.\n', change_note: 'Web', source: 'console',
            author_label: 'Ana', published_by_staff_id: null, published_by_label: 'Beto', published_at: new Date().toISOString(),
          })
          .execute();
      } finally {
        await rt.close();
      }
      const r = await cli('help', 'import', help.dir);
      expect(r.code).toBe(0);
      expect(r.out.split('\n')).toEqual([
        'Ayuda importada: 0 nuevos, 1 actualizado, 2 sin cambios, 0 despublicados (2 sistemas).',
        'La carpeta reemplazó lo hecho en el navegador en 1 artículo (las versiones anteriores quedan en el historial de cada artículo; exporte antes de importar para conservarlas en la carpeta):',
        '  contabilidad/primeros-pasos/inicio.md «Inicio \\u202e(web)»: su versión 2 fue publicada en el navegador; queda en el historial y puede restaurarse.',
      ]);
      const audit = await cli('audit', 'list', '--action', 'help.imported');
      expect(audit.out).toContain('help.imported');
    } finally {
      help.remove();
    }
  });

  it('imports the shipped help when no folder is given, a tenth at a time', async () => {
    const r = await cli('help', 'import');
    expect(r.code).toBe(0);
    // The folder of the test before had two articles the shipped help does not.
    expect(r.out).toMatch(/^Ayuda importada: \d+ nuevos, 1 actualizado, 0 sin cambios, 2 despublicados \(\d+ sistemas\)\.$/);
    const lines = r.err.split('\n');
    expect(lines.length).toBeLessThanOrEqual(11);
    expect(lines.at(-1)).toMatch(/^\[(\d+)\/\1\] /);
  });
});
