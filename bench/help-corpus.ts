// A synthetic help corpus for the search bench, the same for the same seed.
//
// The words are real Chilean Spanish: the vocabulary is read from the shipped
// help (content/help), with its accents, capitals (SII, F29, Previred) and
// inflections, plus generated variants of its content words (plurals, gender,
// verb forms, "re-" prefixes) so that the tail of the vocabulary is long, as
// in a large corpus. Words are drawn Zipf-like by rank (Zipf–Mandelbrot,
// s = 1), 70 % of them from the article's own system (whose words rank by
// their use in that system's shipped articles), so systems differ in topic.
//
// Articles: 6 systems × 3 categories (the shipped systems.json, and the
// shipped synonyms), titles of 3–7 words, a summary, 3–6 tags and a body of
// about 300 words in paragraphs under 2–4 `##` headings, sometimes a list.
// `toHelpTree` renders them with the project's renderer and hashes them as
// readHelpTree would, so importHelpTree takes them as if read from files.
import { fileURLToPath } from 'node:url';
import { articleSourceHash, type ArticleFields } from '../src/help/import/article-source-hash.ts';
import type { HelpTree, TreeArticle, TreeSystem } from '../src/help/import/help-tree.ts';
import { readHelpTree } from '../src/help/import/read-help-tree.ts';
import { renderArticle } from '../src/help/render-markdown.ts';
import { foldText } from '../src/help/search/fold-text.ts';
import { isStopWord } from '../src/help/search/spanish-stop-words.ts';

export const SHIPPED_HELP = fileURLToPath(new URL('../content/help/', import.meta.url));

// ---------------------------------------------------------------- randomness

/** sfc32, seeded from a string: small, fast and the same on every machine. */
export function rng(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next = () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
  let a = next();
  let b = next();
  let c = next();
  let d = next();
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Draws words by rank with weight 1 / (rank + 2.7): Zipf–Mandelbrot with s = 1. */
class ZipfList {
  private readonly cumulative: Float64Array;

  constructor(readonly words: string[]) {
    this.cumulative = new Float64Array(words.length);
    let sum = 0;
    for (let i = 0; i < words.length; i++) this.cumulative[i] = sum += 1 / (i + 1 + 2.7);
  }

  draw(r: () => number): string {
    const x = r() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo]!;
  }
}

// ---------------------------------------------------------------- vocabulary

const WORD_RE = /[\p{L}\p{N}]+/gu;
const isContent = (w: string) => /^\p{L}{3,}$/u.test(w) && !isStopWord(foldText(w));

interface Vocabulary {
  /** Every word, most used first (variants after the words they come from). */
  global: ZipfList;
  /** Per system: the words of its shipped articles, most used there first. */
  bySystem: Map<string, ZipfList>;
  /** Per system: content words only, for titles, headings and tags. */
  contentBySystem: Map<string, ZipfList>;
  /** Words that start the shipped titles ("Cómo", "Configurar", "Emitir"…). */
  titleStarts: string[];
  size: { real: number; variants: number };
}

/** Spanish-looking variants of a content word: plural, gender, verb forms, "re-". */
function variantsOf(w: string): string[] {
  const out: string[] = [];
  const verb = /^(.{3,})(ar|er|ir)$/.exec(w);
  if (verb) {
    const [, stem, end] = verb;
    if (end === 'ar') out.push(`${stem}amos`, `${stem}ado`, `${stem}ando`, `${stem}aron`, `${stem}ará`);
    else out.push(`${stem}imos`, `${stem}ido`, `${stem}iendo`, `${stem}ieron`, `${stem}${end === 'er' ? 'erá' : 'irá'}`);
    if (!w.startsWith('re')) out.push(`re${w}`);
    return out;
  }
  if (/[ct]ión$/.test(w) || /sión$/.test(w)) return [`${w.slice(0, -3)}iones`];
  if (/[aeiou]$/.test(w)) out.push(`${w}s`);
  if (/[lrnd]$/.test(w)) out.push(`${w}es`);
  if (/z$/.test(w)) out.push(`${w.slice(0, -1)}ces`);
  if (/o$/.test(w)) out.push(`${w.slice(0, -1)}a`, `${w.slice(0, -1)}as`);
  if (/a$/.test(w) && w.length > 5) out.push(`${w.slice(0, -1)}o`);
  if (/(ado|ido)$/.test(w)) out.push(`${w.slice(0, -1)}amente`.replace(/oamente$/, 'amente'));
  return out;
}

