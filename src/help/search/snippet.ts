import { escapeHtml } from '../../html/escape-html.ts';
import { tokenize, type Token } from './tokenize.ts';

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
 * The passage of an article that best shows why it matched: the window of
 * words holding the most different query words (then the most matches),
 * highlighted. Falls back to the summary when the body has none.
 */
export function snippet(bodyText: string, summary: string, matches: (folded: string) => boolean): string {
  const text = bodyText.length > MAX_SCAN_CHARS ? bodyText.slice(0, MAX_SCAN_CHARS) : bodyText;
  const tokens = tokenize(text);
  const hit = tokens.map((t) => (matches(t.folded) ? t.folded : null));
  let best = -1;
  let bestScore = 0;
  const inWindow = new Map<string, number>();
  let count = 0;
  for (let i = 0; i < tokens.length; i++) {
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
  while (first < tokens.length && !hit[first]) first++;
  let last = Math.min(tokens.length - 1, best + WINDOW_WORDS - 1);
  while (last > first && !hit[last]) last--;
  const startToken = Math.max(0, first - 4, last - WINDOW_WORDS + 1);
  const endToken = Math.min(tokens.length - 1, startToken + WINDOW_WORDS - 1);
  const from = lineStartWithin(text, tokens[startToken]!.start);
  let to = tokens[endToken]!.end;
  // Only punctuation left ("Ventas."): show it rather than an ellipsis for it.
  const more = WORD_CHAR.test(bodyText.slice(to));
  if (!more) to += text.slice(to).trimEnd().length;
  const body = markRange(text, tokens.slice(startToken, endToken + 1), from, to, matches).replace(/\s*\n\s*/g, ' · ');
  return `${WORD_CHAR.test(text.slice(0, from)) ? '… ' : ''}${body}${more ? ' …' : ''}`;
}

/** Back up to the start of the line if it is close: snippets read better from a sentence's start. */
function lineStartWithin(text: string, at: number): number {
  // The first line starts at 0, not after a newline.
  const lineStart = text.lastIndexOf('\n', at) + 1;
  return at - lineStart <= 40 ? lineStart : at;
}
