import type { Context } from 'hono';
import { Hono } from 'hono';
import { API_SCOPE_LABEL, isApiScope } from '../../../api/api-scopes.ts';
import { findApiToken, listApiTokens, type ApiTokenRow } from '../../../api/tokens/list-api-tokens.ts';
import { revokeApiToken } from '../../../api/tokens/revoke-api-token.ts';
import { notFound } from '../../../errors.ts';
import { staffCan } from '../../../policies/staff-policy.ts';
import { CsrfField } from '../../components/form.tsx';
import { formatDateTime } from '../../components/format.ts';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { requireStaff, staffPrincipalOf, staffSessionOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

export const API_TOKENS_PATH = '/proveedor/api';

const STATE: Record<ApiTokenRow['state'], { label: string; badge: string }> = {
  active: { label: 'Activo', badge: 'state-active' },
  expired: { label: 'Vencido', badge: 'state-pending' },
  revoked: { label: 'Revocado', badge: 'state-disabled' },
};

/** A scope as the console shows it: its code, then what it allows (an unknown one, from an older version, as its code alone). */
function ScopeList(props: { scopes: string[] }) {
  return (
    <ul class="scope-list">
      {props.scopes.map((s) => (
        <li>
          <code>{s}</code>
          {isApiScope(s) ? <span class="muted"> · {API_SCOPE_LABEL[s]}</span> : null}
        </li>
      ))}
    </ul>
  );
}

function TokenRow(props: { t: ApiTokenRow; manages: boolean }) {
  const { t } = props;
  return (
    <tr>
      <td data-label="Nombre">
        <bdi>{t.name}</bdi>
      </td>
      <td data-label="Prefijo">
        <code>{t.prefix}</code>
      </td>
      <td data-label="Permisos">
        <ScopeList scopes={t.scopes} />
      </td>
      <td data-label="Creado">
        {formatDateTime(t.createdAt)}
        <br />
        <span class="muted">
          por <bdi>{t.createdBy}</bdi>
        </span>
        {t.creatorDisabled && t.state === 'active' ? (
          <>
            <br />
            <span class="badge state-pending">Creador deshabilitado</span> <span class="muted">vio el token: considere reemplazarlo</span>
          </>
        ) : null}
      </td>
      <td data-label="Vence">{formatDateTime(t.expiresAt)}</td>
      <td data-label="Último uso">
        {t.lastUsedAt ? (
          <>
            {formatDateTime(t.lastUsedAt)}
            {t.lastUsedIp ? (
              <>
                <br />
                <span class="muted">desde {t.lastUsedIp}</span>
              </>
            ) : null}
          </>
        ) : (
          'Nunca'
        )}
      </td>
      <td data-label="Estado">
        <span class={`badge ${STATE[t.state].badge}`}>{STATE[t.state].label}</span>
        {t.state === 'revoked' && t.revokedAt ? (
          <span class="muted">
            {' '}
            el {formatDateTime(t.revokedAt)}
            {t.revokedBy ? (
              <>
                {' '}
                por <bdi>{t.revokedBy}</bdi>
              </>
            ) : null}
          </span>
        ) : null}
      </td>
      {props.manages ? (
        <td data-label="Acciones">
          {t.state === 'revoked' ? (
            <span class="muted">—</span>
          ) : (
            // A link to a confirmation page (no script needed); its name starts with the visible text, then whose row it is.
            <a href={`${API_TOKENS_PATH}/${t.id}/revocar`} aria-label={`Revocar: ${t.name} (${t.prefix})`}>
              Revocar
            </a>
          )}
        </td>
      ) : null}
    </tr>
  );
}

async function renderList(c: Context<AppEnv>) {
  const { staff } = staffSessionOf(c);
  const deps = c.get('deps');
  const tokens = await listApiTokens(deps.db, deps.clock.now());
  const manages = staffCan(staff.role, 'api:manage');
  return staffPage(
    c,
    { title: 'Tokens de la API', current: 'api' },
    <>
      <h1>Tokens de la API</h1>
      <p>
        Cada sistema del proveedor (facturación, CRM) llama a la API de aprovisionamiento en <code>/api/v1</code> con un token propio. El token se muestra una sola vez, al crearlo; aquí
        sólo se ve su prefijo. Documentación: <a href="/api/v1/openapi.json">documento OpenAPI</a>.
      </p>
      {manages ? (
        <p>
          <a class="button primary" href={`${API_TOKENS_PATH}/nuevo`}>
            Nuevo token
          </a>
        </p>
      ) : null}
      {tokens.length === 0 ? (
        <p class="notice">Todavía no hay tokens de la API.</p>
      ) : (
        <div class="table-scroll">
          <table class="data stack">
            <caption>Tokens de la API ({tokens.length})</caption>
            <thead>
              <tr>
                <th scope="col">Nombre</th>
                <th scope="col">Prefijo</th>
                <th scope="col">Permisos</th>
                <th scope="col">Creado</th>
                <th scope="col">Vence</th>
                <th scope="col">Último uso</th>
                <th scope="col">Estado</th>
                {manages ? <th scope="col">Acciones</th> : null}
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <TokenRow t={t} manages={manages} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>,
  );
}

async function tokenOr404(c: Context<AppEnv>): Promise<ApiTokenRow> {
  const deps = c.get('deps');
  const t = await findApiToken(deps.db, c.req.param('id')!, deps.clock.now());
  if (!t) throw notFound();
  return t;
}

/**
 * Tokens de la API: the list (api:read), and revoking one (api:manage, a
 * step-up action) through a confirmation page, so a stray click revokes
 * nothing and the page works without JavaScript. Creating one is in
 * api-token-new.tsx.
 */
export const apiTokensRoutes = new Hono<AppEnv>()
  .get('/api', requireStaff('api:read'), (c) => renderList(c))
  .get('/api/:id/revocar', requireStaff('api:manage'), async (c) => {
    const t = await tokenOr404(c);
    return staffPage(
      c,
      { title: 'Revocar un token de la API', current: 'api' },
      <section class="card" aria-labelledby="titulo">
        <h1 id="titulo">Revocar el token «{t.name}»</h1>
        <p>
          Prefijo <code>{t.prefix}</code>. {t.state === 'revoked' ? 'Este token ya está revocado.' : 'Desde el momento en que confirme, toda llamada con este token será rechazada (401), en todas las instancias del portal. No se puede deshacer: para volver a dar acceso, cree un token nuevo.'}
        </p>
        <ScopeList scopes={t.scopes} />
        {t.state === 'revoked' ? null : (
          <form method="post" action={`${API_TOKENS_PATH}/${t.id}/revocar`}>
            <CsrfField token={c.get('csrfToken')} />
            <button type="submit" class="danger">
              Revocar el token
            </button>
          </form>
        )}
        <p class="after-form">
          <a href={API_TOKENS_PATH}>Volver a los tokens</a>
        </p>
      </section>,
    );
  })
  .post('/api/:id/revocar', requireStaff('api:manage'), async (c) => {
    const r = await revokeApiToken(c.get('deps'), staffPrincipalOf(c), c.req.param('id'));
    setFlash(c, r.changed ? `El token «${r.name}» (${r.prefix}) quedó revocado: ya no sirve para llamar a la API.` : `El token «${r.name}» (${r.prefix}) ya estaba revocado.`, 'staff_flash');
    return c.redirect(API_TOKENS_PATH, 303);
  });