function buildVocabulary(shipped: HelpTree): Vocabulary {
  // Case: a word keeps its capitals when the shipped text never writes it in lower case (SII, Previred, F29).
  const lowerSeen = new Set<string>();
  const surface = new Map<string, string>();
  const global = new Map<string, number>();
  const bySystem = new Map<string, Map<string, number>>();
  const titleStarts = new Map<string, number>();
  for (const a of shipped.articles) {
    const counts = bySystem.get(a.system) ?? new Map<string, number>();
    bySystem.set(a.system, counts);
    const first = a.title.match(WORD_RE)?.[0];
    if (first) titleStarts.set(first, (titleStarts.get(first) ?? 0) + 1);
    for (const text of [a.title, a.summary, a.tags, a.text]) {
      for (const [w] of text.matchAll(WORD_RE)) {
        const lower = w.toLowerCase();
        if (w === lower) lowerSeen.add(lower);
        else if (!surface.has(lower) || w === w.toUpperCase()) surface.set(lower, w);
        global.set(lower, (global.get(lower) ?? 0) + 1);
        counts.set(lower, (counts.get(lower) ?? 0) + 1);
      }
    }
  }
  const shown = (lower: string) => (lowerSeen.has(lower) ? lower : (surface.get(lower) ?? lower));
  const byCount = (m: Map<string, number>) => [...m].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));

  // Variants rank after every real word, in the order of the words they come from.
  const real = byCount(global);
  const known = new Set(global.keys());
  const variants: string[] = [];
  for (const [w] of real) {
    if (!lowerSeen.has(w) || !isContent(w)) continue;
    for (const v of variantsOf(w)) {
      if (known.has(v)) continue;
      known.add(v);
      variants.push(v);
    }
  }
  const globalWords = [...real.map(([w]) => shown(w)), ...variants];
  const systems = new Map<string, ZipfList>();
  const content = new Map<string, ZipfList>();
  for (const [system, counts] of bySystem) {
    const words = byCount(counts).map(([w]) => shown(w));
    systems.set(system, new ZipfList(words));
    content.set(system, new ZipfList(words.filter(isContent)));
  }
  return {
    global: new ZipfList(globalWords),
    bySystem: systems,
    contentBySystem: content,
    titleStarts: byCount(titleStarts)
      .filter(([w]) => isContent(w) || /^(Cómo|Qué|Cuándo)$/.test(w))
      .map(([w]) => w),
    size: { real: real.length, variants: variants.length },
  };
}

// ---------------------------------------------------------------- articles

/** A generated article: the same fields a writer's file has. */
export type GeneratedArticle = ArticleFields;

export interface Corpus {
  seed: string;
  systems: TreeSystem[];
  synonyms: string[][] | null;
  articles: GeneratedArticle[];
  vocabulary: { real: number; variants: number };
}

const CONNECTORS = ['de', 'de', 'de', 'del', 'la', 'el', 'los', 'las', 'en', 'y', 'para', 'con', 'por', 'a'];

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function slugOf(title: string, n: number): string {
  const words = foldText(title)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w && !isStopWord(w))
    .slice(0, 6);
  return [...words, n.toString(36)].join('-');
}

class Writer {
  constructor(
    private readonly r: () => number,
    private readonly v: Vocabulary,
    private readonly system: string,
  ) {}

  /** A word of running text: mostly (70 %) from the system's own vocabulary, the rest from all of it. */
  word(): string {
    return this.r() < 0.7 ? this.v.bySystem.get(this.system)!.draw(this.r) : this.v.global.draw(this.r);
  }

  contentWord(): string {
    for (;;) {
      const w = this.r() < 0.8 ? this.v.contentBySystem.get(this.system)!.draw(this.r) : this.v.global.draw(this.r);
      if (isContent(w)) return w;
    }
  }

  /** Content words joined by connectors, as titles and headings read: "Cierre mensual de la contabilidad". */
  phrase(words: number, start?: string): string {
    const out: string[] = start ? [start] : [];
    while (out.length < words) {
      if (out.length > 0 && out.length < words - 1 && this.r() < 0.35) out.push(pick(this.r, CONNECTORS));
      out.push(this.contentWord());
    }
    return capitalise(out.slice(0, words).join(' '));
  }

