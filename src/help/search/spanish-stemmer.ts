/**
 * Spanish stemmer after the Snowball Spanish algorithm, for ACCENT-FOLDED input.
 *
 * The index and the queries are folded before stemming (users type "liquidacion"
 * as often as "liquidación"), so every suffix here is written without accents.
 * Folding merges suffixes that Snowball keeps apart by their accent, and a few of
 * those merges would cut ordinary words. Where that happens this stemmer leaves
 * out the accented-only suffix, choosing agreement between singular and plural
 * and between masculine and feminine over agreement with Snowball on a rarer
 * verb form. What is left out, and the words it protects:
 *
 *   - "ió" (preterite) folds to "io": "servicio" would lose "io" while
 *     "servicios" keeps "i", so singular and plural would not meet.
 *   - the "ía" family ("ía", "ías", "ían", "íamos", "íais", "aría", "arías") folds
 *     to "ia"...: "tributaria" would part from "tributario", "cambian" and
 *     "cambiamos" from "cambiar".
 *   - "ís" folds to "is": "análisis", "crisis" would be cut.
 *   - "erá", "erás", "erán", "irá", "irás", "irán": "primera" would part from
 *     "primero", "genera" from "generar", "retiran" from "retirar".
 *   - "aré", "eré", "iré": the subjunctive "declare" would part from "declarar".
 *   - residual "í" folds to "i": after step 2b has taken "as" from "copias" it
 *     would also take the "i", parting it from "copia".
 *
 * So the future of -er/-ir verbs ("deberá") and the -er/-ir preterite and
 * imperfect ("emitió", "emitía") no longer meet the infinitive.
 *
 * Two changes do not come from folding, both so that related forms meet:
 *   - the subjunctive "-iera" family is left out, as Snowball's "iera" parts
 *     "financiera" from "financiero" (and "requiera" from "requiere");
 *   - after taking the plural "es" from a word ending in a consonant, step 2b
 *     runs once more, so "lugares", "cantidades", "haberes" and "intereses" lose
 *     what "lugar", "cantidad", "haber" and "interes" lose. The tú subjunctive
 *     "declares" is then cut to "decl", a form help text does not use.
 */

type Region = 'RV' | 'R1' | 'R2';

interface Regions {
  rv: number;
  r1: number;
  r2: number;
}

function isVowel(c: number): boolean {
  // a e i o u: ü and the accented vowels are already folded into these.
  return c === 97 || c === 101 || c === 105 || c === 111 || c === 117;
}

function isVowelAt(w: string, i: number): boolean {
  return isVowel(w.charCodeAt(i));
}

/** Index just past the first vowel at or after `from`, or -1. */
function pastVowel(w: string, from: number): number {
  for (let i = from; i < w.length; i++) if (isVowelAt(w, i)) return i + 1;
  return -1;
}

/** Index just past the first non-vowel at or after `from`, or -1. */
function pastConsonant(w: string, from: number): number {
  for (let i = from; i < w.length; i++) if (!isVowelAt(w, i)) return i + 1;
  return -1;
}

function markRegions(w: string): Regions {
  const n = w.length;
  let rv = n;
  if (n >= 2) {
    const v0 = isVowelAt(w, 0);
    const v1 = isVowelAt(w, 1);
    let p = -1;
    if (v0 && !v1) p = pastVowel(w, 2);
    else if (v0 && v1) p = pastConsonant(w, 2);
    else if (!v0 && !v1) p = pastVowel(w, 2);
    else p = n >= 3 ? 3 : -1;
    if (p >= 0) rv = p;
  }
  // R1: after the first non-vowel that follows a vowel; R2: the same again inside R1.
  let r1 = n;
  let r2 = n;
  let p = pastVowel(w, 0);
  if (p >= 0) p = pastConsonant(w, p);
  if (p >= 0) {
    r1 = p;
    p = pastVowel(w, p);
    if (p >= 0) p = pastConsonant(w, p);
    if (p >= 0) r2 = p;
  }
  return { rv, r1, r2 };
}

