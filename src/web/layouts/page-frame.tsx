import type { Child } from 'hono/jsx';
import type { Brand } from '../../config.ts';
import { documentHead } from './document-head.ts';

export interface PageFrameProps {
  /** The whole <title>, brand included. */
  documentTitle: string;
  brand: Brand;
  /** Where the brand in the header leads. */
  homeHref: string;
  tagline?: string;
  /** Classes of the <header>, after site-header. */
  headerClass?: string;
  /** A strip above the header row. */
  banner?: Child;
  nav?: Child;
  /** A page without navigation (sign-in and the like): a narrow column. */
  bare?: boolean;
  flash?: string | null;
  scripts?: readonly string[];
  styles?: readonly string[];
  footer: Child;
  children: Child;
}

/** The frame every page shares, the portal's and the console's: head, skip link, header with the brand, main with the flash, footer. */
export function PageFrame(props: PageFrameProps) {
  const { brand } = props;
  return (
    <html lang="es-CL">
      {documentHead(props.documentTitle, brand.logoUrl, props.scripts, props.styles)}
      <body>
        <a class="skip-link" href="#contenido">
          Ir al contenido
        </a>
        <header class={props.headerClass ? `site-header ${props.headerClass}` : 'site-header'}>
          {props.banner}
          <div class="wrap header-row">
            <a href={props.homeHref} class="brand">
              <img src={brand.logoUrl} alt="" width="40" height="40" />
              <span class="brand-name">{brand.name}</span>
              {props.tagline ? <span class="brand-tagline">{props.tagline}</span> : null}
            </a>
            {props.nav}
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
          <div class="wrap">{props.footer}</div>
        </footer>
      </body>
    </html>
  );
}
