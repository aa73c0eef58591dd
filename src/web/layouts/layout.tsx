import type { Child } from 'hono/jsx';
import type { LoadedSession } from '../../auth/session.ts';
import type { Brand } from '../../config.ts';
import { formatRut } from '../../domain/rut.ts';
import { can } from '../../policies/policy.ts';
import { SignOutForm } from '../components/sign-out-form.tsx';
import { PageFrame } from './page-frame.tsx';

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
        <SignOutForm action="/salir" csrfToken={props.csrfToken} />
      </div>
    </nav>
  );
}

export function Layout(props: PageProps) {
  const { brand } = props;
  return (
    <PageFrame
      documentTitle={`${props.title} · ${brand.name}`}
      brand={brand}
      homeHref="/"
      tagline={brand.tagline}
      nav={props.session && !props.bare ? <Nav session={props.session} current={props.current} csrfToken={props.csrfToken} /> : null}
      bare={props.bare}
      flash={props.flash}
      scripts={props.scripts}
      footer={
        <>
          <p>Para una mejor experiencia le recomendamos utilizar un navegador web moderno como Chrome, Firefox y Opera.</p>
          <p>
            <a href={brand.termsUrl}>Términos y condiciones</a>. {brand.copyright}
          </p>
          <p class="support">
            Soporte: <a href={`mailto:${brand.supportEmail}`}>{brand.supportEmail}</a> · {brand.supportPhone}
          </p>
        </>
      }
    >
      {props.children}
    </PageFrame>
  );
}
