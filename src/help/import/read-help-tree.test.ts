import { afterEach, describe, expect, it } from 'vitest';
import { article, PNG, SYSTEMS, writeHelpFolder } from '../../../tests/help-folder.ts';
import { createTestRuntime } from '../../../tests/test-runtime.ts';
import { MAX_ATTACHMENT_BYTES } from '../attachment-types.ts';
import { HelpTreeError, type HelpTreeProblem } from './help-tree-error.ts';
import { importHelpTree } from './import-help-tree.ts';
import { readHelpTree } from './read-help-tree.ts';

// Every line of the article() layout: 1 "---", 2 system, 3 category, 4 slug,
// 5 title, 6 summary, 7 order, 8 tags, 9 "---", 10 blank, 11 the body.

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

function folder(files: Record<string, string | Buffer>, systems?: unknown) {
  const f = writeHelpFolder(files, systems);
  cleanup.push(f.remove);
  return f.dir;
}

function problemsOf(dir: string): HelpTreeProblem[] {
  try {
    readHelpTree(dir);
  } catch (e) {
    if (e instanceof HelpTreeError) return e.problems;
    throw e;
  }
  throw new Error('expected a HelpTreeError');
}

const cierre = (slug: string, body: string, extra: Partial<Parameters<typeof article>[0]> = {}) =>
  article({ system: 'contabilidad', category: 'cierre', slug, title: `Artículo ${slug}`, ...extra }, body);

