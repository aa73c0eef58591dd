import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import MarkdownIt from 'markdown-it';

// The document's descriptions use inline Markdown (`code`, **bold**, links), as OpenAPI allows (CommonMark).
// No raw HTML: it is escaped, never passed through; markdown-it refuses javascript: links by itself.
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** A description from the OpenAPI document as inline HTML (no paragraph around it). */
export function inlineMarkdown(text: string | undefined): HtmlEscapedString | null {
  if (!text) return null;
  return raw(md.renderInline(text));
}
