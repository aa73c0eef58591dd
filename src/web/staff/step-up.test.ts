import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { location } from '../../../tests/client.ts';
import { auditRows } from '../../../tests/staff-auth-helpers.ts';
import { createTestStaff, staffClient, totpCode } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import type { AppEnv } from '../env.ts';
import { errorPage } from '../error-page.tsx';
import { csrfGuard } from '../middleware/csrf.ts';
import { requestContext } from '../middleware/request-context.ts';
import { securityHeaders } from '../middleware/security-headers.ts';
import { requireStaff } from './require-staff.ts';
import { staffSecondFactorRoutes } from './routes/staff-second-factor.tsx';
import { staffSessionLoader } from './staff-session-loader.ts';
import { STEP_UP_FIELD } from './step-up.tsx';

/**
 * Step-up on a sensitive action (staff:manage here), on a console built like
 * the real one with two stand-in routes: what they did is recorded, so the
 * test sees whether the action ran and with which fields.
 */
describe('step-up before a sensitive action', () => {
  let rt: TestRuntime;
  const done: Array<Record<string, string | string[]>> = [];
  beforeAll(async () => {
    const base = await createTestRuntime({ withHelp: false });
    const app = new Hono<AppEnv>();
    app.use('*', requestContext(base.deps));
    app.use('*', securityHeaders(false));
    const console = new Hono<AppEnv>()
      .use('*', csrfGuard('staff_csrf'))
      .use('*', staffSessionLoader)
      .route('/', staffSecondFactorRoutes)
      .get('/', requireStaff('console:view'), (c) => c.text('inicio'))
      .get('/prueba/exportar', requireStaff('audit:export'), (c) => c.text(`exportado ${c.req.query('desde') ?? ''}`))
      .post('/prueba/sensible', requireStaff('staff:manage'), (c) => {
        const form = c.get('form');
        done.push({ name: form.get('name') ?? '', tags: form.getAll('tag'), keys: [...form.keys()] });
        return c.redirect('/proveedor/prueba/hecho', 303);
      });
    app.route('/proveedor', console);
    app.onError((err, c) => (err instanceof AppError ? errorPage(c, err.status, err.message) : errorPage(c, 500, String(err))));
    rt = { ...base, app } as unknown as TestRuntime;
  });
  afterAll(async () => rt.close());

  const OLD = 11 * 60_000;

  it('runs at once when the second factor is fresh', async () => {
    const staff = await createTestStaff(rt.deps, 'admin');
    const client = await staffClient(rt, staff, { secondFactorAgoMs: 60_000 });
    const before = done.length;
    expect(location(await client.post('/proveedor/prueba/sensible', { name: 'Ana' }))).toBe('/proveedor/prueba/hecho');
    expect(done.length).toBe(before + 1);
  });

  it('asks for a fresh code on a form, carrying its fields, and completes it in one more submit', async () => {
    const staff = await createTestStaff(rt.deps, 'admin');
    const client = await staffClient(rt, staff, { secondFactorAgoMs: OLD });
    const before = done.length;
    const asked = await client.post('/proveedor/prueba/sensible', { name: 'Ana <b>"Soto"</b>', tag: 'x' });
    expect(asked.status).toBe(200);
    const html = await asked.text();
    expect(done.length).toBe(before);
    expect(html).toContain('action="/proveedor/prueba/sensible"');
    expect(html).toContain(`name="${STEP_UP_FIELD}"`);
    expect(html).toContain('name="name" value="Ana &lt;b&gt;&quot;Soto&quot;&lt;/b&gt;"');
    expect(html).not.toContain('<b>"Soto"');

    expect(html).toContain('name="tag" value="x"');
    // What the browser sends back: the hidden fields and the code.
    const fields = { name: 'Ana <b>"Soto"</b>', tag: 'x' };
    const wrong = await client.post('/proveedor/prueba/sensible', { ...fields, [STEP_UP_FIELD]: totpCode(staff.totpSecret!, rt.clock.now()) === '123456' ? '654321' : '123456' });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('no es correcto');
    expect(done.length).toBe(before);

    const ok = await client.post('/proveedor/prueba/sensible', { ...fields, [STEP_UP_FIELD]: totpCode(staff.totpSecret!, rt.clock.now()) });
    expect(location(ok)).toBe('/proveedor/prueba/hecho');
    expect(done.length).toBe(before + 1);
    const ran = done.at(-1)!;
    expect(ran.name).toBe('Ana <b>"Soto"</b>');
    expect(ran.tags).toEqual(['x']);
    expect(ran.keys).not.toContain(STEP_UP_FIELD);
    expect((await auditRows(rt, 'staff.step-up')).some((e) => e.actor_staff_id === staff.id)).toBe(true);
    // Fresh now: the next sensitive action runs without asking.
    expect(location(await client.post('/proveedor/prueba/sensible', { name: 'otra' }))).toBe('/proveedor/prueba/hecho');
    expect(done.length).toBe(before + 2);
  });

  it('refuses a replayed code at the step-up', async () => {
    const staff = await createTestStaff(rt.deps, 'admin');
    const client = await staffClient(rt, staff, { secondFactorAgoMs: OLD });
    const other = await staffClient(rt, staff, { secondFactorAgoMs: OLD });
    const code = totpCode(staff.totpSecret!, rt.clock.now());
    const before = done.length;
    expect((await client.post('/proveedor/prueba/sensible', { name: 'a', [STEP_UP_FIELD]: code })).status).toBe(303);
    expect((await other.post('/proveedor/prueba/sensible', { name: 'b', [STEP_UP_FIELD]: code })).status).toBe(422);
    expect(done.length).toBe(before + 1);
  });

  it('on a page (GET) goes to /proveedor/verificar and comes back with its query string', async () => {
    const staff = await createTestStaff(rt.deps, 'lectura');
    const client = await staffClient(rt, staff, { secondFactorAgoMs: OLD });
    const res = await client.get('/proveedor/prueba/exportar?desde=2026-01-01');
    expect(location(res)).toBe(`/proveedor/verificar?volver=${encodeURIComponent('/proveedor/prueba/exportar?desde=2026-01-01')}&motivo=confirmar`);
    const page = await client.get(location(res)!);
    expect(await page.text()).toContain('Confirme que es usted');
    const ok = await client.post(`/proveedor/verificar?volver=${encodeURIComponent('/proveedor/prueba/exportar?desde=2026-01-01')}`, { code: totpCode(staff.totpSecret!, rt.clock.now()) });
    expect(location(ok)).toBe('/proveedor/prueba/exportar?desde=2026-01-01');
    const exported = await client.get(location(ok)!);
    expect(await exported.text()).toBe('exportado 2026-01-01');
  });

  it('checks the role before asking for a code: a role without the action gets 403 and nothing runs', async () => {
    const staff = await createTestStaff(rt.deps, 'soporte');
    const client = await staffClient(rt, staff, { secondFactorAgoMs: OLD });
    const before = done.length;
    expect((await client.post('/proveedor/prueba/sensible', { name: 'x', [STEP_UP_FIELD]: totpCode(staff.totpSecret!, rt.clock.now()) })).status).toBe(403);
    expect(done.length).toBe(before);
  });
});
