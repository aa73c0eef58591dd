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
    const broken = folder({ 'sinonimos.txt': '# ok\nboleta, recibo\nnota de credito, nc\nfiniquito\n' }, '[\n  { "slug": "a", "name": "A",\n    "categories": {} \n  },\n  { "slug": "Mal Slug", "name": "B", "categories": [{ "slug": "c", "name": "C" }] }\n]\n');
    expect(problemsOf(broken)).toEqual([
      // Line 3 is a phrase and a word: a good group.
      expect.objectContaining({ path: 'sinonimos.txt', line: 4, message: expect.stringContaining('al menos dos sinónimos') }),
      expect.objectContaining({ path: 'systems.json', line: 2, message: expect.stringContaining('"categories" debe ser una lista') }),
      expect.objectContaining({ path: 'systems.json', line: 5, message: expect.stringContaining('"slug" debe usar minúsculas') }),
    ]);
    const notJson = folder({}, '[\n  { "slug": "a",\n    "name": "A" ]\n');
    expect(problemsOf(notJson)).toEqual([expect.objectContaining({ path: 'systems.json', line: 3, message: expect.stringContaining('No es un JSON válido') })]);
  });

  it('refuses control and bidi characters in titles, summaries, tags, the text, systems.json and sinonimos.txt, as path:line problems', () => {
    const refused = (what: string, cp: string, column?: number) =>
      `${what} contiene caracteres no permitidos (caracteres de control o de dirección del texto): ${cp}${column === undefined ? '' : ` en la columna ${column}`}.`;
    const systems = [
      { ...SYSTEMS[0]!, name: 'Conta\u202ebilidad' },
      { ...SYSTEMS[1]!, categories: [{ slug: 'bodegas', name: 'Bodegas\u001b[2J' }] },
    ];
    const dir = folder(
      {
        'sinonimos.txt': 'boleta, recibo\nfactura,\u200bfra\n',
        'contabilidad/cierre/titulo.md': cierre('titulo', 'Texto.\n', { title: 'Cierre\u001b]0;hola\u0007 mensual' }),
        'contabilidad/cierre/resumen.md': cierre('resumen', 'Texto.\n', { summary: 'Un resumen \u202eodinetnoc' }),
        'contabilidad/cierre/etiquetas.md': cierre('etiquetas', 'Texto.\n', { tags: 'cierre, \u0085mes' }),
        'contabilidad/cierre/retorno.md': cierre('retorno', 'Texto.\n', { title: 'Cierre\rmensual' }),
        'contabilidad/cierre/cuerpo.md': cierre('cuerpo', 'Primera línea.\n\tSangría con tabulador.\nSegunda \u2066línea.\n'),
        'contabilidad/cierre/bien.md': cierre('bien', 'Tildes, ñandú, emoji 👍🏽 y\u00a0espacios duros.\n', { title: 'Año contable 2026 — ñandú 📒' }),
      },
      systems,
    );
    const at = (path: string, line: number, message: string) => expect.objectContaining({ path, line, message });
    expect(problemsOf(dir)).toEqual([
      at('contabilidad/cierre/cuerpo.md', 13, refused('El texto', 'U+2066', 9)),
      at('contabilidad/cierre/etiquetas.md', 8, refused('"tags"', 'U+0085', 15)),
      at('contabilidad/cierre/resumen.md', 6, refused('"summary"', 'U+202E', 21)),
      at('contabilidad/cierre/retorno.md', 5, refused('"title"', 'U+000D', 14)),
      at('contabilidad/cierre/titulo.md', 5, refused('"title"', 'U+001B', 14)),
      at('sinonimos.txt', 2, refused('La línea', 'U+200B', 9)),
      at('systems.json', 3, `Sistema 1: ${refused('"name"', 'U+202E')}`),
      at('systems.json', 23, `Sistema 2, categoría 1: ${refused('"name"', 'U+001B')}`),
    ]);
  });
});