  sentence(words: number): string {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(this.word());
    // A comma now and then, as running text has.
    if (words > 10) out[int(this.r, 3, words - 4)] += ',';
    return `${capitalise(out.join(' '))}.`;
  }
}

/** `count` articles, spread evenly over the shipped systems and their categories. */
export function generateCorpus(count: number, seed = 'mi-portal-help-bench'): Corpus {
  const shipped = readHelpTree(SHIPPED_HELP);
  const v = buildVocabulary(shipped);
  const r = rng(`${seed}/${count}`);
  const categories = shipped.systems.flatMap((s) => s.categories.map((c) => ({ system: s.slug, category: c.slug })));
  const articles: GeneratedArticle[] = [];
  for (let i = 0; i < count; i++) {
    const { system, category } = categories[i % categories.length]!;
    const w = new Writer(r, v, system);
    const titleWords = int(r, 3, 7);
    const title = r() < 0.4 ? w.phrase(titleWords, pick(r, v.titleStarts)) : w.phrase(titleWords);
    const target = int(r, 250, 350);
    const blocks: string[] = [];
    let words = 0;
    const paragraph = () => {
      const sentences: string[] = [];
      for (let s = int(r, 2, 4); s > 0; s--) {
        const n = int(r, 7, 18);
        sentences.push(w.sentence(n));
        words += n;
      }
      blocks.push(sentences.join(' '));
    };
    paragraph();
    const headings = int(r, 2, 4);
    for (let h = 0; h < headings && words < target; h++) {
      const n = int(r, 2, 5);
      blocks.push(`## ${w.phrase(n)}`);
      words += n;
      const share = (target - words) / (headings - h);
      const until = words + share;
      if (r() < 0.3) {
        const items = int(r, 3, 5);
        const list: string[] = [];
        for (let k = 1; k <= items; k++) {
          const n = int(r, 4, 10);
          list.push(`${k}. ${w.sentence(n)}`);
          words += n;
        }
        blocks.push(list.join('\n'));
      }
      while (words < until) paragraph();
    }
    const tags = new Set<string>();
    for (let t = int(r, 3, 6); t > 0; t--) tags.add((r() < 0.6 ? w.contentWord() : `${w.contentWord()} ${w.contentWord()}`).toLowerCase());
    articles.push({
      system,
      category,
      slug: slugOf(title, i),
      title,
      summary: w.sentence(int(r, 10, 20)),
      order: Math.floor(i / categories.length),
      tags: [...tags].join(', '),
      body: `${blocks.join('\n\n')}\n`,
    });
  }
  return { seed, systems: shipped.systems, synonyms: shipped.synonyms, articles, vocabulary: v.size };
}

/** The corpus as readHelpTree would have read it from files: rendered and hashed. */
export function toHelpTree(corpus: Corpus): HelpTree {
  const articles: TreeArticle[] = corpus.articles.map((a) => {
    const { html, toc, text, headings } = renderArticle(a.body, { system: a.system, slug: a.slug, firstLine: 10 });
    const article = { path: `${a.system}/${a.category}/${a.slug}.md`, ...a, html, toc, text, headings, assets: [] };
    return { ...article, sourceHash: articleSourceHash(article) };
  });
  return { systems: corpus.systems, synonyms: corpus.synonyms, articles };
}

// ---------------------------------------------------------------- queries

export interface BenchQuery {
  text: string;
  kind: 'title' | 'body' | 'common' | 'rare' | 'typo';
}

const stripAccents = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
const plural = (w: string) => (w !== w.toLowerCase() ? w : /[aeiouáéó]$/.test(w) ? `${w}s` : /[lrnd]$/.test(w) ? `${w}es` : w);

/**
 * `count` queries of 1–3 words as people type them: words of a title
 * (selective), words near each other in a body, common words (that match
 * much of the corpus), rare words, and a few with a typo; some without
 * accents, in capitals or in the plural, some with a stop word in front.
 */
