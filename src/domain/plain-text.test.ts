import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findRefusedCharacter, isPlainText, oneLine, plainLine, plainLines, refusedCharacterAt, visibleEscapes, withoutRefusedCharacters } from './plain-text.ts';

const REFUSED_SAMPLES: Array<[string, number]> = [
  ['\u0000', 0x00], ['\u0007', 0x07], ['\t', 0x09], ['\n', 0x0a], ['\r', 0x0d], ['\u001b', 0x1b], ['\u007f', 0x7f],
  ['\u0085', 0x85], ['\u009b', 0x9b], ['\u061c', 0x61c], ['\u200b', 0x200b], ['\u200e', 0x200e], ['\u200f', 0x200f],
  ['\u2028', 0x2028], ['\u2029', 0x2029], ['\u202a', 0x202a], ['\u202e', 0x202e], ['\u2066', 0x2066], ['\u2069', 0x2069],
  ['\ufeff', 0xfeff], ['\ud800', 0xd800],
  // Found by an attack review: characters that render as nothing or as a blank.
  ['\u3164', 0x3164], ['\u2800', 0x2800], ['\u00ad', 0xad], ['\uffa0', 0xffa0], ['\u034f', 0x34f], ['\u17b4', 0x17b4],
  ['\u{1d173}', 0x1d173], ['\u{e0041}', 0xe0041], ['\ufdd0', 0xfdd0], ['\u115f', 0x115f],
];

// Names people really have, and what they put next to them.
const ACCEPTED = ['José Ñuñez Peña', 'María-José O’Higgins', 'Zoë Brontë', 'Ana 👩🏽‍💻 Soto', 'Familia 👨‍👩‍👧', '🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scott', 'محمد علي', '李小龍', 'Ｆｕｌｌ　Ｗｉｄｔｈ', 'Sra.\u00a0Pérez', 'Corazón ❤️', 'می\u200cخواهم', '葛\u{e0100}飾'];

describe('plain text', () => {
  it('refuses C0, DEL, C1, bidi controls, separators, invisible characters and lone surrogates in one line', () => {
    for (const [ch, cp] of REFUSED_SAMPLES) {
      expect(findRefusedCharacter(`ab${ch}c`), ch).toEqual({ codePoint: cp, column: 3 });
    }
  });

  it('refuses joiners, selectors and tag characters where they do nothing: a name that looks blank or like another', () => {
    for (const name of ['Daniela Mayorga\u3164', '\u200d\u200c', 'Ana\u{e0041}\u{e0042}', 'Ana \u200d', '\u200dAna', 'Ana\u{e007f}', '\ufe0fAna', 'Ana \ufe00']) {
      expect(isPlainText(name), JSON.stringify(name)).toBe(false);
    }
  });

  it('keeps accents, ñ, any script, emoji with their joiners, selectors and tags', () => {
    for (const name of ACCEPTED) expect(isPlainText(name), name).toBe(true);
  });

  it('lets a multi-line field keep tabs and line breaks, and nothing else', () => {
    expect(isPlainText('uno\n\tdos', 'lines')).toBe(true);
    expect(findRefusedCharacter('uno\r\ndos', 'lines')).toEqual({ codePoint: 0x0d, column: 4 });
    expect(findRefusedCharacter('uno\n\u202edos', 'lines')).toEqual({ codePoint: 0x202e, column: 5 });
  });

  it('gives zod schemas with the Spanish message naming the field, before the field’s own rules', () => {
    const name = plainLine('El nombre').min(1, 'Ingrese el nombre.');
    expect(name.safeParse('  Rosa Soto ').data).toBe('Rosa Soto');
    expect(name.safeParse('Rosa\u001b]0;x\u0007').error?.issues[0]?.message).toBe('El nombre contiene caracteres no permitidos (caracteres de control o de dirección del texto).');
    const comment = plainLines('El comentario');
    expect(comment.safeParse('uno\r\ndos\rtres\u2028cuatro').data).toBe('uno\ndos\ntres\ncuatro');
    expect(comment.safeParse('uno\u0000').error?.issues[0]?.message).toBe('El comentario contiene caracteres no permitidos (caracteres de control o de dirección del texto).');
  });

  it('names the code point and, when asked, its column', () => {
    expect(refusedCharacterAt('"title"', { codePoint: 0x202e, column: 12 })).toBe('"title" contiene caracteres no permitidos (caracteres de control o de dirección del texto): U+202E en la columna 12.');
    expect(refusedCharacterAt('"name"', { codePoint: 0x1b })).toBe('"name" contiene caracteres no permitidos (caracteres de control o de dirección del texto): U+001B.');
  });

  it('shows what a terminal would obey as visible escapes', () => {
    expect(visibleEscapes('Rosa\u001b]0;hola\u0007\u001b[2J')).toBe('Rosa\\x1b]0;hola\\x07\\x1b[2J');
    expect(visibleEscapes('a\u202eb\u0085c\r\nd')).toBe('a\\u202eb\\x85c\\x0d\\x0ad');
    expect(visibleEscapes('a\nb\u2028', { keepLineBreaks: true })).toBe('a\nb\\u2028');
    expect(visibleEscapes('\ud83d')).toBe('\\ud83d');
    for (const name of ACCEPTED) expect(visibleEscapes(name)).toBe(name);
  });

  it('escapes so that nothing refused is left, and escaping again changes nothing (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const shown = visibleEscapes(s);
        expect(isPlainText(shown)).toBe(true);
        expect(visibleEscapes(shown)).toBe(shown);
        const kept = visibleEscapes(s, { keepLineBreaks: true });
        expect(isPlainText(kept.replaceAll('\n', ''))).toBe(true);
      }),
    );
  });

  it('strips for a search box and a mail header instead of refusing (property: one plain line)', () => {
    expect(withoutRefusedCharacters('fac\u200btura\u0000electr\u202eónica')).toBe('factura electrónica');
    expect(oneLine('Rosa\r\nBcc: otro@x.cl')).toBe('Rosa Bcc: otro@x.cl');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const line = oneLine(s);
        expect(isPlainText(line)).toBe(true);
        expect(line).not.toMatch(/[\r\n]/);
      }),
    );
  });
});
