import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText } from './fold-text.ts';
import { highlight, snippet } from './snippet.ts';
import { stemSpanish } from './spanish-stemmer.ts';

/** A matcher for these words, compared by stem as the search does (it is given folded words). */
const matching =
  (...words: string[]) =>
  (folded: string) =>
    words.map((w) => stemSpanish(foldText(w))).includes(stemSpanish(folded));

/** The text a reader sees: marks taken out, entities decoded. */
const visible = (html: string) =>
  html
    .replace(/<\/?mark>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

const marked = (html: string) => [...html.matchAll(/<mark>([^<]*)<\/mark>/g)].map((m) => m[1]);

describe('highlight', () => {
  it('wraps the matching words in <mark>, whatever their case or accents', () => {
    expect(highlight('Emitir una Nota de Crédito', matching('credito', 'nota'))).toBe('Emitir una <mark>Nota</mark> de <mark>Crédito</mark>');
    expect(highlight('LIQUIDACIONES de sueldo', matching('liquidación'))).toBe('<mark>LIQUIDACIONES</mark> de sueldo');
  });

  it('escapes everything else', () => {
    expect(highlight(`Factura <b>"exenta"</b> & 'afecta'`, matching('factura'))).toBe(
      '<mark>Factura</mark> &lt;b&gt;&quot;exenta&quot;&lt;/b&gt; &amp; &#39;afecta&#39;',
    );
    expect(highlight('<script>alert(1)</script>', matching('alert'))).toBe('&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;');
  });

  it('gives back the text unchanged, escaped, when nothing matches', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const html = highlight(text, () => false);
        expect(html).not.toMatch(/<(?!\/?mark>)/);
        expect(visible(html)).toBe(text);
      }),
    );
  });
});

describe('snippet', () => {
  it('never lets markup through from the article text', () => {
    const body = 'Primer párrafo.\nPegue <script>alert("factura")</script> en la factura <img src=x onerror=alert(1)> y guarde.';
    const html = snippet(body, '', matching('factura'));
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
    expect(html.replace(/<\/?mark>/g, '')).not.toMatch(/</);
  });

  it('marks the query words and shows a passage around them', () => {
    const html = snippet('La factura electrónica se emite desde el menú Ventas.', 'Resumen', matching('factura'));
    expect(marked(html)).toEqual(['factura']);
    expect(visible(html)).toBe('La factura electrónica se emite desde el menú Ventas.');
  });

  it('chooses the window with the most different query words over one word repeated', () => {
    const filler = (n: number, w = 'texto') => Array.from({ length: n }, () => w).join(' ');
    const body = `${filler(5, 'factura')} ${filler(40)} Para anular una factura emita una nota de crédito. ${filler(40)}`;
    const html = snippet(body, '', matching('factura', 'nota', 'credito'));
    expect(new Set(marked(html))).toEqual(new Set(['factura', 'nota', 'crédito']));
    expect(html.startsWith('… ')).toBe(true);
    expect(html.endsWith(' …')).toBe(true);
  });

  it('prefers, among windows with the same words, the one with more matches', () => {
    const filler = Array.from({ length: 40 }, () => 'texto').join(' ');
    const body = `factura nota ${filler} factura nota factura nota ${filler}`;
    const html = snippet(body, '', matching('factura', 'nota'));
    expect(marked(html)).toHaveLength(4);
  });

  it('starts a few words before a lone match, not 27 words before it', () => {
    const words = Array.from({ length: 60 }, (_, i) => `palabra${i}`);
    words[30] = 'finiquito';
    const html = snippet(words.join(' '), '', matching('finiquito'));
    expect(visible(html)).toBe(`… ${words.slice(26, 54).join(' ')} …`);
  });

  it('backs up to the start of the line when it is close', () => {
    const body = `${Array.from({ length: 40 }, (_, i) => `linea${i}`).join(' ')}\nAl cierre del mes, revise el finiquito firmado.`;
    expect(visible(snippet(body, '', matching('finiquito')))).toBe('… Al cierre del mes, revise el finiquito firmado.');
  });

  it('keeps every match of the best window, even when they fill it', () => {
    const words = Array.from({ length: 60 }, (_, i) => `palabra${i}`);
    words[10] = 'factura';
    words[37] = 'nota';
    const html = snippet(words.join(' '), '', matching('factura', 'nota'));
    expect(marked(html)).toEqual(['factura', 'nota']);
  });

  it('says "…" only where words were left out, not for punctuation or spaces', () => {
    expect(snippet('(Factura.)\n\n', '', matching('factura'))).toBe('(<mark>Factura</mark>.)');
    const long = `${'palabra '.repeat(40)}factura final.`;
    expect(snippet(long, '', matching('factura')).endsWith('<mark>factura</mark> final.')).toBe(true);
    const cut = snippet(`${long} ${'sigue '.repeat(40)}`, '', matching('factura'));
    expect(cut).toContain('<mark>factura</mark> final. sigue');
    expect(cut.endsWith('sigue …')).toBe(true);
  });

  it('joins the lines of the passage with a dot', () => {
    const html = snippet('Ingrese al menú.\n\n  Emita la factura.', '', matching('factura'));
    expect(visible(html)).toBe('Ingrese al menú. · Emita la factura.');
  });

  it('falls back to the highlighted summary when the body has no query word', () => {
    const html = snippet('Nada que ver aquí.', 'Cómo emitir una <factura>', matching('factura'));
    expect(html).toBe('Cómo emitir una &lt;<mark>factura</mark>&gt;');
  });

  it('falls back to the start of the body, escaped, without summary', () => {
    const body = `<b>Inicio</b> ${'x'.repeat(300)}`;
    const html = snippet(body, '', matching('factura'));
    expect(html).toBe(`&lt;b&gt;Inicio&lt;/b&gt; ${'x'.repeat(180 - 14)}`);
  });

  it('looks for the passage in the first 20,000 characters only', () => {
    const body = `${'relleno '.repeat(3000)}factura`;
    expect(snippet(body, 'El resumen', matching('factura'))).toBe('El resumen');
  });

  it('only ever shows text of the article it was given', () => {
    const word = fc.constantFrom('factura', 'nota', 'crédito', 'boleta', 'y', 'la', '<b>', '&', '"', '\n', 'sueldo', 'emitir');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 120 }), fc.array(word, { maxLength: 12 }), (bodyWords, summaryWords) => {
        const body = bodyWords.join(' ');
        const summary = summaryWords.join(' ');
        const html = snippet(body, summary, matching('factura', 'credito'));
        expect(html.replace(/<\/?mark>/g, '')).not.toMatch(/</);
        const text = visible(html).replace(/^… /, '').replace(/ …$/, '');
        const pieces = text.split(' · ');
        const source = body.includes(pieces[0]!) ? body : summary;
        for (const p of pieces) expect(source).toContain(p);
      }),
    );
  });
});
