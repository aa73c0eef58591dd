import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES } from '../../src/api/api-scopes.ts';
import { PROBLEM_CODES, problemAnchor } from '../../src/api/problem-codes.ts';
import { operationAnchor, operationsOf, type OpenApiDocumentShape } from '../../src/api/reference/openapi-shape.ts';
import { webhookAnchor } from '../../src/api/reference/webhooks-section.tsx';
import { startApiPortal, type ApiPortal } from '../api-client.ts';

/**
 * GET /api/v1/docs over real HTTP: public, HTML from the served document,
 * every operation, problem code and webhook event on it with the id links
 * point to, nothing loaded from another site, no script.
 */
let portal: ApiPortal;
let doc: OpenApiDocumentShape;
let html: string;
let res: Response;

beforeAll(async () => {
  portal = await startApiPortal({ withHelp: false });
  doc = portal.checker.doc as unknown as OpenApiDocumentShape;
  res = await fetch(`${portal.base}/api/v1/docs`);
  html = await res.text();
});
afterAll(() => portal.close());

const ids = (page: string) => new Set([...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));

describe('the API reference page', () => {
  it('is served without a token, as HTML in Spanish, under the portal\'s CSP', () => {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8$/i);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="es-CL">');
    expect(html).toContain('<h1>Mi Portal: API de aprovisionamiento</h1>');
  });

  it('loads nothing from another site and needs no script', () => {
    expect(html).not.toMatch(/<script/i);
    const urls = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    const external = urls.filter((u) => /^(https?:)?\/\//i.test(u) && !u.startsWith(portal.base));
    // Only links a person follows (terms, mail) may leave the site; nothing the page loads.
    const loaded = [...html.matchAll(/<(?:link|img|script)[^>]*\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(loaded.filter((u) => !u.startsWith('/'))).toEqual([]);
    expect(external.every((u) => !/\.(css|js)(\?|$)/.test(u))).toBe(true);
  });

  it('serves its own stylesheet from the portal', async () => {
    expect(html).toContain('href="/static/api-reference.css"');
    const css = await fetch(`${portal.base}/static/api-reference.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.api-operation');
  });

  it('has a section for every operation of the document, with its scope, and every link inside the page lands on an id', () => {
    const present = ids(html);
    const operations = operationsOf(doc);
    expect(operations.length).toBeGreaterThan(0);
    for (const o of operations) {
      const id = operationAnchor(o);
      expect(present.has(id), `${o.method} ${o.path}: no section #${id}`).toBe(true);
      const section = html.slice(html.indexOf(`id="${id}"`));
      const end = section.indexOf('</section>');
      expect(section.slice(0, end), `${o.method} ${o.path}: its scope`).toContain(`<code>${o.op['x-required-scope']}</code>`);
    }
    expect(new Set(operations.map(operationAnchor)).size, 'two operations share an id').toBe(operations.length);
    const targets = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
    expect(targets.filter((t) => !present.has(t))).toEqual([]);
  });

  it('explains every problem code at the id its `type` points to, and every scope', () => {
    const present = ids(html);
    for (const code of Object.keys(PROBLEM_CODES)) expect(present.has(problemAnchor(code)), code).toBe(true);
    for (const scope of API_SCOPES) expect(html).toContain(`<code>${scope}</code>`);
    for (const topic of ['Authorization: Bearer mpt_…', 'Idempotency-Key', 'If-Match', 'ETag', 'nextCursor', 'Retry-After', 'RateLimit-Remaining']) expect(html).toContain(topic);
    // The limits this portal runs with, from its configuration.
    const { perMinute, burst } = portal.rt.config.apiRateLimit;
    expect(html).toContain(`hasta ${perMinute} llamadas por minuto`);
    expect(html).toContain(`reserva de ${burst} cada 10 minutos`);
  });

  it('describes every webhook event of the document', () => {
    const present = ids(html);
    for (const event of Object.keys(doc.webhooks ?? {})) expect(present.has(webhookAnchor(event)), event).toBe(true);
  });

  it('answers HEAD like GET, without a body', async () => {
    const head = await fetch(`${portal.base}/api/v1/docs`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/html/i);
    expect(await head.text()).toBe('');
  });

  it('gives every table a caption and a header row, and keeps the heading levels in order', () => {
    const tables = html.split('<table').slice(1);
    expect(tables.length).toBeGreaterThanOrEqual(4);
    for (const t of tables) {
      expect(t.slice(0, 200)).toMatch(/^[^>]*><caption>/);
      expect(t).toContain('<th scope="col">');
    }
    const levels = [...html.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    levels.forEach((l, i) => {
      if (i > 0) expect(l - levels[i - 1]!, `h${levels[i - 1]} then h${l}`).toBeLessThanOrEqual(1);
    });
  });
});
