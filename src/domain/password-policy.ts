import { createRequire } from 'node:module';
import { ZxcvbnFactory, type MatchEstimated, type ZxcvbnResult } from '@zxcvbn-ts/core';
import { dottedRutBody } from './rut.ts';

type Common = typeof import('@zxcvbn-ts/language-common');
type English = typeof import('@zxcvbn-ts/language-en');
type Spanish = typeof import('@zxcvbn-ts/language-es-es');
/**
 * The dictionaries are loaded on the first check, not at import: the three
 * packages decompress their word lists as they load (about 55 MB of the
 * process's memory), and most processes (the server between password changes,
 * the CLI, most tests) never check a password. require() keeps the check
 * synchronous; a local require is left alone by the bundler (npm run build), so
 * the built server loads them from node_modules on first use too.
 */
const require = createRequire(import.meta.url);

/**
 * NIST SP 800-63B style policy: length and guessability matter, composition
 * rules do not. A password is refused when it is shorter than 10 or longer
 * than 128 characters, or when zxcvbn-ts estimates it can be guessed in fewer
 * than 10^9 tries (score 3 with a margin) with the common, English and Spanish
 * dictionaries, a few Chilean words, and what an attacker knows about the
 * account (its RUT, e-mail, company name, user name and the portal's brand).
 * See docs/decisions/0009-password-strength.md.
 */

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;
/** zxcvbn's score: 3 = at least 10^8 guesses… */
export const PASSWORD_MIN_SCORE = 3;
/**
 * …with a floor of 10^9 inside that band: zxcvbn gives any word + year + two
 * symbols ("Santiago2026!!", "Password2026!!") exactly 10^8.0, while the
 * weakest good candidate in the tests (a 10-letter two-word phrase) has 10^9.5
 * and a random 10-character string 10^10.
 */
export const PASSWORD_MIN_GUESSES_LOG10 = 9;
/**
 * zxcvbn's cost grows with length and, much faster, with the number of
 * characters that may be l33t substitutions (digits, @, !, |…): a 128-digit
 * password takes ~2.8 s with the library's defaults. Only this many leading
 * characters are estimated; a longer password is judged by its start, which is
 * where people put the guessable part. Worst case measured in decision 0009.
 */
export const PASSWORD_ESTIMATE_LENGTH = 64;
/** l33t variants tried per password (library default 100: 2.8 s for 128 digits). */
const L33T_MAX_SUBSTITUTIONS = 16;

export interface PasswordContext {
  rut?: string;
  email?: string;
  customerName?: string;
  userName?: string;
  brandWords?: string[];
}

/** 'personal': built from the account's context; 'common': guessable for any other reason. */
export type PasswordProblem = 'too-short' | 'too-long' | 'common' | 'personal';

/** What a guessable password is made of, in the order it appears. */
export type PasswordPart =
  | 'company-name'
  | 'user-name'
  | 'rut'
  | 'email'
  | 'brand'
  | 'common-password'
  | 'common-word'
  | 'name'
  | 'year'
  | 'date'
  | 'keyboard'
  | 'repeat'
  | 'sequence'
  | 'word-sequence'
  | 'digits'
  | 'few-characters';

export interface PasswordVerdict {
  problem: PasswordProblem;
  parts: PasswordPart[];
  l33t: boolean;
  /** zxcvbn's score, when it ran. */
  score?: number;
  /** The Spanish sentence shown under the field. */
  message: string;
}

export const PASSWORD_SUGGESTION =
  'Use una frase de tres o cuatro palabras que no tengan relación entre sí, por ejemplo «cóndor morado come sopaipillas».';

/** Generic messages, for callers that only have a problem code. */
export const PASSWORD_MESSAGES: Record<PasswordProblem, string> = {
  'too-short': `La nueva clave debe tener al menos ${PASSWORD_MIN_LENGTH} caracteres. ${PASSWORD_SUGGESTION}`,
  'too-long': `La nueva clave puede tener como máximo ${PASSWORD_MAX_LENGTH} caracteres.`,
  common: `Esa clave es fácil de adivinar: se parece a una clave muy usada. ${PASSWORD_SUGGESTION}`,
  personal: `Esa clave es fácil de adivinar: contiene datos de su cuenta (RUT, correo, nombre o empresa). ${PASSWORD_SUGGESTION}`,
};

