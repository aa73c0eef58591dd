import { z } from 'zod';

/**
 * Plain text: what a person types in a field (a name, an e-mail, a plan, a
 * comment, a search) and what a help author writes in a title or a tag.
 *
 * Some code points are not text but instructions to whatever shows the text
 * later: ESC and BEL drive a terminal (`portal user list` could retitle the
 * operator's window or clear the screen), CR LF ends a mail header, a bidi
 * override (U+202E) reverses the rest of a table cell or a subject line, and
 * invisible characters make two different names look the same. Nobody types
 * them into a name or a sentence, so every free-text field refuses them with
 * one rule (here), and every place that prints stored text to a terminal
 * shows them as visible escapes (`visibleEscapes`), for rows stored before
 * the rule existed.
 *
 * Refused everywhere:
 * - C0 controls U+0000–U+001F and DEL U+007F (a multi-line field keeps line
 *   breaks and tabs; CR LF and a lone CR become LF first);
 * - C1 controls U+0080–U+009F (U+009B is a one-byte CSI for some terminals);
 * - bidi controls: U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069;
 * - U+2028 and U+2029 (line and paragraph separators; a multi-line field
 *   turns them into line breaks);
 * - invisible characters with no use in a name or a sentence: U+180E,
 *   U+200B (zero-width space), U+2060–U+2064, U+206A–U+206F, U+FEFF,
 *   U+FFF9–U+FFFB;
 * - every other default-ignorable code point (Unicode's list of what renders
 *   as nothing: the soft hyphen, U+034F, Hangul fillers U+115F/U+1160/U+3164/
 *   U+FFA0, U+17B4/U+17B5, U+1D173–U+1D17A, the tag characters…) and the blank
 *   Braille pattern U+2800: a name made of them looks empty, or like someone
 *   else's name with something hidden in it;
 * - lone surrogates and the non-characters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF).
 *
 * Allowed where they do their job, refused anywhere else
 * (findRefusedCharacter looks at the neighbours):
 * - the joiners U+200C and U+200D between two visible characters (Persian
 *   and Indic words, emoji sequences such as 👨‍👩‍👧);
 * - variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF, Mongolian
 *   U+180B–U+180D, U+180F) right after a visible character (❤️, a kanji's
 *   registered variant);
 * - tag characters U+E0020–U+E007F only inside a flag that starts with 🏴.
 *
 * Kept on purpose: accents, ñ, any script, emoji, no-break spaces.
 */

export type TextShape = 'line' | 'lines';

const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;

type Contextual = 'joiner' | 'selector' | 'tag';

/** The default-ignorable code points that are text where they stand next to the right neighbours. */
function contextual(cp: number): Contextual | null {
  if (cp === 0x200c || cp === 0x200d) return 'joiner';
  if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef) || (cp >= 0x180b && cp <= 0x180d) || cp === 0x180f) return 'selector';
  if (cp >= 0xe0020 && cp <= 0xe007f) return 'tag';
  return null;
}

function isNoncharacter(cp: number): boolean {
  return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe;
}

function isIgnorable(cp: number): boolean {
  return DEFAULT_IGNORABLE.test(String.fromCodePoint(cp));
}

function refusedInAnyField(cp: number): boolean {
  if (cp === 0x2800 || isNoncharacter(cp)) return true;
  if (cp > 0x1f && cp < 0x7f) return false;
  if (isIgnorable(cp) && contextual(cp) === null) return true;
  return (
    cp <= 0x1f ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x061c ||
    cp === 0x180e ||
    cp === 0x200b ||
    cp === 0x200e ||
    cp === 0x200f ||
    (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x2069) ||
    (cp >= 0x206a && cp <= 0x206f) ||
    cp === 0xfeff ||
    (cp >= 0xfff9 && cp <= 0xfffb) ||
    cp === 0xfffe ||
    cp === 0xffff ||
    (cp >= 0xd800 && cp <= 0xdfff)
  );
}

/** Whether `cp` may appear in a field of this shape (after line breaks are normalised). */
function isAllowedCodePoint(cp: number, shape: TextShape = 'line'): boolean {
  if (shape === 'lines' && (cp === 0x0a || cp === 0x09)) return true;
  return !refusedInAnyField(cp);
}

export interface RefusedCharacter {
  codePoint: number;
  /** 1-based, in code points: where a writer finds it in their line. */
  column: number;
}

/** The first code point of `s` a field of this shape refuses, or null when `s` is plain text. */
export function findRefusedCharacter(s: string, shape: TextShape = 'line'): RefusedCharacter | null {
  const cps = Array.from(s, (ch) => ch.codePointAt(0)!);
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i]!;
    if (!isAllowedCodePoint(cp, shape) || !inPlace(cps, i)) return { codePoint: cp, column: i + 1 };
  }
  return null;
}

