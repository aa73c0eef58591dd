import { helpLinks, type HelpLinks } from '../../components/help-views.tsx';

/** Where a preview lives: any technical user of the customer, or one of them. */
export function previewBase(customerId: string, userId: string | null): string {
  const id = encodeURIComponent(customerId);
  return userId ? `/proveedor/clientes/${id}/vista-previa-usuario/${encodeURIComponent(userId)}` : `/proveedor/clientes/${id}/vista-previa`;
}

export function previewLinks(customerId: string, userId: string | null): HelpLinks {
  return helpLinks(previewBase(customerId, userId));
}

/**
 * An article's stored HTML links its neighbours and files as /ayuda/… (the
 * renderer writes every relative link that way, always as a double-quoted
 * href or src). In the preview those would lead to the customer's pages,
 * where staff have no session: point them into the preview instead.
 */
export function rewriteHelpLinks(html: string, base: string): string {
  return html.replace(/(\s(?:href|src)=")\/ayuda\//g, `$1${base}/`);
}