// Words people in Chile build passwords from that the Spanish (Spain) and
// English lists rank low or lack. Order is rank: most used first.
const CHILEAN_PASSWORDS = [
  'contraseña', 'clave', 'teamo', 'bienvenido', 'bienvenida', 'administrador', 'admin', 'usuario', 'hola', 'colocolo',
  'laroja', 'amor', 'miamor', 'tequiero', 'secreto', 'acceso', 'claveacceso', 'micontraseña', 'miclave', 'temporal',
  'cambiar', 'nuevaclave', 'soporte', 'sistema', 'gerencia', 'clavesecreta', 'ingreso', 'entrar', 'holamundo', 'chilechile',
];
const CHILEAN_WORDS = [
  'chile', 'santiago', 'valparaiso', 'concepcion', 'temuco', 'antofagasta', 'rancagua', 'talca', 'arica', 'iquique',
  'serena', 'coquimbo', 'puertomontt', 'osorno', 'chillan', 'valdivia', 'calama', 'copiapo', 'maipu', 'providencia',
  'vitacura', 'nunoa', 'florida', 'puentealto', 'transtecnia', 'rut', 'sii', 'contabilidad', 'remuneraciones', 'factura',
  'boleta', 'empresa', 'pyme', 'cliente', 'proveedor', 'usuario', 'portal', 'colocolo', 'huachipato', 'udechile',
  'neruda', 'mistral', 'violeta', 'cueca', 'empanada', 'sopaipilla', 'completo', 'pisco', 'terremoto', 'cordillera',
  'cachai', 'weon', 'huevon', 'bacan', 'fome', 'pololo', 'polola', 'guagua', 'lolo', 'chilenito',
];

/** Without diacritics: "Contraseña" and "Contrasena" are the same word to an attacker. */
function withoutMarks(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
}

function plain(s: string): string {
  return withoutMarks(s).toLowerCase();
}

function plainList(words: readonly (string | number)[]): string[] {
  // First occurrence keeps its rank; "bateria" and "batería" become one entry.
  // Most entries are ASCII: skip the normalisation for them (a third of the set-up time).
  return [...new Set(words.map((w) => (typeof w === 'string' && /^[\x00-\x7f]*$/.test(w) ? w.toLowerCase() : plain(String(w)))))];
}

// zxcvbn looks every substring up in every dictionary, once per l33t variant:
// its cost is (length × longest word × number of dictionaries × variants). The
// twelve big lists are merged into three by kind, each word keeping its best
// rank's position, and of the word-sequence lists (for "unodostres") only
// numbers, days and months are kept: the 28 sequence lists cost 80% of the time
// and their words are in the common-word lists anyway.
const WORD_SEQUENCES = /^(cardinalNumbers|daysOfWeek|months)-/;
const SEQUENCE_LIST = /^(cardinalNumbers|ordinalNumbers|daysOfWeek|months|seasons|timePeriods|rainbowColors|directions|intermediateDirections|sizeProgression|militaryAlphabet|planets|zodiacSigns|chineseZodiac)-/;

function dictionaries(common: Common, en: English, es: Spanish): Record<string, string[]> {
  const sources: Record<string, readonly (string | number)[]> = {
    ...common.dictionary,
    ...en.dictionary,
    ...es.dictionary,
    'passwords-es-cl': CHILEAN_PASSWORDS,
    'commonWords-es-cl': CHILEAN_WORDS,
  };
  const merged = { passwords: new Map<string, number>(), names: new Map<string, number>(), words: new Map<string, number>() };
  const result: Record<string, string[]> = {};
  for (const [name, words] of Object.entries(sources)) {
    const list = plainList(words);
    if (SEQUENCE_LIST.test(name)) {
      if (WORD_SEQUENCES.test(name)) result[name] = list;
      continue;
    }
    const into = name.startsWith('passwords') ? merged.passwords : name.includes('names') ? merged.names : merged.words;
    list.forEach((w, i) => {
      const best = into.get(w);
      if (best === undefined || i < best) into.set(w, i);
    });
  }
  for (const [name, ranks] of Object.entries(merged)) {
    result[name] = [...ranks.entries()].sort((a, b) => a[1] - b[1]).map(([w]) => w);
  }
  return result;
}

let factory: ZxcvbnFactory | undefined;

/** Built once, on the first check (~0.4 s): the CLI and pages that never check a password do not pay for it. */
function zxcvbn(): ZxcvbnFactory {
  if (factory) return factory;
  const common = require('@zxcvbn-ts/language-common') as Common;
  const en = require('@zxcvbn-ts/language-en') as English;
  const es = require('@zxcvbn-ts/language-es-es') as Spanish;
  factory = new ZxcvbnFactory({
    dictionary: dictionaries(common, en, es),
    graphs: common.adjacencyGraphs,
    // Its own feedback in Spanish; the message shown is ours (Chile, "usted"), built from the match sequence.
    translations: es.translations,
    l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
    // A second guard: the prefix passed in is at most this many UTF-16 units.
    maxLength: PASSWORD_ESTIMATE_LENGTH * 2,
  });
  return factory;
}