/** Longest suffix of `w` among `list` (sorted longest first), or undefined. */
function longestSuffix(w: string, list: readonly string[], minStart = 0): string | undefined {
  for (const s of list) {
    if (s.length <= w.length - minStart && w.endsWith(s)) return s;
  }
  return undefined;
}

function byLengthDesc(list: readonly string[]): readonly string[] {
  return [...list].sort((a, b) => b.length - a.length);
}

function inRegion(start: number, region: Region, r: Regions): boolean {
  return start >= (region === 'RV' ? r.rv : region === 'R1' ? r.r1 : r.r2);
}

// ---- Step 0: attached pronouns ("emitirla", "enviándoselo") ----

const PRONOUNS = byLengthDesc(['me', 'se', 'sela', 'selo', 'selas', 'selos', 'la', 'le', 'lo', 'las', 'les', 'los', 'nos']);
const PRONOUN_HOSTS = byLengthDesc(['iendo', 'ando', 'ar', 'er', 'ir', 'yendo']);

function attachedPronoun(w: string, r: Regions): string {
  const pronoun = longestSuffix(w, PRONOUNS);
  if (pronoun === undefined) return w;
  const base = w.slice(0, w.length - pronoun.length);
  const host = longestSuffix(base, PRONOUN_HOSTS);
  if (host === undefined) return w;
  const hostStart = base.length - host.length;
  if (!inRegion(hostStart, 'RV', r)) return w;
  if (host === 'yendo' && base.charCodeAt(hostStart - 1) !== 117 /* u */) return w;
  return base;
}

// ---- Step 1: standard suffixes ----

type Step1Rule =
  | { kind: 'delete' }
  | { kind: 'deleteThenIc' }
  | { kind: 'replace'; with: string }
  | { kind: 'amente' }
  | { kind: 'mente' }
  | { kind: 'idad' }
  | { kind: 'iv' };

const STEP1_GROUPS: ReadonlyArray<readonly [readonly string[], Step1Rule]> = [
  [
    [
      'anza', 'anzas', 'ico', 'ica', 'icos', 'icas', 'ismo', 'ismos', 'able', 'ables', 'ible', 'ibles',
      'ista', 'istas', 'oso', 'osa', 'osos', 'osas', 'amiento', 'amientos', 'imiento', 'imientos',
    ],
    { kind: 'delete' },
  ],
  [
    ['adora', 'ador', 'acion', 'adoras', 'adores', 'aciones', 'ante', 'antes', 'ancia', 'ancias'],
    { kind: 'deleteThenIc' },
  ],
  [['logia', 'logias'], { kind: 'replace', with: 'log' }],
  [['ucion', 'uciones'], { kind: 'replace', with: 'u' }],
  [['encia', 'encias'], { kind: 'replace', with: 'ente' }],
  [['amente'], { kind: 'amente' }],
  [['mente'], { kind: 'mente' }],
  [['idad', 'idades'], { kind: 'idad' }],
  [['iva', 'ivo', 'ivas', 'ivos'], { kind: 'iv' }],
];

const STEP1_RULES = new Map<string, Step1Rule>(STEP1_GROUPS.flatMap(([suffixes, rule]) => suffixes.map((s) => [s, rule] as const)));
const STEP1_SUFFIXES = byLengthDesc([...STEP1_RULES.keys()]);

/** Removes `tail` from the end of `w` when it is there and starts inside `region`. */
function dropIf(w: string, tail: string, region: Region, r: Regions): string {
  return w.endsWith(tail) && inRegion(w.length - tail.length, region, r) ? w.slice(0, w.length - tail.length) : w;
}

/**
 * Words that only end like the agent suffix "-ante" ("solicitante" is one who
 * solicita): cutting them would merge them with an unrelated verb —
 * "importante" (in almost every article's callout) with "importar", "restante"
 * with "restar", "bastante" with "bastar".
 */
