import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { Brand } from '../../../config.ts';
import { PROJECT_ROOT } from '../../../project-root.ts';
import type { AppEnv } from '../../env.ts';

const PUBLIC = new URL('public/', PROJECT_ROOT);

const FILES: Record<string, string> = {
  'styles.css': 'text/css; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'api-reference.css': 'text/css; charset=utf-8',
  'logo.svg': 'image/svg+xml',
  'help-search.js': 'text/javascript; charset=utf-8',
  'help-editor.js': 'text/javascript; charset=utf-8',
};

// Read once at start: a handful of small files, served from memory.
const contents = new Map(Object.keys(FILES).map((name) => [name, readFileSync(new URL(name, PUBLIC))]));

/** The brand's colours as CSS variables: configuration, not code, and no inline style (CSP). */
export function brandCss(b: Brand): string {
  return `:root{--brand:${b.primaryColor};--accent:${b.accentColor};}\n`;
}

export function staticRoutes(brand: Brand) {
  const brandStyles = brandCss(brand);
  return new Hono<AppEnv>()
    .get('/static/brand.css', (c) => {
      c.header('Cache-Control', 'public, max-age=300');
      return c.body(brandStyles, 200, { 'Content-Type': 'text/css; charset=utf-8' });
    })
    .get('/static/:file', (c) => {
      const name = c.req.param('file');
      const body = contents.get(name);
      if (!body) return c.notFound();
      c.header('Cache-Control', 'public, max-age=3600');
      return c.body(new Uint8Array(body), 200, { 'Content-Type': FILES[name]! });
    });
}
