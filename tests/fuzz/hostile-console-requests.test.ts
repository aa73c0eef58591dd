import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TestClient } from '../client.ts';
import { createConsoleFixture, type ConsoleFixture } from '../console-fixture.ts';
import { createTestStaff, staffClient, type TestStaff } from '../staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../test-runtime.ts';
import { encodeSegment, prng, randomBytes, type Rng } from './hostile-inputs.ts';
import type { StaffRole } from '../../src/db/schema.ts';
import { formatRut, rutCheckDigit } from '../../src/domain/rut.ts';
import { IMPORT_BODY_LIMIT } from '../../src/imports/import-format.ts';
import { settleImports } from '../../src/imports/run-import.ts';
import { STEP_UP_ACTIONS, staffCan, type StaffAction } from '../../src/policies/staff-policy.ts';
import { createStaffSession } from '../../src/staff/staff-session.ts';

/**
 * The hostile-request fuzz of hostile-requests.test.ts, at the vendor's
 * console (/proveedor): every console route, with real ids and garbage, as a
 * visitor, a customer administrator, a half-open staff session (second
 * factor owed), each staff role, and an administrator whose second factor is
 * stale; hostile forms, multipart CSVs at /proveedor/importar (valid, broken,
 * binary, oversized) and multipart elsewhere (415). Besides no 5xx: a
 * principal the policy map does not allow changes no row, every staff audit
 * row is one its actor's role allows, every customer created has its audit
 * row and credentials mail, no session of a disabled staff member survives,
 * no import stays running, and no secret (a temporary password, a TOTP
 * secret) ever shows in an answer.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261208);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);

const NASTY = [
  '', ' ', 'a', '..', '../../etc/passwd', '%2e%2e%2f%2e%2e%2fetc', '%00', 'a%00b', '%ZZ', '%C3%28', '%E2%80%AE', '%1b%5d0%3bx%07', '\u202e', '\u0000', '\u200f\u2066x',
  '<script>alert(1)</script>', "' or 1=1 --", '"; drop table users; --', '${7*7}', '{{7*7}}', 'x'.repeat(5000), 'ñandú', '🦙', '\r\nSet-Cookie: x=1',
  '//evil.example', 'https://evil.example', 'javascript:alert(1)', '%0D%0ALocation:%20x', '-1', '0', '99999999999999999999', '1e309', 'NaN', 'null',
  'true', '[]', '{}', 'contabilidad', 'admin', 'soporte', 'lectura', 'editor', '2026-02-30', '2026-13-01', '31-12-2026', '0000-00-00', '76.543.210-3',
  '11.111.111-1', '11111111-K', 'ana@correo.cl', 'nuevo', 'plantilla.csv', '00000000-0000-0000-0000-000000000000', 'Plan Pyme', '{{secreto:clave:x}}',
];

const FIELDS = [
  'rut', 'name', 'adminName', 'adminEmail', 'email', 'role', 'system', 'plan', 'startsOn', 'endsOn', 'code', 'password', 'texto', 'q', 'cliente', 'vencen',
  'desde', 'hasta', 'accion', 'actor', 'volver', 'token', 'confirm', 'recoveryCode', 'estado', 'pagina', 'newPassword', 'repeatPassword', 'sistema', 'base',
];

type Who = 'anon' | 'customer' | 'half-open' | StaffRole | 'stale';
const WHO: readonly Who[] = ['anon', 'customer', 'half-open', 'admin', 'soporte', 'editor', 'lectura', 'stale'];

/** The action each console route performs, from its path (the same reading as route-role-matrix.test.ts's table). */
function routeAction(method: string, route: string): StaffAction | 'public' {
  const r = route.replace(/^\/proveedor/, '') || '/';
  if (r === '/') return 'console:view';
  if (/^\/(ingresar|invitacion|mfa\/configurar|verificar|salir)$/.test(r)) return 'public';
  // Before the customer preview's rule: an article's Vista previa is the help editor's.
  if (r === '/ayuda/articulos/nuevo') return 'help:write';
  if (r === '/ayuda/articulos/:id/vista-previa') return 'help:read';
  if (/^\/ayuda\/articulos\/:id\/(publicar|despublicar|restaurar)$/.test(r)) return 'help:publish';
  if (/^\/ayuda\/articulos\/:id\/(guardar|enviar|descartar)$/.test(r)) return 'help:write';
  if (/^\/ayuda\/articulos\/:id(\/historial|\/diferencias)?$/.test(r)) return 'help:read';
  if (r.includes('/vista-previa')) return 'preview:customer';
  if (r.startsWith('/ayuda/articulos/:id/archivos')) return method === 'GET' ? 'help:read' : 'help:write';
  if (r === '/ayuda' || r === '/ayuda/enlaces-rotos') return 'help:read';
  if (r === '/ayuda/sistemas/nuevo' || r.startsWith('/ayuda/sistemas/:slug/categorias/')) return 'help:write';
  if (r.startsWith('/ayuda/sistemas/')) return method === 'GET' ? 'help:read' : 'help:write';
  if (r.startsWith('/ayuda/articulos/:id/programar')) return method === 'GET' ? 'help:read' : 'help:publish';
  if (r === '/ayuda/busquedas') return 'reports:read';
  if (r === '/ayuda/sinonimos/probar') return 'help:read';
  if (r === '/ayuda/sinonimos') return method === 'GET' ? 'help:read' : 'help:write';
  if (r.startsWith('/clientes/:id/usuarios/')) return 'users:write';
  if (r.startsWith('/clientes/:id/contratos')) return 'contracts:write';
  if (r.startsWith('/clientes/:id/administradores') || r === '/clientes/nuevo') return 'customers:write';
  if (/^\/clientes\/:id\/(des)?habilitar$/.test(r)) return 'customers:disable';
  if (r === '/clientes' || r === '/clientes/:id') return 'customers:read';
  if (r.startsWith('/contratos')) return 'contracts:read';
  if (r.startsWith('/importar')) return 'import:run';
  if (r.startsWith('/correo')) return method === 'GET' ? 'mail:read' : 'mail:write';
  if (r === '/auditoria.csv') return 'audit:export';
  if (r.startsWith('/auditoria')) return 'audit:read';
  if (r.startsWith('/informes')) return 'reports:read';
  if (r.startsWith('/personal')) return method === 'GET' ? 'staff:read' : 'staff:manage';
  if (r === '/api') return 'api:read';
  if (r.startsWith('/api/')) return 'api:manage';
  if (r === '/webhooks/envios/:id/reenviar') return 'webhooks:resend';
  if (r === '/webhooks' || r === '/webhooks/:id' || r.startsWith('/webhooks/envios')) return 'webhooks:read';
  if (r.startsWith('/webhooks/')) return 'webhooks:manage';
  throw new Error(`console route without an action in the fuzz: ${method} ${route}`);
}