const NOT_AGENT_ANTE = new Set(
  ['importante', 'bastante', 'constante', 'estante', 'instante', 'restante', 'semejante', 'elegante', 'gigante', 'interesante', 'relevante'].flatMap((w) => [w, `${w}s`]),
);

/** The new word, or undefined when step 1 removed nothing. */
function standardSuffix(w: string, r: Regions): string | undefined {
  const suffix = longestSuffix(w, STEP1_SUFFIXES);
  if (suffix === undefined) return undefined;
  if ((suffix === 'ante' || suffix === 'antes') && NOT_AGENT_ANTE.has(w)) return undefined;
  const rule = STEP1_RULES.get(suffix)!;
  const start = w.length - suffix.length;
  const region = rule.kind === 'amente' ? 'R1' : 'R2';
  if (!inRegion(start, region, r)) return undefined;
  let out = w.slice(0, start);
  switch (rule.kind) {
    case 'delete':
      return out;
    case 'deleteThenIc':
      return dropIf(out, 'ic', 'R2', r);
    case 'replace':
      return out + rule.with;
    case 'amente': {
      // "operativamente" -> "oper": iv, and "at" before it, go too when in R2.
      for (const tail of ['iv', 'os', 'ic', 'ad']) {
        if (!out.endsWith(tail)) continue;
        if (!inRegion(out.length - 2, 'R2', r)) break;
        out = out.slice(0, -2);
        if (tail === 'iv') out = dropIf(out, 'at', 'R2', r);
        break;
      }
      return out;
    }
    case 'mente':
      for (const tail of ['ante', 'able', 'ible']) {
        if (out.endsWith(tail)) return dropIf(out, tail, 'R2', r);
      }
      return out;
    case 'idad':
      for (const tail of ['abil', 'ic', 'iv']) {
        if (out.endsWith(tail)) return dropIf(out, tail, 'R2', r);
      }
      return out;
    case 'iv':
      return dropIf(out, 'at', 'R2', r);
  }
}

// ---- Step 2a: verb suffixes beginning with "y" after "u" ("construyen") ----

const Y_SUFFIXES = byLengthDesc(['ya', 'ye', 'yan', 'yen', 'yeron', 'yendo', 'yo', 'yas', 'yes', 'yais', 'yamos']);

function yVerbSuffix(w: string, r: Regions): string | undefined {
  // Snowball limits the search to RV, so a shorter suffix inside RV may win.
  const suffix = longestSuffix(w, Y_SUFFIXES, r.rv);
  if (suffix === undefined) return undefined;
  const start = w.length - suffix.length;
  if (w.charCodeAt(start - 1) !== 117 /* u */) return undefined;
  return w.slice(0, start);
}

// ---- Step 2b: other verb suffixes ----

const GU_SUFFIXES = new Set(['en', 'es', 'eis', 'emos']);
const VERB_SUFFIXES = byLengthDesc([
  ...GU_SUFFIXES,
  // Infinitive, present, participles, gerund.
  'ar', 'er', 'ir', 'ad', 'ed', 'id', 'an', 'as', 'ais', 'amos', 'imos',
  'ado', 'ido', 'ados', 'idos', 'ada', 'ida', 'adas', 'idas', 'ando', 'iendo',
  // Imperfect of -ar verbs; that of -er/-ir verbs is the "ía" family (see the header).
  'aba', 'abas', 'abamos', 'abais', 'aban',
  // Preterite.
  'aste', 'iste', 'asteis', 'isteis', 'aron', 'ieron',
  // Future and conditional that survive folding ("ará", "arán", "arás" are
  // spelt like the subjunctive "ara", "aran", "aras" below).
  'aremos', 'eremos', 'iremos', 'areis', 'ereis', 'ireis',
  'arian', 'ariais', 'ariamos',
  'erian', 'erias', 'eria', 'eriais', 'eriamos',
  'irian', 'irias', 'iria', 'iriais', 'iriamos',
  // Imperfect subjunctive; its "-iera" forms are left out (see the header).
  'ara', 'aras', 'aran', 'arais', 'aramos',
  'ase', 'ases', 'asen', 'aseis', 'asemos', 'iese', 'ieses', 'iesen', 'ieseis', 'iesemos',
]);

