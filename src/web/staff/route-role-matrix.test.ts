import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../../tests/client.ts';
import { createConsoleFixture, type ConsoleFixture as Fixture } from '../../../tests/console-fixture.ts';
import { createTestStaff, staffClient } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import type { StaffRole } from '../../db/schema.ts';
import { createApiToken } from '../../api/tokens/create-api-token.ts';
import { cliOperator } from '../../auth/principal.ts';
import { STAFF_ROLES, staffCan, type StaffAction } from '../../policies/staff-policy.ts';

/**
 * Every console route × every staff role, plus a signed-out visitor and a
 * signed-in customer administrator. A role the policy map does not allow
 * gets 403 and changes nothing (no row anywhere); an allowed one never gets
 * 403 nor a 5xx; visitors and customers are sent to the staff sign-in. The
 * table below must list every route the console has: a new route without an
 * entry fails the completeness test.
 */

interface Probe {
  method: 'GET' | 'POST';
  /** As Hono lists it (app.routes). */
  route: string;
  path: (f: Fixture) => string;
  /** What the route does in the policy map; 'public' for the sign-in flow's own pages. */
  action: StaffAction | 'public';
  form?: (f: Fixture) => Record<string, string>;
}

const c = (f: Fixture) => `/proveedor/clientes/${f.customer.id}`;
/** The token the API probes act on, made before the first probe. */
let apiToken: { id: string };
const day = '2026-06-30';