/** What a staff actor's audit row says was done, as the policy map's actions (any of them suffices); 'public' for the sign-in flow's own rows. */
const AUDIT_ACTION_NEEDS: Record<string, ReadonlyArray<StaffAction | 'public'>> = {
  'customer.created': ['customers:write', 'import:run'], 'customer.imported': ['import:run'], 'customer.admin-added': ['customers:write'],
  'customer.admin-replaced': ['customers:write'], 'user.created': ['customers:write', 'import:run'], 'customer.disabled': ['customers:disable'],
  'customer.enabled': ['customers:disable'], 'contract.added': ['contracts:write', 'import:run'], 'contract.ended': ['contracts:write'],
  'contract.plan-changed': ['contracts:write'], 'user.credentials-resent': ['users:write'], 'user.disabled': ['users:write'], 'user.enabled': ['users:write'],
  'user.deleted': ['users:write'], 'user.throttle-lifted': ['users:write'], 'user.sessions-ended': ['users:write'], 'mail.retried': ['mail:write'],
  'mail.discarded': ['mail:write'], 'audit.exported': ['audit:export'], 'staff.invited': ['staff:manage'], 'staff.invitation-resent': ['staff:manage'],
  'staff.role-changed': ['staff:manage'], 'staff.disabled': ['staff:manage'], 'staff.enabled': ['staff:manage'], 'staff.mfa-reset': ['staff:manage'], 'staff.password-link-sent': ['staff:manage'],
  'staff.preview-as-customer': ['preview:customer'],
  'help.system-created': ['help:write'], 'help.system-changed': ['help:write'], 'help.category-created': ['help:write'], 'help.category-changed': ['help:write'],
  'help.reordered': ['help:write'], 'help.attachment-uploaded': ['help:write'],
  'help.article-created': ['help:write'], 'help.draft-saved': ['help:write'], 'help.draft-submitted': ['help:write'], 'help.draft-discarded': ['help:write'],
  'help.published': ['help:publish'], 'help.unpublished': ['help:publish'], 'help.version-restored': ['help:publish'],
  'help.schedule-created': ['help:publish'], 'help.schedule-cancelled': ['help:publish'], 'help.synonyms-changed': ['help:write'],
  'staff.sign-in.ok': ['public'], 'staff.sign-in.failed': ['public'], 'staff.sign-in.throttled': ['public'], 'staff.second-factor.ok': ['public'],
  'staff.second-factor.failed': ['public'], 'staff.step-up': ['public'], 'staff.sign-out': ['public'], 'staff.mfa-enrolled': ['public'],
  'staff.recovery-code-used': ['public'], 'staff.invitation-accepted': ['public'],
};