type ContextKind = 'company-name' | 'user-name' | 'rut' | 'email' | 'brand';

/** The account's words, each tagged with where it came from so the message can say which. */
function contextWords(ctx: PasswordContext): Map<string, ContextKind> {
  const words = new Map<string, ContextKind>();
  const add = (kind: ContextKind, w: string | undefined) => {
    const p = plain(w ?? '').trim();
    if ([...p].length >= 3 && !words.has(p)) words.set(p, kind);
  };
  const phrase = (kind: ContextKind, text: string | undefined) => {
    if (!text) return;
    const parts = plain(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    add(kind, parts.join(''));
    for (const p of parts) add(kind, p);
  };
  if (ctx.rut) {
    const compact = ctx.rut.replace(/[.\s]/g, '');
    const [body, dv] = compact.split('-');
    add('rut', compact);
    if (body) {
      add('rut', body);
      add('rut', body + (dv ?? ''));
      add('rut', dottedRutBody(body));
      if (dv) add('rut', `${dottedRutBody(body)}-${dv}`);
    }
  }
  if (ctx.email) {
    const [local, domain] = ctx.email.split('@');
    phrase('email', local);
    add('email', local);
    for (const label of (domain ?? '').split('.').slice(0, -1)) phrase('email', label);
  }
  phrase('company-name', ctx.customerName);
  phrase('user-name', ctx.userName);
  for (const w of ctx.brandWords ?? []) phrase('brand', w);
  return words;
}

function partOf(m: MatchEstimated, context: Map<string, ContextKind>): PasswordPart | null {
  switch (m.pattern) {
    case 'dictionary': {
      const name = String(m.dictionaryName);
      if (name === 'userInputs') return context.get(String(m.matchedWord)) ?? 'common-word';
      if (name.startsWith('passwords')) return 'common-password';
      if (name.includes('names')) return 'name';
      return 'common-word';
    }
    case 'regex':
      return 'year';
    case 'date':
      return 'date';
    case 'spatial':
      return 'keyboard';
    case 'repeat':
      return 'repeat';
    case 'sequence':
      return 'sequence';
    case 'wordSequence':
      return 'word-sequence';
    case 'separator':
      return null;
    default: {
      const token = String(m.token);
      if (/^\p{N}+$/u.test(token)) return 'digits';
      return [...token].length <= 4 ? 'few-characters' : null;
    }
  }
}

const PERSONAL: ReadonlySet<PasswordPart> = new Set(['company-name', 'user-name', 'rut', 'email', 'brand']);

const NOUN: Record<PasswordPart, { text: string; feminine: boolean }> = {
  'company-name': { text: 'el nombre de su empresa', feminine: false },
  'user-name': { text: 'su nombre', feminine: false },
  rut: { text: 'su RUT', feminine: false },
  email: { text: 'su correo', feminine: false },
  brand: { text: 'el nombre del portal', feminine: false },
  'common-password': { text: 'una clave muy usada', feminine: true },
  'common-word': { text: 'una palabra común', feminine: true },
  name: { text: 'un nombre o apellido común', feminine: false },
  year: { text: 'un año', feminine: false },
  date: { text: 'una fecha', feminine: true },
  keyboard: { text: 'teclas vecinas del teclado (como «qwerty»)', feminine: true },
  repeat: { text: 'un trozo repetido', feminine: false },
  sequence: { text: 'una serie como «abcd» o «1234»', feminine: true },
  'word-sequence': { text: 'una serie conocida de palabras', feminine: true },
  digits: { text: 'unos números', feminine: false },
  'few-characters': { text: 'unos pocos caracteres', feminine: false },
};

function joinList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} y ${items.at(-1)}`;
}

/** "es una palabra común seguida de un año", "contiene el nombre de su empresa", … */
function describeParts(parts: PasswordPart[], wholeIsParts: boolean, l33t: boolean): string {
  const unique = [...new Set(parts)];
  const personal = unique.filter((p) => PERSONAL.has(p));
  let sentence: string;
  if (unique.length === 0) {
    sentence = 'se puede adivinar con pocos intentos.';
  } else if (wholeIsParts && unique.length <= 3) {
    const [first, ...rest] = unique.map((p) => NOUN[p]);
    sentence = `es ${parts.length === 1 && !PERSONAL.has(unique[0]!) ? 'solo ' : ''}${first!.text}`;
    if (rest.length > 0) sentence += ` ${first!.feminine ? 'seguida' : 'seguido'} de ${joinList(rest.map((n) => n.text))}`;
    sentence += '.';
  } else {
    sentence = `contiene ${joinList((personal.length > 0 ? personal : unique.slice(0, 3)).map((p) => NOUN[p].text))}.`;
  }
  if (l33t) sentence += ' Cambiar letras por números o símbolos (@ por a, 0 por o) no la hace más difícil de adivinar.';
  return sentence;
}

function verdictFromEstimate(result: ZxcvbnResult, context: Map<string, ContextKind>, truncated: boolean): PasswordVerdict {
  const sequence = result.sequence as MatchEstimated[];
  const parts: PasswordPart[] = [];
  let wholeIsParts = !truncated;
  let l33t = false;
  for (const m of sequence) {
    const part = partOf(m, context);
    if (part) parts.push(part);
    else if (m.pattern !== 'separator') wholeIsParts = false;
    if (m.pattern === 'dictionary' && m.l33t) l33t = true;
  }
  // The account's words inside a repeated part ("Transportes2026Transportes2026") are not in the sequence.
  const hidden = [...new Set(contextFound(result.password.toLowerCase(), context).map(([, kind]) => kind))].filter((k) => !parts.includes(k));
  if (hidden.length > 0) parts.unshift(...hidden);
  const message = describeParts(parts, wholeIsParts && hidden.length === 0, l33t);
  const personal = parts.some((p) => PERSONAL.has(p));
  return {
    problem: personal ? 'personal' : 'common',
    parts,
    l33t,
    score: result.score,
    message: `Esa clave es fácil de adivinar: ${message} ${PASSWORD_SUGGESTION}`,
  };
}

function strongEnough(result: ZxcvbnResult): boolean {
  return result.score >= PASSWORD_MIN_SCORE && result.guessesLog10 >= PASSWORD_MIN_GUESSES_LOG10;
}

/** The account's words found in the password, longest first so "mitranstecnia" goes before "transtecnia". */
function contextFound(lowered: string, context: Map<string, ContextKind>): [string, ContextKind][] {
  return [...context.entries()].filter(([w]) => [...w].length >= 4 && lowered.includes(w)).sort((a, b) => b[0].length - a[0].length);
}

/** The verdict on a new password, or null when it is acceptable. */
export function assessPassword(password: string, ctx: PasswordContext = {}): PasswordVerdict | null {
  const chars = [...password.normalize('NFC')];
  if (chars.length < PASSWORD_MIN_LENGTH) return { problem: 'too-short', parts: [], l33t: false, message: PASSWORD_MESSAGES['too-short'] };
  if (chars.length > PASSWORD_MAX_LENGTH) return { problem: 'too-long', parts: [], l33t: false, message: PASSWORD_MESSAGES['too-long'] };
  const truncated = chars.length > PASSWORD_ESTIMATE_LENGTH;
  const estimated = withoutMarks(chars.slice(0, PASSWORD_ESTIMATE_LENGTH).join(''));
  const context = contextWords(ctx);
  const inputs = [...context.keys()];
  const result = zxcvbn().check(estimated, inputs);
  if (!strongEnough(result)) return verdictFromEstimate(result, context, truncated);

  // zxcvbn estimates a repeated part without the account's words, so
  // "Transportes2026Transportes2026" would pass; and an attacker who targets
  // this account has those words for free. What is left without them must be
  // strong on its own.
  const lowered = estimated.toLowerCase();
  const found = contextFound(lowered, context);
  if (found.length === 0) return null;
  let rest = lowered;
  for (const [w] of found) rest = rest.split(w).join(' ');
  const restResult = zxcvbn().check(rest.trim(), inputs);
  if (strongEnough(restResult)) return null;
  const parts = [...new Set(found.sort((a, b) => lowered.indexOf(a[0]) - lowered.indexOf(b[0])).map(([, kind]) => kind))];
  return {
    problem: 'personal',
    parts,
    l33t: false,
    score: restResult.score,
    message: `Esa clave es fácil de adivinar: contiene ${joinList(parts.map((p) => NOUN[p].text))}, y sin eso lo que queda es muy corto o muy común. ${PASSWORD_SUGGESTION}`,
  };
}

export function checkPassword(password: string, ctx: PasswordContext = {}): PasswordProblem | null {
  return assessPassword(password, ctx)?.problem ?? null;
}
