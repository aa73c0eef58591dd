import { visibleEscapes } from '../domain/plain-text.ts';

/**
 * A plain-text table for the terminal: columns padded to their widest cell.
 * Cells are stored text, some of it typed before control and bidi
 * characters were refused: each is shown with those as visible escapes
 * (`\x1b`, `\u202e`, a line break as `\x0a`), so a cell is one line and
 * cannot drive the terminal.
 */
export function table(headers: string[], rows: Array<Array<string | number | null>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '—' : visibleEscapes(String(c)))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