function formBody(rng: Rng, csrf: string | undefined): string {
  const p = new URLSearchParams();
  if (csrf && rng.next() < 0.85) p.set('_csrf', rng.next() < 0.9 ? csrf : rng.pick(NASTY));
  const n = rng.int(7);
  for (let i = 0; i < n; i++) {
    const k = rng.next() < 0.85 ? rng.pick(FIELDS) : rng.pick(NASTY);
    const v = rng.next() < 0.08 ? 'x'.repeat(rng.int(100_000)) : rng.pick(NASTY);
    p.append(k, v);
    if (rng.next() < 0.1) p.append(k, rng.pick(NASTY)); // repeated fields, an array for a string
  }
  let s = p.toString();
  if (rng.next() < 0.1) s += `&${rng.pick(['%', '%%', '%E0%A4%A', '=&=&&', '_csrf', 'role[]=admin', 'role[0]=admin&role[1]=x'])}`;
  return s;
}

/** Forms a route accepts, so allowed principals get past validation and write (one field then made hostile, often). */
function wellFormed(rng: Rng, route: string): Record<string, string> | null {
  const n = ++fresh;
  const body = String(50_000_000 + ((SEED % 1000) * 10_000 + n) % 9_999_999);
  const forms: Array<[RegExp, () => Record<string, string>]> = [
    [/\/clientes\/nuevo$/, () => ({ rut: formatRut(`${body}-${rutCheckDigit(body)}`), name: `Cliente Fuzz ${n} SpA`, adminName: 'Admin Fuzz', adminEmail: `admin${n}-${SEED}@fuzz.cl` })],
    [/\/contratos\/nuevo$/, () => ({ system: rng.pick(['inventario', 'contabilidad', 'remuneraciones']), plan: 'Plan Bodega', startsOn: rng.pick(['2026-03-01', '2027-01-01']), endsOn: rng.pick(['', '2026-12-31', '2026-01-01']) })],
    [/\/plan$/, () => ({ plan: rng.pick(['Plan Empresa', 'Plan Pyme']) })],
    [/\/terminar$/, () => ({ endsOn: rng.pick(['2026-06-30', '2025-01-01', '2026-03-02']) })],
    [/\/administradores\/nuevo$/, () => ({ name: 'Otra Admin', email: `otra${n}-${SEED}@fuzz.cl`, ...(rng.next() < 0.5 ? { replaces: f.customer.admin.id, previousBecomes: rng.pick(['technical', 'disabled']) } : {}) })],
    [/\/personal\/invitar$/, () => ({ email: `inv${n}-${SEED}@proveedor.cl`, name: 'Persona Invitada', role: rng.pick(['admin', 'soporte', 'editor', 'lectura']) })],
    [/\/rol$/, () => ({ role: rng.pick(['admin', 'soporte', 'editor', 'lectura']) })],
    [/\/importar$/, () => ({ texto: validCsv(rng) })],
    [/\/ayuda\/sistemas\/nuevo$/, () => ({ slug: `fuzz-${SEED}-${n}`, name: `Sistema fuzz ${n}`, description: rng.pick(['', 'Un sistema de prueba.']) })],
    [/\/categorias\/nueva$/, () => ({ slug: rng.pick([`fuzz-${n}`, 'primeros-pasos']), name: `Categoría fuzz ${n}`, description: '' })],
    [/\/ayuda\/sistemas\/.*\/mover$/, () => ({ direction: rng.pick(['arriba', 'abajo']) })],
    [/\/ayuda\/sistemas\/:slug(\/categorias\/:cat)?$/, () => ({ name: `Nombre fuzz ${n}`, description: rng.pick(['', 'Descripción.']) })],
    [/\/articulos\/:id\/(guardar|enviar|vista-previa)$/, () => ({ revision: rng.pick(['0', '1', '2']), title: `Artículo fuzz ${n}`, slug: rng.pick(['', `fuzz-${n}`]), categoryId: helpCategoryId, position: '1', summary: 'Resumen.', tags: 'fuzz', body: '## Paso\n\nTexto.' })],
    [/\/articulos\/:id\/publicar$/, () => ({ revision: rng.pick(['1', '2', '3']), changeNote: 'Cambio de prueba.' })],
    [/\/articulos\/:id\/(despublicar|descartar)$/, () => ({ revision: rng.pick(['1', '2']), note: '' })],
    [/\/articulos\/:id\/restaurar$/, () => ({ version: rng.pick(['1', '2']), revision: rng.pick(['0', '1', '2']) })],
    [/\/programar$/, () => ({ action: rng.pick(['publish', 'unpublish']), day: rng.pick(['2026-06-30', '2026-09-06', '2025-01-01']), time: rng.pick(['10:00', '00:30', '23:59']), changeNote: 'Cambio programado' })],
  ];
  const hit = forms.find(([re]) => re.test(route));
  if (!hit) return null;
  const form = hit[1]();
  if (rng.next() < 0.4) {
    const keys = Object.keys(form);
    form[rng.pick(keys)] = rng.pick(NASTY);
  }
  return form;
}