/** Participles, which are also nouns ("salida", "partida", "pasado"). */
const PARTICIPLES = new Set(['ado', 'ido', 'ados', 'idos', 'ada', 'ida', 'adas', 'idas']);
/**
 * A participle leaves at least this much: a root of three letters is too
 * short to tell words apart ("salida" would be "sal", the stem of "sala";
 * "comida" that of "coma").
 */
const PARTICIPLE_MIN_ROOT = 4;

function verbSuffix(w: string, r: Regions, again = true): string | undefined {
  let suffix = longestSuffix(w, VERB_SUFFIXES, r.rv);
  if (suffix !== undefined && PARTICIPLES.has(suffix) && w.length - suffix.length < PARTICIPLE_MIN_ROOT) {
    // The participle stays; a shorter ending ("as" of "salidas") may still go.
    const rest = suffix;
    suffix = longestSuffix(w, VERB_SUFFIXES.filter((x) => x.length < rest.length && !PARTICIPLES.has(x)), r.rv);
  }
  if (suffix === undefined) return undefined;
  const start = w.length - suffix.length;
  // "entreguen" -> "entreg": the "u" only kept the "g" hard before "e".
  if (GU_SUFFIXES.has(suffix) && w.charCodeAt(start - 1) === 117 && w.charCodeAt(start - 2) === 103) {
    return w.slice(0, start - 1);
  }
  const out = w.slice(0, start);
  // A plural in "es" after a consonant ("lugares", "cantidades", "haberes") would
  // otherwise keep the very ending its singular loses here ("lugar" -> "lug").
  if (again && suffix === 'es' && !isVowelAt(out, out.length - 1)) return verbSuffix(out, r, false) ?? out;
  return out;
}

// ---- Step 3: residual suffix ----

function residualSuffix(w: string, r: Regions): string {
  const n = w.length;
  if (w.endsWith('os')) return n - 2 >= r.rv ? w.slice(0, n - 2) : w;
  const last = w.charCodeAt(n - 1);
  if (last === 97 || last === 111) return n - 1 >= r.rv ? w.slice(0, n - 1) : w;
  if (last === 101) {
    if (n - 1 < r.rv) return w;
    // The "u" of "gue" only keeps the "g" hard before "e": "entregue" meets "entregar".
    if (w.charCodeAt(n - 2) === 117 && w.charCodeAt(n - 3) === 103 && n - 2 >= r.rv) return w.slice(0, n - 2);
    return w.slice(0, n - 1);
  }
  return w;
}

function hasDigit(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

function stem(word: string): string {
  if (word.length < 3 || hasDigit(word)) return word;
  // As in Snowball, regions are marked once on the whole word: the steps only
  // rewrite its end, so the positions stay meaningful.
  const r = markRegions(word);
  let w = attachedPronoun(word, r);
  w = standardSuffix(w, r) ?? yVerbSuffix(w, r) ?? verbSuffix(w, r) ?? w;
  return residualSuffix(w, r);
}

// Help text and queries reuse a small vocabulary millions of times; the bound
// keeps a stream of one-off tokens (codes, typos) from growing memory forever.
const MEMO_LIMIT = 50_000;
const memo = new Map<string, string>();

/**
 * Stem of an accent-folded, lower-case word (see `foldText`). Words shorter
 * than 3 characters and words with a digit ("f29", "dte33") come back unchanged.
 */
export function stemSpanish(folded: string): string {
  let out = memo.get(folded);
  if (out === undefined) {
    out = stem(folded);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(folded, out);
  }
  return out;
}
