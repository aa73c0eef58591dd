import { html } from 'hono/html';

/**
 * The <head> as an escaped string, not JSX: hono/jsx renders <head> (and
 * <svg>) through a context provider that switches on AsyncLocalStorage, a
 * process-wide cost on every later promise (see render-to-string.ts).
 */
export function documentHead(title: string, iconUrl: string, scripts: readonly string[] = [], styles: readonly string[] = []) {
  return html`<head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>${title}</title><link rel="stylesheet" href="/static/styles.css" /><link rel="stylesheet" href="/static/brand.css" />${styles.map((href) => html`<link rel="stylesheet" href="/static/${href}" />`)}<link rel="icon" href="${iconUrl}" />${scripts.map((src) => html`<script src="/static/${src}" defer></script>`)}</head>`;
}