let fresh = 0;
/** A category of the fixture article's system, so a well-formed draft save can pass validation and write. */
let helpCategoryId = '';
/** A CSV with one new customer that passes every check: a RUT with its check digit, an address nobody has. */
function validCsv(rng: Rng): string {
  fresh++;
  const body = String(60_000_000 + ((SEED % 1000) * 10_000 + fresh) % 29_999_999);
  const rut = formatRut(`${body}-${rutCheckDigit(body)}`);
  const rows = [`${rut},Empresa Fuzz ${fresh} SpA,Persona Fuzz,fuzz${fresh}-${SEED}@ejemplo.cl,contabilidad,Plan Pyme,2026-01-01,`];
  if (rng.next() < 0.3) rows.push(`${rut},Empresa Fuzz ${fresh} SpA,,,remuneraciones,Plan Full,2026-03-01,2026-12-31`);
  return ['rut,razon_social,admin_nombre,admin_correo,sistema,plan,desde,hasta', ...rows].join(rng.next() < 0.5 ? '\r\n' : '\n') + '\n';
}

function brokenCsv(rng: Rng): string | Uint8Array {
  const header = 'rut,razon_social,admin_nombre,admin_correo,sistema,plan,desde,hasta';
  return rng.pick<() => string | Uint8Array>([
    () => `${header}\n76.543.210-4,Mal Dígito SpA,Ana,ana@x.cl,contabilidad,Plan,2026-01-01,\n`,
    () => `${header}\n"76.543.210-3,Sin Cerrar,Ana,ana@x.cl\n`,
    () => `rut;razon_social\n${rng.pick(NASTY)};${rng.pick(NASTY)}\n`,
    () => `\ufeff${header}\n${Array.from({ length: 8 }, () => rng.pick(NASTY)).join(',')}\n`,
    () => `${header}\n${'76.543.210-3,A,B,c@d.cl,contabilidad,P,2026-01-01,\n'.repeat(5_001)}`,
    () => `${header}\n11.111.111-1,Otro Nombre,Ana,ana@correo.cl,contabilidad,Plan,2026-01-01,\n`,
    () => `${header},extra,extra\n`,
    () => `${header}\n${validCsv(rng).split('\n')[1]}\n${validCsv(rng).split('\n')[1]!.replace(/@ejemplo/, '@')}\n`,
    () => new Uint8Array([0xff, 0xfe, ...new TextEncoder().encode(header)]),
    () => new Uint8Array([...new TextEncoder().encode(`${header}\n76.543.210-3,`), 0xe9, 0x00, 0xc3, 0x28]),
    () => '',
    () => `${header}\n${'\u202e'.repeat(200)},${'\u0000'},${'x'.repeat(50_000)},a@b.cl,,,,\n`,
  ])();
}

