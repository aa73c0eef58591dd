import MarkdownIt from 'markdown-it';

/**
 * Help articles are Markdown written by vendor staff. Raw HTML is off (it is
 * escaped, not rendered) and markdown-it refuses javascript:/vbscript:/data:
 * links, so an article cannot inject script into the portal. Links to other
 * articles are written by slug ("cierre-mensual") and resolve relative to
 * the article's own URL, /ayuda/<sistema>/<slug>.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const href = String(tokens[idx]!.attrGet('href') ?? '');
  if (/^https?:\/\//i.test(href)) {
    tokens[idx]!.attrSet('rel', 'noopener noreferrer');
    tokens[idx]!.attrSet('target', '_blank');
  }
  return String(defaultLinkOpen(tokens, idx, options, env, self));
};

md.renderer.rules.table_open = () => '<div class="table-scroll"><table>\n';
md.renderer.rules.table_close = () => '</table></div>\n';

export function slugifyHeading(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Headings get ids, so a table of contents and #anchors can point at them. */
md.core.ruler.push('heading_ids', (state) => {
  const used = new Set<string>();
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.type !== 'heading_open') continue;
    const inline = tokens[i + 1];
    let id = slugifyHeading(inline?.content ?? '') || 'seccion';
    let n = 2;
    while (used.has(id)) id = `${id}-${n++}`;
    used.add(id);
    tokens[i]!.attrSet('id', id);
  }
});

export function renderMarkdown(source: string): string {
  return md.render(source);
}
