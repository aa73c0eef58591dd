import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { LoadedSession } from '../../auth/session.ts';
import type { Brand } from '../../config.ts';
import { formatRut } from '../../domain/rut.ts';
import { can } from '../../policies/policy.ts';
import { CsrfField } from '../components/form.tsx';

export interface PageProps {
  title: string;
  brand: Brand;
  session: LoadedSession | null;
  csrfToken: string;
  flash?: string | null;
  /** Which navigation entry is the current page. */
  current?: 'servicios' | 'ayuda' | 'usuarios' | 'actividad' | 'cuenta';
  /** A page for people not signed in (sign-in, recovery): no navigation. */
  bare?: boolean;
  /** Scripts under /static, loaded deferred: the page works without them. */
  scripts?: readonly string[];
  children: Child;
}

function Nav(props: { session: LoadedSession; current?: PageProps['current']; csrfToken: string }) {
  const { session, current } = props;
  const role = session.user.role;
  const links: Array<[NonNullable<PageProps['current']>, string, string]> = [];
  if (can(role, 'services:view')) links.push(['servicios', '/servicios', 'Servicios']);
  links.push(['ayuda', '/ayuda', 'Ayuda en línea']);
  if (can(role, 'users:manage')) links.push(['usuarios', '/usuarios', 'Usuarios']);
  if (can(role, 'activity:view')) links.push(['actividad', '/actividad', 'Actividad']);
  links.push(['cuenta', '/cuenta', 'Mi cuenta']);
  return (
    <nav class="main-nav" aria-label="Principal">
      {session.user.must_change_password ? null : (
        <ul>
          {links.map(([key, href, label]) => (
            <li>
              <a href={href} aria-current={current === key ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      )}
      <div class="who">
        <span>
          {/* <bdi>: a name written right to left, or holding a direction override stored before they were refused, cannot reorder what follows it. */}
          <bdi>{session.user.name}</bdi> · <bdi>{session.customer.name}</bdi> ({formatRut(session.customer.rut)})
        </span>
        <form method="post" action="/salir" class="inline">
          <CsrfField token={props.csrfToken} />
          <button type="submit" class="link-button">
            Salir
          </button>
        </form>
      </div>
    </nav>
  );
}

/**
 * The <head> as an escaped string, not JSX: hono/jsx renders <head> (and
 * <svg>) through a context provider that switches on AsyncLocalStorage, a
 * process-wide cost on every later promise (see render-to-string.ts).
 */
export function documentHead(title: string, iconUrl: string, scripts: readonly string[] = [], styles: readonly string[] = []) {
  return html`<head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>${title}</title><link rel="stylesheet" href="/static/styles.css" /><link rel="stylesheet" href="/static/brand.css" />${styles.map((href) => html`<link rel="stylesheet" href="/static/${href}" />`)}<link rel="icon" href="${iconUrl}" />${scripts.map((src) => html`<script src="/static/${src}" defer></script>`)}</head>`;
}

export function Layout(props: PageProps) {
  const { brand } = props;
  return (
    <html lang="es-CL">
      {documentHead(`${props.title} · ${brand.name}`, brand.logoUrl, props.scripts)}
      <body>
        <a class="skip-link" href="#contenido">
          Ir al contenido
        </a>
        <header class="site-header">
          <div class="wrap header-row">
            <a href="/" class="brand">
              <img src={brand.logoUrl} alt="" width="40" height="40" />
              <span class="brand-name">{brand.name}</span>
              {brand.tagline ? <span class="brand-tagline">{brand.tagline}</span> : null}
            </a>
            {props.session && !props.bare ? <Nav session={props.session} current={props.current} csrfToken={props.csrfToken} /> : null}
          </div>
        </header>
        <main id="contenido" class={props.bare ? 'wrap narrow' : 'wrap'} tabindex={-1}>
          {props.flash ? (
            <p class="notice success" role="status">
              {props.flash}
            </p>
          ) : null}
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <p>Para una mejor experiencia le recomendamos utilizar un navegador web moderno como Chrome, Firefox y Opera.</p>
            <p>
              <a href={brand.termsUrl}>Términos y condiciones</a>. {brand.copyright}
            </p>
            <p class="support">
              Soporte: <a href={`mailto:${brand.supportEmail}`}>{brand.supportEmail}</a> · {brand.supportPhone}
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