/** A joiner, a selector or a tag character stands where it does its job (see the list above); anything else always does. */
function inPlace(cps: number[], i: number): boolean {
  const kind = contextual(cps[i]!);
  if (kind === null) return true;
  const prev = cps[i - 1];
  const next = cps[i + 1];
  // Not refused and not contextual is not ignorable either: refusedInAnyField refuses every other ignorable.
  const visible = (cp: number | undefined) => cp !== undefined && !refusedInAnyField(cp) && contextual(cp) === null && !/\s/u.test(String.fromCodePoint(cp));
  if (kind === 'joiner') return visible(prev) && (visible(next) || (next !== undefined && contextual(next) === 'selector'));
  if (kind === 'selector') return visible(prev);
  // A flag's tags: 🏴 then tag characters, ended by U+E007F CANCEL TAG.
  let j = i - 1;
  while (j >= 0 && cps[j]! >= 0xe0020 && cps[j]! <= 0xe007e) j--;
  return j >= 0 && cps[j] === 0x1f3f4 && (cps[i] !== 0xe007f || j < i - 1);
}

export function isPlainText(s: string, shape: TextShape = 'line'): boolean {
  return findRefusedCharacter(s, shape) === null;
}

/** CR LF, a lone CR and the Unicode line and paragraph separators become LF: what a textarea means by them. */
export function normalizeLineBreaks(s: string): string {
  return s.replace(/\r\n?|[\u2028\u2029]/g, '\n');
}

/** "U+202E": how a code point is named in a message. */
function codePointName(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The message for a field that holds a refused character; `subject` names
 * the field as the sentence starts ("El nombre", "La razón social").
 */
export function refusedCharactersMessage(subject: string): string {
  return `${subject} contiene caracteres no permitidos (caracteres de control o de dirección del texto).`;
}

/**
 * The same message with which character it is and, when it means something
 * to the reader, where: for a writer fixing a file,
 * `"title" contiene caracteres no permitidos (…): U+202E en la columna 12.`
 */
export function refusedCharacterAt(subject: string, bad: { codePoint: number; column?: number }): string {
  const where = bad.column === undefined ? '' : ` en la columna ${bad.column}`;
  return `${refusedCharactersMessage(subject).replace(/\.$/, '')}: ${codePointName(bad.codePoint)}${where}.`;
}

/**
 * One line of plain text as a zod schema: trimmed, and refused with the
 * Spanish message when it holds a refused character. Chain the field's own
 * rules after it (`.min()`, `.max()`, `.toLowerCase()`), so this message
 * comes first.
 */
export function plainLine(subject: string) {
  return z
    .string()
    .trim()
    .refine((s) => isPlainText(s, 'line'), { message: refusedCharactersMessage(subject) });
}

/**
 * Several lines of plain text (a comment): line breaks normalised to LF,
 * trimmed, tabs and line breaks allowed, everything else as plainLine.
 */
export function plainLines(subject: string) {
  return z
    .string()
    .overwrite(normalizeLineBreaks)
    .trim()
    .refine((s) => isPlainText(s, 'lines'), { message: refusedCharactersMessage(subject) });
}

/**
 * `s` with every refused character taken out, for text that is answered
 * rather than refused (a search box) or that must be safe whatever is
 * stored (a mail). Controls and separators become a space (they stood
 * between words); bidi and invisible characters go (they stood inside one).
 */
export function withoutRefusedCharacters(s: string): string {
  // A joiner kept because of a neighbour that goes is out of place in turn: again until nothing changes.
  for (let pass = 0; ; pass++) {
    const out = stripOnce(s);
    if (out === s || pass >= 8) return out;
    s = out;
  }
}

function stripOnce(s: string): string {
  const cps = Array.from(s, (ch) => ch.codePointAt(0)!);
  let out = '';
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i]!;
    if (isAllowedCodePoint(cp, 'line') && inPlace(cps, i)) out += String.fromCodePoint(cp);
    else if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029) out += ' ';
  }
  return out;
}

/**
 * One line whatever `s` holds: a mail's subject, its To, a name in its
 * greeting. No CR or LF can end a header or start a line of its own.
 */
export function oneLine(s: string): string {
  for (let pass = 0; ; pass++) {
    const out = withoutRefusedCharacters(s).replace(/\s+/g, ' ').trim();
    if (out === s || pass >= 8) return out;
    s = out;
  }
}

/** `\x1b`, `\u202e`, `\u{e0001}`: a code point written so that a terminal shows it instead of obeying it. */
function escapeCodePoint(cp: number): string {
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\u{${cp.toString(16)}}`;
}

/**
 * Text for a terminal: every code point a field would refuse (and tab) is
 * shown as a visible escape, so a value stored before the rule cannot move
 * the cursor, retitle the window or reverse a line. With `keepLineBreaks`
 * a LF stays a line break (whole command output); without, it is shown as
 * `\x0a` too (one table cell is one line).
 */
export function visibleEscapes(s: string, opts: { keepLineBreaks?: boolean } = {}): string {
  const cps = Array.from(s, (ch) => ch.codePointAt(0)!);
  let out = '';
  // UTF-16 offsets: the first unit not yet copied, and where cps[at] starts.
  let start = 0;
  let i = 0;
  for (let at = 0; at < cps.length; at++) {
    const cp = cps[at]!;
    const units = cp > 0xffff ? 2 : 1;
    if ((!isAllowedCodePoint(cp, 'line') || !inPlace(cps, at)) && !(opts.keepLineBreaks && cp === 0x0a)) {
      out += s.slice(start, i) + escapeCodePoint(cp);
      start = i + units;
    }
    i += units;
  }
  return start === 0 ? s : out + s.slice(start);
}
