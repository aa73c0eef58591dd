import { describe, expect, it } from 'vitest';
import { renderArticle } from './render-markdown.ts';

const at = { system: 'contabilidad', slug: 'cierre-mensual' };

describe('renderArticle', () => {
  it('renders links by slug as absolute article URLs, without the category', () => {
    const r = renderArticle('Vea [el F29](ppm-y-f29), [el balance](../otra/balance-general.md#totales) y [arriba](#pasos).', at);
    expect(r.html).toContain('<a href="/ayuda/contabilidad/ppm-y-f29">el F29</a>');
    expect(r.html).toContain('<a href="/ayuda/contabilidad/balance-general#totales">el balance</a>');
    expect(r.html).toContain('<a href="#pasos">arriba</a>');
    expect(r.links.map((l) => l.slug)).toEqual(['ppm-y-f29', 'balance-general']);
  });

  it('serves images and files under the article, lazily loaded, with encoded paths', () => {
    const r = renderArticle('![Pantalla](imagenes/cierre%20mes.png)\n\n[Plantilla](./archivos/plantilla.csv)', at);
    expect(r.html).toContain('<img src="/ayuda/contabilidad/cierre-mensual/adjuntos/imagenes/cierre%20mes.png" alt="Pantalla" loading="lazy">');
    expect(r.html).toContain('<a href="/ayuda/contabilidad/cierre-mensual/adjuntos/archivos/plantilla.csv">Plantilla</a>');
    expect(r.assets.map((a) => a.path)).toEqual(['imagenes/cierre mes.png', 'archivos/plantilla.csv']);
  });

  it('opens external links apart and leaves mail links alone', () => {
    const r = renderArticle('[SII](https://www.sii.cl) y [correo](mailto:ayuda@example.cl)', at);
    expect(r.html).toContain('<a href="https://www.sii.cl" rel="noopener noreferrer" target="_blank">SII</a>');
    expect(r.html).toContain('<a href="mailto:ayuda@example.cl">correo</a>');
    expect(r.links).toEqual([]);
    expect(r.assets).toEqual([]);
  });

  it('refuses javascript: and data: links and escapes raw HTML', () => {
    const r = renderArticle('[a](javascript:alert(1)) [b](data:text/html;base64,PHNjcmlwdD4=) ![c](data:image/png;base64,iVBORw0KGgo=) <script>x</script>', at);
    expect(r.html).not.toMatch(/(href|src)="\s*(javascript|data):/i);
    expect(r.html).not.toContain('<script>');
    expect(r.html).toContain('&lt;script&gt;');
  });

  it('gives h2 and h3 a table of contents with ids unique in the article', () => {
    const r = renderArticle('# Título\n\n## Paso a paso\n\n### 1. Datos **generales**\n\n## Paso a paso\n\n#### Detalle\n', at);
    expect(r.toc).toEqual([
      { level: 2, id: 'paso-a-paso', text: 'Paso a paso' },
      { level: 3, id: '1-datos-generales', text: '1. Datos generales' },
      { level: 2, id: 'paso-a-paso-2', text: 'Paso a paso' },
    ]);
    expect(r.headings).toEqual(['Título', 'Paso a paso', '1. Datos generales', 'Paso a paso', 'Detalle']);
    expect(r.html).toContain('<h2 id="paso-a-paso-2">Paso a paso</h2>');
    expect(r.html).toContain('<h4 id="detalle">Detalle</h4>');
  });

  it('wraps tables so they scroll on a phone', () => {
    expect(renderArticle('| a | b |\n|---|---|\n| 1 | 2 |\n', at).html).toMatch(/^<div class="table-scroll" tabindex="0"><table>/);
  });

  it('gives the plain text, one block per line, without Markdown or HTML', () => {
    const r = renderArticle('## Antes\n\nUn **texto** con `código` y [enlace](otro).\n\n- uno\n- *dos*\n\n| Col | B |\n|---|---|\n| x | y |\n\n> Cita\n', at);
    expect(r.text).toBe('Antes\nUn texto con código y enlace.\nuno\ndos\nCol\nB\nx\ny\nCita');
    expect(r.text).not.toMatch(/[#*`<>[\]]/);
  });

  it('counts lines in the whole file, front matter included', () => {
    const body = 'Primera línea [a](uno)\nsegunda [b](dos)\n\n| t |\n|---|\n| ![i](img/x.png) |\n\n- lista\n  [c](tres)\n';
    const r = renderArticle(body, { ...at, firstLine: 11 });
    expect(r.links).toEqual([
      { slug: 'uno', line: 11 },
      { slug: 'dos', line: 12 },
      { slug: 'tres', line: 19 },
    ]);
    expect(r.assets).toEqual([{ path: 'img/x.png', line: 16 }]);
  });
});