export function buildQuerySet(corpus: Corpus, count = 200, seed = 'mi-portal-help-queries'): BenchQuery[] {
  const r = rng(`${seed}/${corpus.articles.length}`);
  const contentOf = (text: string) => [...text.matchAll(WORD_RE)].map((m) => m[0]).filter(isContent);
  // Word frequencies of the corpus: common words are the most used content words, rare ones used at least twice.
  const freq = new Map<string, number>();
  const sample = corpus.articles.length > 5000 ? corpus.articles.filter((_, i) => i % Math.ceil(corpus.articles.length / 5000) === 0) : corpus.articles;
  for (const a of sample) for (const w of contentOf(`${a.title} ${a.body}`)) freq.set(w.toLowerCase(), (freq.get(w.toLowerCase()) ?? 0) + 1);
  const ranked = [...freq].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([w]) => w);
  const common = ranked.slice(0, 60);
  const rare = ranked.filter((w) => (freq.get(w) ?? 0) >= 2).slice(-400);
  const out: BenchQuery[] = [];
  const seen = new Set<string>();
  while (out.length < count) {
    const x = r();
    const kind: BenchQuery['kind'] = x < 0.3 ? 'title' : x < 0.55 ? 'body' : x < 0.8 ? 'common' : x < 0.95 ? 'rare' : 'typo';
    const n = int(r, 1, 3);
    let words: string[];
    if (kind === 'title' || kind === 'typo') {
      const t = contentOf(pick(r, corpus.articles).title);
      const from = int(r, 0, Math.max(0, t.length - n));
      words = t.slice(from, from + n);
    } else if (kind === 'body') {
      const b = contentOf(pick(r, corpus.articles).body);
      const from = int(r, 0, Math.max(0, b.length - 8));
      words = [...new Set(b.slice(from, from + 8))].sort(() => r() - 0.5).slice(0, Math.max(2, n));
    } else if (kind === 'common') {
      words = Array.from({ length: Math.min(n, 2) }, () => pick(r, common));
    } else {
      words = Array.from({ length: Math.min(n, 2) }, () => pick(r, rare));
    }
    words = words.map((w) => (w === w.toUpperCase() ? w : w.toLowerCase()));
    if (words.length === 0) continue;
    if (kind === 'typo') {
      const i = words.findIndex((w) => w.length >= 6);
      if (i < 0) continue;
      const w = words[i]!;
      const at = int(r, 1, w.length - 2);
      words[i] = r() < 0.5 ? w.slice(0, at) + w.slice(at + 1) : w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2);
    }
    if (r() < 0.15) words = words.map((w, i) => (i === words.length - 1 ? plural(w) : w));
    if (r() < 0.15) words.unshift(pick(r, ['cómo', 'como', 'qué es', 'la', 'el', 'de']));
    let text = words.join(' ');
    const y = r();
    if (y < 0.25) text = stripAccents(text);
    else if (y < 0.35) text = text.toUpperCase();
    else if (y < 0.45) text = capitalise(text);
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({ text, kind });
  }
  return out;
}

// `tsx bench/help-corpus.ts [N]`: print a sample, to eyeball what the bench searches.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const n = Number(process.argv[2] ?? 50);
  const t0 = performance.now();
  const corpus = generateCorpus(n);
  const t1 = performance.now();
  const tree = toHelpTree(corpus);
  const t2 = performance.now();
  const words = corpus.articles.reduce((s, a) => s + (a.body.match(WORD_RE)?.length ?? 0), 0);
  process.stdout.write(`${n} articles, vocabulary ${corpus.vocabulary.real} words + ${corpus.vocabulary.variants} variants, ${Math.round(words / n)} body words each; generated in ${Math.round(t1 - t0)} ms, rendered in ${Math.round(t2 - t1)} ms\n\n`);
  const a = corpus.articles[Math.min(7, n - 1)]!;
  process.stdout.write(`${a.system}/${a.category}/${a.slug}\ntitle: ${a.title}\nsummary: ${a.summary}\ntags: ${a.tags}\n\n${a.body}\n`);
  process.stdout.write(`headings: ${JSON.stringify(tree.articles[Math.min(7, n - 1)]!.headings)}\n\n`);
  process.stdout.write(`${buildQuerySet(corpus, 40).map((q) => `${q.kind.padEnd(6)} ${q.text}`).join('\n')}\n`);
}
