import { escapeHtml } from '../../html/escape-html.ts';
import { foldText } from './fold-text.ts';
import { forEachWord, tokenize, type Token } from './tokenize.ts';

/** Text as HTML with the matching words wrapped in <mark>. */
export function highlight(text: string, matches: (folded: string) => boolean): string {
  return markRange(text, tokenize(text), 0, text.length, matches);
}

function markRange(text: string, tokens: Token[], from: number, to: number, matches: (folded: string) => boolean): string {
  let out = '';
  let at = from;
  for (const t of tokens) {
    if (t.start < from || t.end > to) continue;
    if (!matches(t.folded)) continue;
    out += `${escapeHtml(text.slice(at, t.start))}<mark>${escapeHtml(text.slice(t.start, t.end))}</mark>`;
    at = t.end;
  }
  return out + escapeHtml(text.slice(at, to));
}

const WINDOW_WORDS = 28;
const WORD_CHAR = /[\p{L}\p{N}]/u;
/** Long articles: look for the best passage in the first part only; the title and headings rank the rest. */
const MAX_SCAN_CHARS = 20_000;

/**
 * Written word → its folded form when it matches, '' when it does not, per
 * matcher: a search builds one matcher and asks it about the words of up to
 * ten bodies, most of them the same words; the matcher (a set, the
 * vocabulary, sometimes the stemmer) and folding run once per distinct word.
 */
const verdicts = new WeakMap<(folded: string) => boolean, Map<string, string>>();

function verdictsOf(matches: (folded: string) => boolean): Map<string, string> {
  let v = verdicts.get(matches);
  if (!v) verdicts.set(matches, (v = new Map()));
  return v;
}

/**
 * The passage of an article that best shows why it matched: the window of
 * words holding the most different query words (then the most matches),
 * highlighted. Falls back to the summary when the body has none.
 */
export function snippet(bodyText: string, summary: string, matches: (folded: string) => boolean): string {
  const text = bodyText.length > MAX_SCAN_CHARS ? bodyText.slice(0, MAX_SCAN_CHARS) : bodyText;
  // Word bounds and, for matching words only, the folded word: no token objects for the thousands that do not match.
  const starts: number[] = [];
  const ends: number[] = [];
  const hit: Array<string | null> = [];
  const known = verdictsOf(matches);
  forEachWord(text, (start, end) => {
    const raw = text.slice(start, end);
    let v = known.get(raw);
    if (v === undefined) {
      const folded = foldText(raw);
      v = matches(folded) ? folded : '';
      known.set(raw, v);
    }
    starts.push(start);
    ends.push(end);
    hit.push(v === '' ? null : v);
  });
  const length = hit.length;
  let best = -1;
  let bestScore = 0;
  const inWindow = new Map<string, number>();
  let count = 0;
  for (let i = 0; i < length; i++) {
    const h = hit[i];
    if (h) {
      inWindow.set(h, (inWindow.get(h) ?? 0) + 1);
      count++;
    }
    const drop = i - WINDOW_WORDS;
    if (drop >= 0) {
      const d = hit[drop];
      if (d) {
        const n = inWindow.get(d)! - 1;
        if (n === 0) inWindow.delete(d);
        else inWindow.set(d, n);
        count--;
      }
    }
    const score = inWindow.size * 1000 + count;
    if (count > 0 && score > bestScore) {
      bestScore = score;
      best = Math.max(0, i - WINDOW_WORDS + 1);
    }
  }
  if (best < 0) return summary ? highlight(summary, matches) : escapeHtml(text.slice(0, 180));
  // The best window ends on a match (it is found as its last word comes in), so
  // a lone match would close it after 27 words of lead-in. Start a few words
  // before its first match instead, so it reads as a phrase, unless that would
  // push its last match out of the window.
  let first = best;
  while (first < length && !hit[first]) first++;
  let last = Math.min(length - 1, best + WINDOW_WORDS - 1);
  while (last > first && !hit[last]) last--;
  const startToken = Math.max(0, first - 4, last - WINDOW_WORDS + 1);
  const endToken = Math.min(length - 1, startToken + WINDOW_WORDS - 1);
  const from = lineStartWithin(text, starts[startToken]!);
  let to = ends[endToken]!;
  // Only punctuation left ("Ventas."): show it rather than an ellipsis for it.
  const more = WORD_CHAR.test(bodyText.slice(to));
  if (!more) to += text.slice(to).trimEnd().length;
  let body = '';
  let at = from;
  for (let i = startToken; i <= endToken; i++) {
    if (!hit[i]) continue;
    body += `${escapeHtml(text.slice(at, starts[i]))}<mark>${escapeHtml(text.slice(starts[i], ends[i]))}</mark>`;
    at = ends[i]!;
  }
  body = (body + escapeHtml(text.slice(at, to))).replace(/\s*\n\s*/g, ' · ');
  return `${WORD_CHAR.test(text.slice(0, from)) ? '… ' : ''}${body}${more ? ' …' : ''}`;
}

/** Back up to the start of the line if it is close: snippets read better from a sentence's start. */
function lineStartWithin(text: string, at: number): number {
  // The first line starts at 0, not after a newline.
  const lineStart = text.lastIndexOf('\n', at) + 1;
  return at - lineStart <= 40 ? lineStart : at;
}
