import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { LoadedSession } from '../../auth/session.ts';
import type { Brand } from '../../config.ts';
import { formatRut } from '../../domain/rut.ts';
import { renderToString } from '../../html/render-to-string.ts';
import { can } from '../../policies/policy.ts';
import { RenderedStrings } from '../../cache/rendered-strings.ts';
import { SignOutForm } from '../components/sign-out-form.tsx';
import { PageFrame, pageFrameParts, type PageFrameProps } from './page-frame.tsx';

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

// The navigation and the footer are the same on every page a person opens
// (the navigation: their name, their customer, their role, the current entry
// and their CSRF token; the footer: the brand). Rendered from JSX they were
// a third of a help article's rendering: kept as strings, keyed by
// everything they show, so a kept one can never be out of date. Bounded by
// count and bytes (cache/rendered-strings.ts): a process meets many people.
const navs = new RenderedStrings<HtmlEscapedString>(5_000, 4 * 1024 * 1024);
const footers = new WeakMap<Brand, HtmlEscapedString>();

function navHtml(session: LoadedSession, current: PageProps['current'], csrfToken: string): HtmlEscapedString {
  const { user, customer } = session;
  const key = [user.id, user.name, user.role, user.must_change_password ? 1 : 0, customer.name, customer.rut, current ?? '', csrfToken].join('\u0000');
  return navs.get(key, () => raw(renderToString(<Nav session={session} current={current} csrfToken={csrfToken} />)));
}

function footerHtml(brand: Brand): HtmlEscapedString {
  let html = footers.get(brand);
  if (!html) {
    html = raw(renderToString(<Footer brand={brand} />));
    footers.set(brand, html);
  }
  return html;
}

function Footer(props: { brand: Brand }) {
  const { brand } = props;
  return (
    <>
      <p>Para una mejor experiencia le recomendamos utilizar un navegador web moderno como Chrome, Firefox y Opera.</p>
      <p>
        <a href={brand.termsUrl}>Términos y condiciones</a>. {brand.copyright}
      </p>
      <p class="support">
        Soporte: <a href={`mailto:${brand.supportEmail}`}>{brand.supportEmail}</a> · {brand.supportPhone}
      </p>
    </>
  );
}

function frameProps(props: Omit<PageProps, 'children'>): Omit<PageFrameProps, 'children'> {
  const { brand } = props;
  return {
    documentTitle: `${props.title} · ${brand.name}`,
    brand,
    homeHref: '/',
    tagline: brand.tagline,
    nav: props.session && !props.bare ? navHtml(props.session, props.current, props.csrfToken) : null,
    bare: props.bare,
    flash: props.flash,
    scripts: props.scripts,
    footer: footerHtml(brand),
  };
}

export function Layout(props: PageProps) {
  return <PageFrame {...frameProps(props)}>{props.children}</PageFrame>;
}

/** The layout's markup before and after the page's own content, in three parts (render.tsx's pageBytes; page-frame.tsx's pageFrameParts says which). */
export function layoutParts(props: Omit<PageProps, 'children'>): [head: string, header: string | Buffer, after: string | Buffer] {
  return pageFrameParts(frameProps(props));
}