const PROBES: Probe[] = [
  { method: 'GET', route: '/proveedor', path: () => '/proveedor', action: 'console:view' },
  // The sign-in flow: reachable without a session by design (tested in their own files).
  { method: 'GET', route: '/proveedor/ingresar', path: () => '/proveedor/ingresar', action: 'public' },
  { method: 'POST', route: '/proveedor/ingresar', path: () => '/proveedor/ingresar', action: 'public' },
  { method: 'GET', route: '/proveedor/invitacion', path: () => '/proveedor/invitacion?token=x', action: 'public' },
  { method: 'POST', route: '/proveedor/invitacion', path: () => '/proveedor/invitacion?token=x', action: 'public' },
  { method: 'GET', route: '/proveedor/mfa/configurar', path: () => '/proveedor/mfa/configurar', action: 'public' },
  { method: 'POST', route: '/proveedor/mfa/configurar', path: () => '/proveedor/mfa/configurar', action: 'public' },
  { method: 'GET', route: '/proveedor/verificar', path: () => '/proveedor/verificar', action: 'public' },
  { method: 'POST', route: '/proveedor/verificar', path: () => '/proveedor/verificar', action: 'public' },
  { method: 'POST', route: '/proveedor/salir', path: () => '/proveedor/salir', action: 'public' },
  // Clientes
  { method: 'GET', route: '/proveedor/clientes', path: () => '/proveedor/clientes', action: 'customers:read' },
  { method: 'GET', route: '/proveedor/clientes/nuevo', path: () => '/proveedor/clientes/nuevo', action: 'customers:write' },
  { method: 'POST', route: '/proveedor/clientes/nuevo', path: () => '/proveedor/clientes/nuevo', action: 'customers:write', form: () => ({ rut: '', name: '', adminName: '', adminEmail: '' }) },
  { method: 'GET', route: '/proveedor/clientes/:id', path: c, action: 'customers:read' },
  { method: 'POST', route: '/proveedor/clientes/:id/deshabilitar', path: (f) => `${c(f)}/deshabilitar`, action: 'customers:disable' },
  { method: 'POST', route: '/proveedor/clientes/:id/habilitar', path: (f) => `${c(f)}/habilitar`, action: 'customers:disable' },
  { method: 'GET', route: '/proveedor/clientes/:id/contratos/nuevo', path: (f) => `${c(f)}/contratos/nuevo`, action: 'contracts:write' },
  { method: 'POST', route: '/proveedor/clientes/:id/contratos/nuevo', path: (f) => `${c(f)}/contratos/nuevo`, action: 'contracts:write', form: () => ({ system: 'inventario', plan: 'Plan Bodega', startsOn: '2026-03-01', endsOn: '' }) },
  { method: 'GET', route: '/proveedor/clientes/:id/contratos/:cid', path: (f) => `${c(f)}/contratos/${f.contractId}`, action: 'contracts:write' },
  { method: 'POST', route: '/proveedor/clientes/:id/contratos/:cid/plan', path: (f) => `${c(f)}/contratos/${f.contractId}/plan`, action: 'contracts:write', form: () => ({ plan: 'Plan Empresa' }) },
  { method: 'POST', route: '/proveedor/clientes/:id/contratos/:cid/terminar', path: (f) => `${c(f)}/contratos/${f.contractId}/terminar`, action: 'contracts:write', form: () => ({ endsOn: day }) },
  { method: 'GET', route: '/proveedor/clientes/:id/administradores/nuevo', path: (f) => `${c(f)}/administradores/nuevo`, action: 'customers:write' },
  { method: 'POST', route: '/proveedor/clientes/:id/administradores/nuevo', path: (f) => `${c(f)}/administradores/nuevo`, action: 'customers:write', form: () => ({ name: '', email: '' }) },
  { method: 'POST', route: '/proveedor/clientes/:id/usuarios/:uid/reenviar', path: (f) => `${c(f)}/usuarios/${f.techId}/reenviar`, action: 'users:write' },
  { method: 'POST', route: '/proveedor/clientes/:id/usuarios/:uid/deshabilitar', path: (f) => `${c(f)}/usuarios/${f.techId}/deshabilitar`, action: 'users:write' },
  { method: 'POST', route: '/proveedor/clientes/:id/usuarios/:uid/habilitar', path: (f) => `${c(f)}/usuarios/${f.techId}/habilitar`, action: 'users:write' },
  { method: 'POST', route: '/proveedor/clientes/:id/usuarios/:uid/desbloquear', path: (f) => `${c(f)}/usuarios/${f.techId}/desbloquear`, action: 'users:write' },
  { method: 'POST', route: '/proveedor/clientes/:id/usuarios/:uid/cerrar-sesiones', path: (f) => `${c(f)}/usuarios/${f.techId}/cerrar-sesiones`, action: 'users:write' },
  { method: 'GET', route: '/proveedor/clientes/:id/usuarios/:uid/eliminar', path: (f) => `${c(f)}/usuarios/${f.techId}/eliminar`, action: 'users:write' },
  // Last among the user's actions: it removes the user.
  { method: 'POST', route: '/proveedor/clientes/:id/usuarios/:uid/eliminar', path: (f) => `${c(f)}/usuarios/${f.techId}/eliminar`, action: 'users:write' },
  // Ver como cliente
  { method: 'GET', route: '/proveedor/clientes/:id/vista-previa', path: (f) => `${c(f)}/vista-previa`, action: 'preview:customer' },
  { method: 'GET', route: '/proveedor/clientes/:id/vista-previa/buscar', path: (f) => `${c(f)}/vista-previa/buscar?q=factura`, action: 'preview:customer' },
  { method: 'GET', route: '/proveedor/clientes/:id/vista-previa/:system', path: (f) => `${c(f)}/vista-previa/contabilidad`, action: 'preview:customer' },
  { method: 'GET', route: '/proveedor/clientes/:id/vista-previa/:system/:article', path: (f) => `${c(f)}/vista-previa/contabilidad/no-existe`, action: 'preview:customer' },
  { method: 'GET', route: '/proveedor/clientes/:id/vista-previa/:system/:article/adjuntos/*', path: (f) => `${c(f)}/vista-previa/contabilidad/no-existe/adjuntos/x.png`, action: 'preview:customer' },
  { method: 'GET', route: '/proveedor/clientes/:id/vista-previa-usuario/:uid', path: (f) => `${c(f)}/vista-previa-usuario/${f.techId}`, action: 'preview:customer' },
  { method: 'GET', route: '/proveedor/clientes/:id/vista-previa-usuario/:uid/buscar', path: (f) => `${c(f)}/vista-previa-usuario/${f.techId}/buscar?q=factura`, action: 'preview:customer' },
  { method: 'GET', route: '/proveedor/clientes/:id/vista-previa-usuario/:uid/:system', path: (f) => `${c(f)}/vista-previa-usuario/${f.techId}/contabilidad`, action: 'preview:customer' },
  { method: 'GET', route: '/proveedor/clientes/:id/vista-previa-usuario/:uid/:system/:article', path: (f) => `${c(f)}/vista-previa-usuario/${f.techId}/contabilidad/no-existe`, action: 'preview:customer' },
  { method: 'GET', route: '/proveedor/clientes/:id/vista-previa-usuario/:uid/:system/:article/adjuntos/*', path: (f) => `${c(f)}/vista-previa-usuario/${f.techId}/contabilidad/no-existe/adjuntos/x.png`, action: 'preview:customer' },
  // Contratos
  { method: 'GET', route: '/proveedor/contratos', path: () => '/proveedor/contratos?vencen=30', action: 'contracts:read' },
  { method: 'GET', route: '/proveedor/contratos.csv', path: () => '/proveedor/contratos.csv?vencen=90', action: 'contracts:read' },
  // Importar
  { method: 'GET', route: '/proveedor/importar', path: () => '/proveedor/importar', action: 'import:run' },
  { method: 'POST', route: '/proveedor/importar', path: () => '/proveedor/importar', action: 'import:run', form: () => ({ csv: '' }) },
  { method: 'GET', route: '/proveedor/importar/plantilla.csv', path: () => '/proveedor/importar/plantilla.csv', action: 'import:run' },
  { method: 'GET', route: '/proveedor/importar/:id', path: (f) => `/proveedor/importar/${f.importId}`, action: 'import:run' },
  // Correo
  { method: 'GET', route: '/proveedor/correo', path: () => '/proveedor/correo', action: 'mail:read' },
  { method: 'GET', route: '/proveedor/correo/:id', path: (f) => `/proveedor/correo/${f.mailId}`, action: 'mail:read' },
  { method: 'POST', route: '/proveedor/correo/:id/reintentar', path: (f) => `/proveedor/correo/${f.mailId}/reintentar`, action: 'mail:write' },
  { method: 'POST', route: '/proveedor/correo/:id/descartar', path: (f) => `/proveedor/correo/${f.mailId}/descartar`, action: 'mail:write' },
  // Auditoría
  { method: 'GET', route: '/proveedor/auditoria', path: (f) => `/proveedor/auditoria?cliente=${f.customer.id}`, action: 'audit:read' },
  { method: 'GET', route: '/proveedor/auditoria.csv', path: () => '/proveedor/auditoria.csv', action: 'audit:export' },
  // Informes
  { method: 'GET', route: '/proveedor/informes', path: () => '/proveedor/informes', action: 'reports:read' },
  // Personal
  { method: 'GET', route: '/proveedor/personal', path: () => '/proveedor/personal', action: 'staff:read' },
  { method: 'POST', route: '/proveedor/personal/invitar', path: () => '/proveedor/personal/invitar', action: 'staff:manage', form: () => ({ email: '', name: '', role: 'lectura' }) },
  { method: 'POST', route: '/proveedor/personal/:id/reenviar', path: (f) => `/proveedor/personal/${f.invitedId}/reenviar`, action: 'staff:manage' },
  { method: 'POST', route: '/proveedor/personal/:id/rol', path: (f) => `/proveedor/personal/${f.target.id}/rol`, action: 'staff:manage', form: () => ({ role: 'editor' }) },
  { method: 'POST', route: '/proveedor/personal/:id/nueva-clave', path: (f) => `/proveedor/personal/${f.target.id}/nueva-clave`, action: 'staff:manage' },
  { method: 'POST', route: '/proveedor/personal/:id/restablecer-mfa', path: (f) => `/proveedor/personal/${f.target.id}/restablecer-mfa`, action: 'staff:manage' },
  { method: 'POST', route: '/proveedor/personal/:id/deshabilitar', path: (f) => `/proveedor/personal/${f.target.id}/deshabilitar`, action: 'staff:manage' },
  { method: 'POST', route: '/proveedor/personal/:id/habilitar', path: (f) => `/proveedor/personal/${f.target.id}/habilitar`, action: 'staff:manage' },
  // Tokens de la API (a real token: a forbidden role's revocation must leave it active; an allowed one's form fails validation)
  { method: 'GET', route: '/proveedor/api', path: () => '/proveedor/api', action: 'api:read' },
  { method: 'GET', route: '/proveedor/api/nuevo', path: () => '/proveedor/api/nuevo', action: 'api:manage' },
  { method: 'POST', route: '/proveedor/api/nuevo', path: () => '/proveedor/api/nuevo', action: 'api:manage', form: () => ({ name: '', expiresInDays: '0' }) },
  { method: 'GET', route: '/proveedor/api/:id/revocar', path: () => `/proveedor/api/${apiToken.id}/revocar`, action: 'api:manage' },
  { method: 'POST', route: '/proveedor/api/:id/revocar', path: () => `/proveedor/api/${apiToken.id}/revocar`, action: 'api:manage' },
  // Ayuda: writing articles (a form that fails validation, so allowed roles write nothing either)
  { method: 'GET', route: '/proveedor/ayuda/articulos/nuevo', path: () => '/proveedor/ayuda/articulos/nuevo?sistema=contabilidad', action: 'help:write' },
  { method: 'POST', route: '/proveedor/ayuda/articulos/nuevo', path: () => '/proveedor/ayuda/articulos/nuevo?sistema=contabilidad', action: 'help:write', form: () => ({ title: '', categoryId: '' }) },
  { method: 'GET', route: '/proveedor/ayuda/articulos/:id', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}`, action: 'help:read' },
  { method: 'POST', route: '/proveedor/ayuda/articulos/:id/guardar', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/guardar`, action: 'help:write', form: () => ({ revision: '0', title: '' }) },
  { method: 'POST', route: '/proveedor/ayuda/articulos/:id/enviar', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/enviar`, action: 'help:write', form: () => ({ revision: '0', title: '' }) },
  { method: 'POST', route: '/proveedor/ayuda/articulos/:id/vista-previa', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/vista-previa`, action: 'help:read', form: () => ({ title: 'Vista', body: '## Hola' }) },
  { method: 'POST', route: '/proveedor/ayuda/articulos/:id/publicar', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/publicar`, action: 'help:publish', form: () => ({ revision: '1', changeNote: '' }) },
  { method: 'POST', route: '/proveedor/ayuda/articulos/:id/despublicar', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/despublicar`, action: 'help:publish', form: () => ({ note: 'x'.repeat(300) }) },
  { method: 'POST', route: '/proveedor/ayuda/articulos/:id/descartar', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/descartar`, action: 'help:write', form: () => ({ revision: '1' }) },
  { method: 'GET', route: '/proveedor/ayuda/articulos/:id/historial', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/historial`, action: 'help:read' },
  { method: 'GET', route: '/proveedor/ayuda/articulos/:id/diferencias', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/diferencias?de=actual&a=actual`, action: 'help:read' },
  { method: 'POST', route: '/proveedor/ayuda/articulos/:id/restaurar', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/restaurar`, action: 'help:publish', form: () => ({ version: '999', revision: '0' }) },
  // Ayuda: landing, systems and categories, an article's files, broken links (forms that fail validation: allowed roles write nothing either)
  { method: 'GET', route: '/proveedor/ayuda', path: () => '/proveedor/ayuda', action: 'help:read' },
  { method: 'GET', route: '/proveedor/ayuda/sistemas/nuevo', path: () => '/proveedor/ayuda/sistemas/nuevo', action: 'help:write' },
  { method: 'POST', route: '/proveedor/ayuda/sistemas/nuevo', path: () => '/proveedor/ayuda/sistemas/nuevo', action: 'help:write', form: () => ({ slug: 'Mal Código', name: '' }) },
  { method: 'GET', route: '/proveedor/ayuda/sistemas/:slug', path: () => '/proveedor/ayuda/sistemas/contabilidad', action: 'help:read' },
  { method: 'POST', route: '/proveedor/ayuda/sistemas/:slug', path: () => '/proveedor/ayuda/sistemas/contabilidad', action: 'help:write', form: () => ({ name: '' }) },
  { method: 'POST', route: '/proveedor/ayuda/sistemas/:slug/mover', path: () => '/proveedor/ayuda/sistemas/contabilidad/mover', action: 'help:write', form: () => ({ direction: 'de lado' }) },
  { method: 'GET', route: '/proveedor/ayuda/sistemas/:slug/categorias/nueva', path: () => '/proveedor/ayuda/sistemas/contabilidad/categorias/nueva', action: 'help:write' },
  { method: 'POST', route: '/proveedor/ayuda/sistemas/:slug/categorias/nueva', path: () => '/proveedor/ayuda/sistemas/contabilidad/categorias/nueva', action: 'help:write', form: () => ({ slug: '', name: '' }) },
  { method: 'GET', route: '/proveedor/ayuda/sistemas/:slug/categorias/:cat', path: () => '/proveedor/ayuda/sistemas/contabilidad/categorias/primeros-pasos', action: 'help:write' },
  { method: 'POST', route: '/proveedor/ayuda/sistemas/:slug/categorias/:cat', path: () => '/proveedor/ayuda/sistemas/contabilidad/categorias/primeros-pasos', action: 'help:write', form: () => ({ name: '' }) },
  { method: 'POST', route: '/proveedor/ayuda/sistemas/:slug/categorias/:cat/mover', path: () => '/proveedor/ayuda/sistemas/contabilidad/categorias/primeros-pasos/mover', action: 'help:write', form: () => ({ direction: '' }) },
  { method: 'GET', route: '/proveedor/ayuda/articulos/:id/archivos', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/archivos`, action: 'help:read' },
  { method: 'POST', route: '/proveedor/ayuda/articulos/:id/archivos', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/archivos`, action: 'help:write' },
  { method: 'GET', route: '/proveedor/ayuda/articulos/:id/archivos/*', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/archivos/imagenes/no-existe.png`, action: 'help:read' },
  { method: 'GET', route: '/proveedor/ayuda/enlaces-rotos', path: () => '/proveedor/ayuda/enlaces-rotos', action: 'help:read' },
  // Ayuda: programar
  { method: 'GET', route: '/proveedor/ayuda/articulos/:id/programar', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/programar`, action: 'help:read' },
  { method: 'POST', route: '/proveedor/ayuda/articulos/:id/programar', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/programar`, action: 'help:publish', form: () => ({ action: 'unpublish', day: day, time: '10:00' }) },
  { method: 'POST', route: '/proveedor/ayuda/articulos/:id/programar/:sid/cancelar', path: (f) => `/proveedor/ayuda/articulos/${f.articleId}/programar/00000000-0000-4000-8000-000000000000/cancelar`, action: 'help:publish' },
  // Ayuda: search analytics and synonyms
  { method: 'GET', route: '/proveedor/ayuda/busquedas', path: () => '/proveedor/ayuda/busquedas?desde=2026-01-01&hasta=2026-03-01&sistema=contabilidad', action: 'reports:read' },
  { method: 'GET', route: '/proveedor/ayuda/sinonimos', path: () => '/proveedor/ayuda/sinonimos', action: 'help:read' },
  { method: 'POST', route: '/proveedor/ayuda/sinonimos/probar', path: () => '/proveedor/ayuda/sinonimos/probar', action: 'help:read', form: () => ({ texto: 'NC, nota de crédito', base: '', q: 'nc' }) },
  { method: 'POST', route: '/proveedor/ayuda/sinonimos', path: () => '/proveedor/ayuda/sinonimos', action: 'help:write', form: () => ({ texto: 'NC, nota de crédito', base: 'not-the-saved-list', q: '' }) },
  // Webhooks (the forms fail validation; the delete finds the endpoint active and refuses: allowed roles keep it)
  { method: 'GET', route: '/proveedor/webhooks', path: () => '/proveedor/webhooks', action: 'webhooks:read' },
  { method: 'GET', route: '/proveedor/webhooks/nuevo', path: () => '/proveedor/webhooks/nuevo', action: 'webhooks:manage' },
  { method: 'POST', route: '/proveedor/webhooks/nuevo', path: () => '/proveedor/webhooks/nuevo', action: 'webhooks:manage', form: () => ({ url: 'ftp://x', description: '' }) },
  { method: 'GET', route: '/proveedor/webhooks/envios', path: (f) => `/proveedor/webhooks/envios?webhook=${f.webhookId}&estado=fallido`, action: 'webhooks:read' },
  { method: 'GET', route: '/proveedor/webhooks/envios/:id', path: (f) => `/proveedor/webhooks/envios/${f.deliveryId}`, action: 'webhooks:read' },
  { method: 'POST', route: '/proveedor/webhooks/envios/:id/reenviar', path: (f) => `/proveedor/webhooks/envios/${f.deliveryId}/reenviar`, action: 'webhooks:resend' },
  { method: 'GET', route: '/proveedor/webhooks/:id', path: (f) => `/proveedor/webhooks/${f.webhookId}`, action: 'webhooks:read' },
  { method: 'GET', route: '/proveedor/webhooks/:id/editar', path: (f) => `/proveedor/webhooks/${f.webhookId}/editar`, action: 'webhooks:manage' },
  { method: 'POST', route: '/proveedor/webhooks/:id/editar', path: (f) => `/proveedor/webhooks/${f.webhookId}/editar`, action: 'webhooks:manage', form: () => ({ revision: '0', url: '', description: '' }) },
  { method: 'POST', route: '/proveedor/webhooks/:id/pausar', path: (f) => `/proveedor/webhooks/${f.webhookId}/pausar`, action: 'webhooks:manage' },
  { method: 'POST', route: '/proveedor/webhooks/:id/reanudar', path: (f) => `/proveedor/webhooks/${f.webhookId}/reanudar`, action: 'webhooks:manage' },
  { method: 'GET', route: '/proveedor/webhooks/:id/eliminar', path: (f) => `/proveedor/webhooks/${f.webhookId}/eliminar`, action: 'webhooks:manage' },
  { method: 'POST', route: '/proveedor/webhooks/:id/eliminar', path: (f) => `/proveedor/webhooks/${f.webhookId}/eliminar`, action: 'webhooks:manage' },
  { method: 'POST', route: '/proveedor/webhooks/:id/secreto', path: (f) => `/proveedor/webhooks/${f.webhookId}/secreto`, action: 'webhooks:manage' },
  { method: 'GET', route: '/proveedor/webhooks/:id/rotar-secreto', path: (f) => `/proveedor/webhooks/${f.webhookId}/rotar-secreto`, action: 'webhooks:manage' },
  { method: 'POST', route: '/proveedor/webhooks/:id/rotar-secreto', path: (f) => `/proveedor/webhooks/${f.webhookId}/rotar-secreto`, action: 'webhooks:manage' },
];

const TABLES = ['api_tokens', 'audit_events', 'customers', 'users', 'contracts', 'outbox', 'sessions', 'staff', 'staff_invitations', 'staff_recovery_codes', 'import_runs', 'throttles', 'help_reads', 'help_votes', 'systems', 'help_categories', 'help_attachments', 'help_schedules', 'help_article_drafts', 'help_article_versions', 'help_slug_redirects', 'help_synonyms', 'help_search_log'] as const;

async function rowCounts(rt: TestRuntime): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of TABLES) {
    const r = await rt.deps.db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[t] = Number(r.n);
  }
  // Changes that add no row: a contract's plan or end, a user's or customer's state, a staff member's role or MFA, a mail's state.
  const state = await Promise.all([
    rt.deps.db.selectFrom('contracts').select(['plan', 'ends_on']).orderBy('id').execute(),
    rt.deps.db.selectFrom('users').select(['disabled_at', 'password_hash']).orderBy('id').execute(),
    rt.deps.db.selectFrom('customers').select('disabled_at').orderBy('id').execute(),
    rt.deps.db.selectFrom('staff').select(['role', 'disabled_at', 'totp_secret']).orderBy('id').execute(),
    rt.deps.db.selectFrom('outbox').select(['dead_at', 'next_attempt_at']).orderBy('id').execute(),
    rt.deps.db.selectFrom('systems').select(['slug', 'name', 'description', 'position']).orderBy('id').execute(),
    rt.deps.db.selectFrom('help_categories').select(['slug', 'name', 'description', 'position']).orderBy('id').execute(),
    rt.deps.db.selectFrom('help_articles').select(['published', 'version_no']).orderBy('id').execute(),
    // Webhooks: every endpoint and delivery, so a row added or removed shows as well as a change.
    rt.deps.db.selectFrom('webhook_endpoints').select(['url', 'description', 'events', 'secret', 'disabled_at', 'revision']).orderBy('id').execute(),
    rt.deps.db.selectFrom('webhook_deliveries').select(['attempts', 'delivered_at', 'dead_at', 'next_attempt_at']).orderBy('id').execute(),
    rt.deps.db.selectFrom('api_tokens').select(['revoked_at']).orderBy('id').execute(),
  ]);
  counts.state = JSON.stringify(state).length + hash(JSON.stringify(state));
  return counts;
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

async function send(client: TestClient, p: Probe, f: Fixture): Promise<Response> {
  return p.method === 'GET' ? client.get(p.path(f)) : client.post(p.path(f), p.form?.(f) ?? {});
}

describe('console routes × roles', () => {
  let rt: TestRuntime;
  let f: Fixture;
  const clients = new Map<StaffRole, TestClient>();

  beforeAll(async () => {
    rt = await createTestRuntime();
    f = await createConsoleFixture(rt);
    apiToken = await createApiToken(rt.deps, cliOperator('matriz'), { name: 'Facturación', scopes: ['customers:read'], expiresInDays: 30 });
    for (const role of STAFF_ROLES) clients.set(role, await staffClient(rt, await createTestStaff(rt.deps, role)));
  });
  afterAll(async () => rt?.close());

  it('lists every route the console has, and nothing it does not have', () => {
    const actual = new Set(rt.app.routes.filter((r) => r.path.startsWith('/proveedor') && r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
    const listed = new Set(PROBES.map((p) => `${p.method} ${p.route}`));
    expect([...actual].filter((r) => !listed.has(r)), 'routes without a matrix entry').toEqual([]);
    expect([...listed].filter((r) => !actual.has(r)), 'matrix entries without a route').toEqual([]);
  });

  for (const role of STAFF_ROLES) {
    it(`${role}: allowed routes answer, forbidden ones answer 403 and change nothing`, async () => {
      const client = clients.get(role)!;
      for (const p of PROBES.filter((q) => q.action !== 'public')) {
        const before = await rowCounts(rt);
        const res = await send(client, p, f);
        const label = `${role} ${p.method} ${p.path(f)}`;
        expect(res.status, label).toBeLessThan(500);
        if (staffCan(role, p.action as StaffAction)) {
          expect(res.status, label).not.toBe(403);
        } else {
          expect(res.status, label).toBe(403);
          expect(await rowCounts(rt), `${label} wrote something`).toEqual(before);
        }
      }
    });
  }

  it('a signed-out visitor and a signed-in customer administrator get the staff sign-in, never data, and change nothing', async () => {
    const customerClient = new TestClient(rt);
    await customerClient.signIn(f.customer.rut, f.customer.admin.email, f.customer.admin.password);
    expect(customerClient.cookies.has('sid')).toBe(true);
    const customerInConsole = new TestClient(rt, {}, 'staff_csrf');
    for (const [k, v] of customerClient.cookies) customerInConsole.cookies.set(k, v);
    for (const [who, client] of [['anonymous', new TestClient(rt, {}, 'staff_csrf')], ['customer', customerInConsole]] as const) {
      for (const p of PROBES.filter((q) => q.action !== 'public')) {
        const before = await rowCounts(rt);
        const res = await send(client, p, f);
        const label = `${who} ${p.method} ${p.path(f)}`;
        expect(res.status, label).toBe(303);
        expect(location(res), label).toMatch(/^\/proveedor\/ingresar/);
        expect(await rowCounts(rt), `${label} wrote something`).toEqual(before);
      }
    }
  });
});