describe('readHelpTree', () => {
  it('reads systems, synonyms, articles and their files, with defaults from the path', () => {
    const dir = folder({
      'sinonimos.txt': '# comentario\nboleta, recibo\n\nf29, formulario29\n',
      'contabilidad/cierre/cierre-mensual.md': cierre('cierre-mensual', '## Pasos\n\nVea [el inicio](inicio).\n\n![Pantalla](imagenes/p.png)\n', { tags: 'cierre,  mes ,' }),
      'contabilidad/cierre/imagenes/p.png': PNG,
      'contabilidad/primeros-pasos/inicio.md': '---\ntitle: Inicio\n---\nHola.\n',
    });
    const tree = readHelpTree(dir);
    expect(tree.systems).toEqual(SYSTEMS);
    expect(tree.synonyms).toEqual([
      ['boleta', 'recibo'],
      ['f29', 'formulario29'],
    ]);
    expect(tree.articles.map((a) => [a.path, a.system, a.category, a.slug, a.order, a.tags])).toEqual([
      ['contabilidad/cierre/cierre-mensual.md', 'contabilidad', 'cierre', 'cierre-mensual', 1, 'cierre, mes'],
      ['contabilidad/primeros-pasos/inicio.md', 'contabilidad', 'primeros-pasos', 'inicio', 0, ''],
    ]);
    const [a] = tree.articles;
    expect(a!.assets).toEqual([expect.objectContaining({ path: 'imagenes/p.png', contentType: 'image/png', size: PNG.length })]);
    expect(a!.html).toContain('href="/ayuda/contabilidad/inicio"');
    expect(a!.html).toContain('src="/ayuda/contabilidad/cierre-mensual/adjuntos/imagenes/p.png"');
    expect(a!.toc).toEqual([{ level: 2, id: 'pasos', text: 'Pasos' }]);
    expect(tree.articles[1]!.body).toBe('Hola.\n');
  });

  it('lists every bad file with its path and line, and nothing is imported', async () => {
    const dir = folder({
      'contabilidad/cierre/bien.md': cierre('bien', 'Vea [una línea mala](mala-linea), que existe aunque esté rota.\n'),
      'contabilidad/cierre/mala-linea.md': '---\nsystem: contabilidad\ntitle: Mala\nesto no es clave valor\n---\nTexto.\n',
      'contabilidad/cierre/claves.md': '---\ntitle: Claves\ntitel: Con error de tipeo\norder: primero\n---\nTexto.\n',
      'contabilidad/cierre/sin-titulo.md': '---\nsummary: Sin título\n---\nTexto.\n',
      'ventas/general/factura.md': article({ system: 'ventas', category: 'general', slug: 'factura', title: 'Factura' }, 'Texto.\n'),
      'inventario/otra/ajuste.md': article({ system: 'inventario', category: 'otra', slug: 'ajuste', title: 'Ajuste' }, 'Texto.\n'),
      'contabilidad/cierre/doble.md': cierre('doble', 'Uno.\n'),
      'contabilidad/primeros-pasos/doble.md': cierre('doble', 'Dos.\n', { category: 'primeros-pasos' }),
      'contabilidad/cierre/archivos.md': cierre(
        'archivos',
        [
          'Primera línea.', // 11
          '', // 12
          '![No existe](imagenes/no-existe.png)', // 13
          '![Vector](imagenes/logo.svg)', // 14
          'Un [manual pesado](archivos/grande.pdf) y', // 15
          'un [enlace roto](no-existe).', // 16
          '', // 17
          '![Renombrada](imagenes/falsa.png)', // 18
          '![Fuera](../../../afuera.png)', // 19
          '![Hermana](../primeros-pasos/p.png)', // 20
          '',
        ].join('\n'),
      ),
      'contabilidad/cierre/imagenes/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      'contabilidad/cierre/archivos/grande.pdf': Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(MAX_ATTACHMENT_BYTES + 1 - 9)]),
      'contabilidad/cierre/imagenes/falsa.png': 'solo texto, no una imagen\n',
      'contabilidad/primeros-pasos/p.png': PNG,
    });
    const problems = problemsOf(dir);
    const at = (path: string, line: number, message: RegExp) => expect.objectContaining({ path, line, message: expect.stringMatching(message) });
    expect(problems).toEqual([
      at('contabilidad/cierre/archivos.md', 13, /No existe el archivo "imagenes\/no-existe.png"/),
      at('contabilidad/cierre/archivos.md', 14, /No se permite adjuntar "imagenes\/logo.svg"/),
      at('contabilidad/cierre/archivos.md', 15, /"archivos\/grande.pdf" pesa 5,0 MiB; el máximo es 5 MiB/),
      at('contabilidad/cierre/archivos.md', 16, /El enlace a "no-existe" no corresponde a ningún artículo del sistema "contabilidad"/),
      at('contabilidad/cierre/archivos.md', 18, /El contenido de "imagenes\/falsa.png" no corresponde a su extensión \(image\/png\)/),
      at('contabilidad/cierre/archivos.md', 19, /fuera de la carpeta de ayuda/),
      at('contabilidad/cierre/archivos.md', 20, /debe estar en la carpeta del artículo/),
      at('contabilidad/cierre/claves.md', 3, /Clave desconocida "titel"/),
      at('contabilidad/cierre/claves.md', 4, /"order" debe ser un número entero, no "primero"/),
      at('contabilidad/cierre/doble.md', 4, /El slug "doble" se repite en el sistema "contabilidad": también en contabilidad\/primeros-pasos\/doble.md/),
      at('contabilidad/cierre/mala-linea.md', 4, /Línea no válida en el encabezado: "esto no es clave valor"/),
      at('contabilidad/cierre/sin-titulo.md', 1, /Falta "title"/),
      at('contabilidad/primeros-pasos/doble.md', 4, /también en contabilidad\/cierre\/doble.md/),
      at('inventario/otra/ajuste.md', 3, /La categoría "otra" no existe en el sistema "inventario"/),
      at('ventas/general/factura.md', 2, /El sistema "ventas" no existe en systems.json/),
    ]);

    const rt = await createTestRuntime({ withHelp: false });
    try {
      const count = async () => {
        const n = async (t: 'systems' | 'help_articles' | 'help_attachments' | 'help_categories') =>
          Number((await rt.deps.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
        return [await n('systems'), await n('help_categories'), await n('help_articles'), await n('help_attachments')];
      };
      const before = await count();
      await expect(async () => importHelpTree(rt.deps.db, rt.deps.dialect, readHelpTree(dir), rt.clock.now())).rejects.toThrow(HelpTreeError);
      expect(await count()).toEqual(before);
    } finally {
      await rt.close();
    }
  });

  it('points at the line of a bad systems.json and of a bad synonym', () => {
    const broken = folder({ 'sinonimos.txt': '# ok\nboleta, recibo\nnota de credito, nc\nsolo\n' }, '[\n  { "slug": "a", "name": "A",\n    "categories": [] \n  },\n  { "slug": "Mal Slug", "name": "B", "categories": [{ "slug": "c", "name": "C" }] }\n]\n');
    expect(problemsOf(broken)).toEqual([
      expect.objectContaining({ path: 'sinonimos.txt', line: 3, message: expect.stringContaining('una sola palabra') }),
      expect.objectContaining({ path: 'sinonimos.txt', line: 4, message: expect.stringContaining('al menos dos palabras') }),
      expect.objectContaining({ path: 'systems.json', line: 2, message: expect.stringContaining('"categories" debe ser una lista') }),
      expect.objectContaining({ path: 'systems.json', line: 5, message: expect.stringContaining('"slug" debe usar minúsculas') }),
    ]);
    const notJson = folder({}, '[\n  { "slug": "a",\n    "name": "A" ]\n');
    expect(problemsOf(notJson)).toEqual([expect.objectContaining({ path: 'systems.json', line: 3, message: expect.stringContaining('No es un JSON válido') })]);
  });
});
