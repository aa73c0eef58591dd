import { Hono } from 'hono';
import { raw } from 'hono/html';
import { expect, it } from 'vitest';
import type { LoadedSession } from '../auth/session.ts';
import type { Brand } from '../config.ts';
import type { AppEnv } from './env.ts';
import { page, pageAround } from './render.tsx';

const brand: Brand = {
  name: 'Marca & <Uno>', vendor: 'Proveedor', tagline: 'Lema', logoUrl: '/static/logo.svg', primaryColor: '#123456', accentColor: '#654321',
  copyright: '© Proveedor', termsUrl: '/terminos', supportEmail: 'soporte@example.cl', supportPhone: '+56 2 2345 6789',
};

const session = (role: 'admin' | 'technical', name: string): LoadedSession =>
  ({
    id: 'x',
    expiresAt: '2030-01-01T00:00:00.000Z',
    user: { id: 'u1', customer_id: 'c1', role, name, email: 'ana@example.cl', must_change_password: 0 },
    customer: { id: 'c1', rut: '76086428-5', name: 'Cliente «Ñandú» & Cía' },
  }) as unknown as LoadedSession;

// pageAround (render.tsx) joins the layout's halves, encoded, with bytes prepared earlier: the page must be
// byte for byte what page() renders with the same parts as one body, for any reader, flash, status and title.
it('sends byte for byte what page() sends with the parts as its body', async () => {
  const parts = [Buffer.from('<article>Liquidación de «sueldo» — año</article>', 'utf8'), '<form>voto ñ & <b>x</b></form>', Buffer.from('<aside>Relacionados ✓</aside>', 'utf8')];
  const body = raw(parts.map((p) => p.toString()).join(''));
  let checked = 0;
  for (const who of [null, session('admin', 'Ana <Admin>'), session('technical', 'Técnico & Ñ')])
    for (const flash of [null, 'Gracias por su opinión: <b>nos</b> ayuda'])
      for (const status of [undefined, 422 as const])
        for (const title of ['Artículo · Remuneraciones', 'Título & <raro>']) {
          const app = new Hono<AppEnv>();
          app.use('*', async (c, next) => {
            c.set('deps', { config: { brand } } as never);
            c.set('session', who);
            c.set('csrfToken', 'T'.repeat(43));
            c.set('flash', flash);
            await next();
          });
          const opts = { title, current: 'ayuda' as const, ...(status ? { status } : {}) };
          app.get('/page', (c) => page(c, opts, body));
          app.get('/around', (c) => pageAround(c, opts, parts));
          const a = await app.request('/page');
          const b = await app.request('/around');
          expect(b.status).toBe(a.status);
          expect(b.headers.get('content-type')).toBe(a.headers.get('content-type'));
          expect(Buffer.from(await b.arrayBuffer()).equals(Buffer.from(await a.arrayBuffer()))).toBe(true);
          checked++;
        }
  expect(checked).toBe(24);
});
