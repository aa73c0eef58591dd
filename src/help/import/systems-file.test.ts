import { describe, expect, it } from 'vitest';
import { parseSystemsFile } from './systems-file.ts';

const file = (system: string, category: string) =>
  JSON.stringify([{ slug: system, name: 'Un sistema', description: '', categories: [{ slug: category, name: 'Una categoría' }] }], null, 2);

describe('parseSystemsFile', () => {
  it('refuses the system slugs the console refuses: /ayuda/buscar and the like are pages, a system there could never be opened', () => {
    for (const slug of ['buscar', 'sugerencias', 'novedades', 'resumen']) {
      const { systems, problems } = parseSystemsFile(file(slug, 'general'));
      expect(systems).toEqual([]);
      expect(problems).toEqual([{ line: 3, message: `Sistema 1: el slug "${slug}" es la dirección de una página del portal (/ayuda/${slug}): use otro.` }]);
    }
  });

  it('refuses the category slug of the console\'s new-category page', () => {
    const { systems, problems } = parseSystemsFile(file('ventas', 'nueva'));
    expect(systems).toEqual([]);
    expect(problems).toEqual([{ line: 8, message: 'Sistema 1, categoría 1: el slug "nueva" es una página de la consola: use otro.' }]);
  });

  it('takes an ordinary system and category', () => {
    const { systems, problems } = parseSystemsFile(file('ventas', 'general'));
    expect(problems).toEqual([]);
    expect(systems).toEqual([{ slug: 'ventas', name: 'Un sistema', description: '', categories: [{ slug: 'general', name: 'Una categoría' }] }]);
  });
});
