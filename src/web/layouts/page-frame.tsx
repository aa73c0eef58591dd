import { randomUUID } from 'node:crypto';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { renderToString } from '../../html/render-to-string.ts';
import type { Brand } from '../../config.ts';
import { documentHead } from './document-head.ts';
import { ownUtf8 } from '../../html/own-bytes.ts';

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

/** The frame every page shares, the portal's and the console's: head, skip link, header with the brand, main with the flash, footer. Exported for page-frame.test.tsx: PageFrame's pieces must render what it does. */
export function FrameMarkup(props: PageFrameProps & { head: Child }) {
  const { brand } = props;
  return (
    <html lang="es-CL">
      {props.head}
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

// The frame's markup around its slots is the same on every page of an
// audience (it depends on the brand, the home link, the tagline, the
// header's class and whether the page is bare): rendered from JSX once per
// such combination, with markers where the slots go, and cut into the
// pieces between them. A page then costs a few string joins instead of
// rendering some twenty elements again (decision 0021).
const MARK = `\u0000${randomUUID()}:`;
const SLOTS = ['head', 'banner', 'nav', 'flash', 'children', 'footer'] as const;
type Pieces = [string, string, string, string, string, string, string];
const framesByBrand = new WeakMap<Brand, Map<string, Pieces>>();

function framePieces(props: PageFrameProps): Pieces {
  let frames = framesByBrand.get(props.brand);
  if (!frames) framesByBrand.set(props.brand, (frames = new Map()));
  const key = [props.homeHref, props.tagline ?? '', props.headerClass ?? '', props.bare ? 1 : 0].join('\u0000');
  let pieces = frames.get(key);
  if (!pieces) {
    const marked = renderToString(
      <FrameMarkup
        {...props}
        head={raw(`${MARK}0`)}
        banner={raw(`${MARK}1`)}
        nav={raw(`${MARK}2`)}
        flash={null}
        footer={raw(`${MARK}5`)}
      >
        {raw(`${MARK}3${MARK}4`)}
      </FrameMarkup>,
    );
    const cut = marked.split(new RegExp(`${MARK}\\d`));
    if (cut.length !== SLOTS.length + 1) throw new Error('page frame: a slot marker is missing');
    pieces = cut as Pieces;
    frames.set(key, pieces);
  }
  return pieces;
}

function Flash(props: { message: string }) {
  return (
    <p class="notice success" role="status">
      {props.message}
    </p>
  );
}

const slotHtml = (child: Child): string => (child === null || child === undefined || child === false ? '' : renderToString(<>{child}</>));

type FrameSlots = Omit<PageFrameProps, 'children'>;

// The frame's three parts as text: up to the end of the <head> (the page's title is there), the
// header with the navigation up to where the content goes, and the footer after it.
const headText = (props: FrameSlots, [p0]: Pieces) => p0 + documentHead(props.documentTitle, props.brand.logoUrl, props.scripts, props.styles);
const headerText = (props: FrameSlots, [, p1, p2, p3, p4]: Pieces) =>
  p1 + slotHtml(props.banner) + p2 + slotHtml(props.nav) + p3 + (props.flash ? renderToString(<Flash message={props.flash} />) : '') + p4;
const footerText = (props: FrameSlots, pieces: Pieces) => pieces[5] + slotHtml(props.footer) + pieces[6];

/**
 * The frame's three parts, for pages written as bytes (render.tsx's
 * pageBytes). The header is the same on every page a person opens of one
 * section, the footer on every page: where their markup is a kept object
 * (the navigation and footer strings layout.tsx keeps, HtmlEscapedString
 * objects) the part is kept as UTF-8 beside it, by that object. Encoding
 * them with their accents on every page was a sixth of an article's CPU
 * (issue 10).
 */
export function pageFrameParts(props: FrameSlots): [head: string, header: string | Buffer, after: string | Buffer] {
  const pieces = framePieces(props as PageFrameProps);
  const header = isKept(props.nav) && !props.banner && !props.flash ? keptBytes(headerBytes, props.nav, pieces, () => headerText(props, pieces)) : headerText(props, pieces);
  const after = isKept(props.footer) ? keptBytes(footerBytes, props.footer, pieces, () => footerText(props, pieces)) : footerText(props, pieces);
  return [headText(props, pieces), header, after];
}

const isKept = (child: Child | undefined): child is Child & object => typeof child === 'object' && child !== null;
const headerBytes = new WeakMap<object, { pieces: Pieces; bytes: Buffer }>();
const footerBytes = new WeakMap<object, { pieces: Pieces; bytes: Buffer }>();

/** The part for `slot` in the frame `pieces`, as kept UTF-8 (made with `text` the first time). */
function keptBytes(kept: WeakMap<object, { pieces: Pieces; bytes: Buffer }>, slot: object, pieces: Pieces, text: () => string): Buffer {
  const k = kept.get(slot);
  if (k && k.pieces === pieces) return k.bytes;
  const bytes = ownUtf8(text());
  kept.set(slot, { pieces, bytes });
  return bytes;
}

/** The frame's markup before and after its main content: what PageFrame puts around its children. */
export function pageFrameHalves(props: FrameSlots): [before: string, after: string] {
  const pieces = framePieces(props as PageFrameProps);
  return [headText(props, pieces) + headerText(props, pieces), footerText(props, pieces)];
}

export function PageFrame(props: PageFrameProps) {
  const [before, after] = pageFrameHalves(props);
  return raw(before + slotHtml(props.children) + after);
}