function concat(parts: Array<string | Uint8Array>): Uint8Array {
  const enc = new TextEncoder();
  const bufs = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(bufs.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of bufs) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

/** A multipart upload for /proveedor/importar: a valid CSV, a broken one, binary, or more than the route reads. */
function importMultipart(rng: Rng, csrf: string | undefined): { type: string; body: Uint8Array; valid: boolean } {
  const boundary = `----fuzz${rng.int(1e9)}`;
  const kind = rng.next();
  const valid = kind < 0.25;
  const content = valid ? validCsv(rng) : kind < 0.7 ? brokenCsv(rng) : kind < 0.85 ? randomBytes(rng, rng.int(20_000)) : randomBytes(rng, IMPORT_BODY_LIMIT + rng.int(100_000));
  const fileName = rng.next() < 0.7 ? 'clientes.csv' : rng.pick(NASTY).replace(/["\r\n]/g, '');
  const fieldName = rng.next() < 0.9 ? 'archivo' : rng.pick(['texto', 'file', '', 'archivo[]']);
  const parts: Array<string | Uint8Array> = [];
  if (rng.next() < 0.9) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${rng.next() < 0.95 ? csrf ?? '' : rng.pick(NASTY)}\r\n`);
  parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${fieldName}"; filename="${fileName}"\r\nContent-Type: ${rng.pick(['text/csv', 'application/octet-stream', 'image/png', ''])}\r\n\r\n`, content, '\r\n');
  if (rng.next() < 0.1) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="archivo"; filename="otro.csv"\r\n\r\n${validCsv(rng)}\r\n`);
  if (rng.next() > 0.1) parts.push(`--${boundary}--\r\n`);
  let body = concat(parts);
  if (rng.next() < 0.08) body = body.slice(0, rng.int(body.byteLength)); // cut short
  const type = rng.next() < 0.9 ? `multipart/form-data; boundary=${boundary}` : rng.pick(['multipart/form-data', `multipart/form-data; boundary="${boundary}"`, 'multipart/form-data; boundary=otro']);
  return { type, body, valid };
}

let rt: TestRuntime;
let f: ConsoleFixture;
const clients = new Map<Who, TestClient>();
const staffOf = new Map<Who, TestStaff>();
let routes: Array<{ method: string; route: string; re: RegExp; action: StaffAction | 'public' }>;

async function openSessions(): Promise<void> {
  for (const who of ['admin', 'soporte', 'editor', 'lectura', 'stale'] as const) {
    const client = await staffClient(rt, staffOf.get(who)!, who === 'stale' ? { secondFactorAgoMs: 11 * 60_000 } : {});
    await client.get('/proveedor'); // the staff_csrf cookie
    clients.set(who, client);
  }
  const half = new TestClient(rt, {}, 'staff_csrf');
  half.cookies.set('staff', await createStaffSession(rt.deps.db, staffOf.get('half-open')!.id, rt.clock.now(), { idleMs: rt.config.staffSessionIdleMs, absoluteMs: rt.config.staffSessionAbsoluteMs }, { ip: null, userAgent: 'fuzz', secondFactorAt: null }));
  await half.get('/proveedor/verificar');
  clients.set('half-open', half);
}

beforeAll(async () => {
  rt = await createTestRuntime();
  f = await createConsoleFixture(rt);
  helpCategoryId = (await rt.deps.db.selectFrom('help_articles').select('category_id').where('id', '=', f.articleId).executeTakeFirstOrThrow()).category_id;
  for (const who of ['admin', 'soporte', 'editor', 'lectura'] as const) staffOf.set(who, await createTestStaff(rt.deps, who));
  staffOf.set('stale', await createTestStaff(rt.deps, 'admin'));
  staffOf.set('half-open', await createTestStaff(rt.deps, 'soporte'));
  await staffClient(rt, f.target); // a session of its own, that disabling it must end
  await openSessions();
  const signedIn = new TestClient(rt);
  expect((await signedIn.signIn(f.customer.rut, f.customer.admin.email, f.customer.admin.password)).status).toBe(303);
  const inConsole = new TestClient(rt, {}, 'staff_csrf');
  for (const [k, v] of signedIn.cookies) inConsole.cookies.set(k, v);
  await inConsole.get('/proveedor/ingresar');
  clients.set('customer', inConsole);
  clients.set('anon', new TestClient(rt, {}, 'staff_csrf'));
  routes = rt.app.routes
    .filter((r) => r.path.startsWith('/proveedor') && r.method !== 'ALL')
    .map((r) => ({
      method: r.method,
      route: r.path,
      re: new RegExp(`^${r.path.replace(/[.]/g, '\\.').replace(/:\w+/g, '[^/]+').replace(/\*/g, '.*')}$`),
      action: routeAction(r.method, r.path),
    }));
}, 60_000);
afterAll(() => rt?.close());

function fillPath(rng: Rng, route: string): string {
  const real: Record<string, string[]> = {
    id: [f.customer.id, f.mailId, f.importId, f.target.id, f.invitedId, f.articleId], cid: [f.contractId], uid: [f.techId, f.customer.admin.id],
    system: ['contabilidad', 'remuneraciones'], article: ['cierre-mensual'], slug: ['contabilidad', 'inventario'], cat: ['primeros-pasos'],
  };
  const proper: Record<string, string> = { '/clientes/': f.customer.id, '/correo/': f.mailId, '/importar/': f.importId, '/personal/': rng.pick([f.target.id, f.invitedId]), '/articulos/': f.articleId };
  return route
    .replace(/\/(clientes|correo|importar|personal|articulos)\/:id/, (m, seg: string) => (rng.next() < 0.6 ? `/${seg}/${proper[`/${seg}/`]}` : m))
    .replace(/:(\w+)/g, (_, name: string) => (rng.next() < 0.5 && real[name] ? rng.pick(real[name]!) : encodeSegment(rng, rng.pick(NASTY))))
    .replace(/\*$/, () => rng.pick(['x.png', 'imagenes/x.png', encodeSegment(rng, rng.pick(NASTY))]));
}

/** The route that will answer a path (the first registered that matches, as Hono tries them), or null for the console's terminal 404. */
function resolve(method: string, path: string) {
  let pathname: string;
  try {
    pathname = new URL(path, 'http://localhost').pathname;
  } catch {
    return null;
  }
  const m = method === 'HEAD' ? 'GET' : method;
  return routes.find((r) => r.method === m && r.re.test(pathname)) ?? null;
}

/** Principals the policy refuses for a route: anyone without a full staff session, a role without the action, a stale second factor on a step-up action. */
function refused(who: Who, action: StaffAction | 'public' | null): boolean {
  if (action === 'public') return false;
  if (action === null) return true; // no route: nothing may be written
  if (who === 'anon' || who === 'customer' || who === 'half-open') return true;
  if (who === 'stale') return STEP_UP_ACTIONS.has(action);
  return !staffCan(who, action);
}

async function snapshot(): Promise<string> {
  const tables = ['audit_events', 'customers', 'users', 'contracts', 'outbox', 'sessions', 'staff', 'staff_invitations', 'staff_recovery_codes', 'import_runs', 'systems', 'help_categories', 'help_attachments', 'help_articles', 'help_article_drafts', 'help_article_versions', 'help_slug_redirects'];
  const r = await sql<Record<string, unknown>>`select ${sql.join(tables.map((t) => sql`(select count(*) from ${sql.table(t)}) as ${sql.ref(t)}`))}`.execute(rt.deps.db);
  const state = await Promise.all([
    rt.deps.db.selectFrom('contracts').select(['plan', 'ends_on']).orderBy('id').execute(),
    rt.deps.db.selectFrom('users').select(['disabled_at', 'password_hash']).orderBy('id').execute(),
    rt.deps.db.selectFrom('customers').select('disabled_at').orderBy('id').execute(),
    rt.deps.db.selectFrom('staff').select(['role', 'disabled_at', 'totp_secret']).orderBy('id').execute(),
    rt.deps.db.selectFrom('outbox').select(['dead_at', 'next_attempt_at']).orderBy('id').execute(),
    rt.deps.db.selectFrom('systems').select(['name', 'description', 'position']).orderBy('id').execute(),
    rt.deps.db.selectFrom('help_categories').select(['name', 'description', 'position']).orderBy('id').execute(),
    // A refused draft save, publish or unpublish changes a row without adding one.
    rt.deps.db.selectFrom('help_articles').select(['published', 'version_no']).orderBy('id').execute(),
    rt.deps.db.selectFrom('help_article_drafts').select(['article_id', 'revision', 'state']).orderBy('article_id').execute(),
  ]);
  return JSON.stringify([Object.values(r.rows[0]!).map(Number), state]);
}

const secrets = new Set<string>();
async function collectSecrets(): Promise<void> {
  const mails = await rt.deps.db.selectFrom('outbox').select('secrets').where('secrets', 'is not', null).execute();
  for (const m of mails) for (const v of Object.values(JSON.parse(m.secrets!) as Record<string, string>)) if (v.length >= 8) secrets.add(v);
  const staff = await rt.deps.db.selectFrom('staff').select('totp_secret').where('totp_secret', 'is not', null).execute();
  for (const s of staff) secrets.add(s.totp_secret!);
}

describe(`${REQUESTS} hostile requests at the console (seed ${SEED})`, () => {
  it('never answer 5xx, never let a refused principal write, never half-save, never show a secret', async () => {
    const rng = prng(SEED);
    const customersBefore = new Set((await rt.deps.db.selectFrom('customers').select('id').execute()).map((c) => c.id));
    await collectSecrets();
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const byWho = new Map<string, number>();
    let importsSent = 0;
    for (let i = 0; i < REQUESTS && failures.length < 5; i++) {
      const who = rng.pick(WHO);
      const client = clients.get(who)!;
      const r = rng.pick(routes);
      const method = rng.next() < 0.9 ? r.method : rng.pick(['GET', 'POST', 'HEAD', 'PUT', 'DELETE']);
      let path = fillPath(rng, r.route);
      if (rng.next() < 0.3) path += `?${rng.pick(['volver', 'q', 'pagina', 'cliente', 'vencen', 'desde', 'hasta', 'accion', 'actor', 'token', rng.pick(NASTY)])}=${encodeSegment(rng, rng.pick(NASTY))}`;
      const headers: Record<string, string> = {};
      const cookies = [...client.cookies];
      if (rng.next() < 0.1) cookies.push([rng.pick(['staff', 'staff_csrf', 'staff_flash', 'sid']), encodeSegment(rng, rng.pick(NASTY))]);
      if (cookies.length) headers.cookie = cookies.map(([k, v]) => `${k}=${v}`).join('; ');
      headers['x-forwarded-for'] = rng.next() < 0.9 ? `198.18.2.${rng.int(8)}` : rng.pick(['', 'not-an-ip', '::1', '999.1.1.1']);
      if (rng.next() < 0.15) headers.origin = rng.pick(['http://localhost', 'https://evil.example', 'null']);
      let body: string | Uint8Array | undefined;
      let expect415 = false;
      if (method !== 'GET' && method !== 'HEAD') {
        const csrf = client.cookies.get('staff_csrf');
        const kind = rng.int(10);
        if (kind <= 4) {
          headers['content-type'] = rng.pick(['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/x-www-form-urlencoded; charset=latin1']);
          const good = rng.next() < 0.4 ? wellFormed(rng, r.route) : null;
          body = good ? new URLSearchParams({ _csrf: csrf ?? '', ...good }).toString() : formBody(rng, csrf);
        } else if (kind <= 6) {
          // A multipart upload: to the import mostly, elsewhere where every route must refuse it unread.
          if (rng.next() < 0.7) path = '/proveedor/importar';
          const m = importMultipart(rng, csrf);
          headers['content-type'] = m.type;
          body = m.body;
          const pathname = new URL(path, 'http://localhost').pathname;
          const isImport = pathname === '/proveedor/importar';
          // An article's file upload takes multipart too.
          const takesFiles = isImport || /^\/proveedor\/ayuda\/articulos\/[^/]+\/archivos$/.test(pathname);
          if (!takesFiles && m.type.includes('boundary=') && headers.origin !== 'https://evil.example' && method === 'POST') expect415 = true;
          if (isImport) importsSent++;
        } else if (kind === 7) {
          headers['content-type'] = rng.pick(['application/json', 'text/plain', 'text/csv', 'application/octet-stream', '']);
          body = rng.next() < 0.5 ? JSON.stringify({ _csrf: csrf, role: ['admin'], email: { $ne: 1 }, rut: 1, name: null }) : randomBytes(rng, rng.int(5000));
        } else {
          body = rng.next() < 0.5 ? randomBytes(rng, rng.int(300_000)) : '';
        }
      }
      for (const [k, v] of Object.entries(headers)) headers[k] = v.replace(/[^\x20-\x7e\x80-\xff\t]/gu, (c) => encodeURIComponent(c));
      const target = resolve(method, path);
      const label = `#${i} ${who} ${method} ${path.slice(0, 200)} ${headers['content-type']?.slice(0, 60) ?? ''}`;
      const checkWrites = refused(who, target?.action ?? null);
      let before: string | undefined;
      if (checkWrites) {
        await settleImports(); // an earlier import still writing is not this request's doing
        before = await snapshot();
      }
      let res: Response;
      try {
        res = await rt.app.request(path.startsWith('/') ? path : `/${path}`, { method, headers, ...(body !== undefined ? { body: body as BodyInit } : {}) });
      } catch (err) {
        if (err instanceof TypeError && /url|invalid/i.test(err.message)) continue;
        throw err;
      }
      const text = method === 'HEAD' ? '' : await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      byWho.set(`${who} ${res.status}`, (byWho.get(`${who} ${res.status}`) ?? 0) + 1);
      if (res.status >= 500) failures.push(`${label} → ${res.status}`);
      if (/\bat [\w.<>]+ \(|node_modules|Error: /.test(text)) failures.push(`${label} → a stack trace or raw error in the answer`);
      if (expect415 && res.status !== 415) failures.push(`${label} → ${res.status}, not 415, for multipart outside the import`);
      if (checkWrites) {
        await settleImports();
        if ((await snapshot()) !== before) failures.push(`${label} → ${res.status}: a principal the policy refuses (${target?.route ?? 'no route'}: ${target?.action ?? '-'}) changed a row`);
      }
      if (method !== 'GET' || path.includes('importar')) await collectSecrets();
      for (const s of secrets) if (text.includes(s)) failures.push(`${label} → ${res.status}: a secret (${s.slice(0, 3)}…) in the answer`);
      // Keep everyone signed in: a fuzzed "salir" ends a session; sessions are cheap to open again.
      if (i % 200 === 199) {
        await openSessions();
        const cust = clients.get('customer')!;
        if ((await cust.get('/cuenta')).status !== 200) await cust.signIn(f.customer.rut, f.customer.admin.email, f.customer.admin.password);
      }
    }
    await settleImports();
    process.stderr.write(`console fuzz seed ${SEED}: ${REQUESTS} requests, ${importsSent} uploads; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}\n`);
    if (process.env.FUZZ_VERBOSE) process.stderr.write(`by principal: ${JSON.stringify(Object.fromEntries([...byWho].sort()))}\n`);
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect([...statuses.keys()].filter((s) => s < 400).length).toBeGreaterThanOrEqual(2);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS / 20);

    const { db } = rt.deps;
    // No import left running.
    expect(await db.selectFrom('import_runs').select(['id', 'status']).where('status', '=', 'running').execute()).toEqual([]);
    // Every staff audit row is an action its actor's role allows (roles of the fuzz's actors never change: Personal's real ids are others').
    const rows = await db.selectFrom('audit_events').innerJoin('staff', 'staff.id', 'audit_events.actor_staff_id').select(['audit_events.action', 'staff.role', 'staff.id']).where('audit_events.actor_kind', '=', 'staff').execute();
    const staleId = staffOf.get('stale')!.id;
    for (const row of rows) {
      const needs = AUDIT_ACTION_NEEDS[row.action];
      expect(needs, `audit action ${row.action} has no mapping in the fuzz`).toBeDefined();
      const ok = needs!.some((a) => a === 'public' || (staffCan(row.role, a) && !(row.id === staleId && STEP_UP_ACTIONS.has(a))));
      expect(ok, `${row.role} did ${row.action}`).toBe(true);
    }
    expect(await db.selectFrom('audit_events').select('id').where('actor_kind', '=', 'staff').where('actor_staff_id', 'is', null).execute()).toEqual([]);
    // Every customer created here has its audit row, and its administrator the credentials mail.
    const made = (await db.selectFrom('customers').select('id').execute()).filter((c) => !customersBefore.has(c.id));
    for (const c of made) {
      const created = await db.selectFrom('audit_events').select('target_user_id').where('action', '=', 'customer.created').where('customer_id', '=', c.id).execute();
      expect(created, `customer ${c.id}`).toHaveLength(1);
      const admin = await db.selectFrom('users').select('email').where('customer_id', '=', c.id).where('role', '=', 'admin').execute();
      expect(admin.length, `administrator of ${c.id}`).toBeGreaterThanOrEqual(1);
      for (const a of admin) {
        const mails = await db.selectFrom('outbox').select('id').where('kind', '=', 'credentials').where('to_address', '=', a.email).execute();
        expect(mails.length, `credentials mail of ${a.email}`).toBeGreaterThanOrEqual(1);
      }
    }
    process.stderr.write(`console fuzz: ${made.length} customers created, ${rows.length} staff audit rows, ${secrets.size} secrets watched\n`);
    // No session of a disabled staff member.
    expect(await db.selectFrom('staff_sessions').innerJoin('staff', 'staff.id', 'staff_sessions.staff_id').select('staff.email').where('staff.disabled_at', 'is not', null).execute()).toEqual([]);
    if (rt.deps.dialect === 'sqlite') expect((await sql`pragma foreign_key_check`.execute(db)).rows).toEqual([]);
  }, 240_000);
});
