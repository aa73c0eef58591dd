/**
 * Numbered page links under a paginated table: the first, the last and a
 * few around the current one (aria-current="page"), previous and next.
 * `href(n)` keeps the filters of the list.
 */
export function PageLinks(props: { page: number; pageCount: number; href: (page: number) => string; label: string }) {
  const { page, pageCount } = props;
  if (pageCount <= 1) return null;
  const shown = new Set([1, pageCount, page - 2, page - 1, page, page + 1, page + 2].filter((n) => n >= 1 && n <= pageCount));
  const pages = [...shown].sort((a, b) => a - b);
  const items: Array<number | 'gap'> = [];
  for (const n of pages) {
    const prev = items[items.length - 1];
    if (typeof prev === 'number' && n - prev > 1) items.push('gap');
    items.push(n);
  }
  return (
    <nav aria-label={props.label}>
      <ul class="pagination">
        {page > 1 ? (
          <li>
            <a href={props.href(page - 1)} rel="prev">
              Anterior
            </a>
          </li>
        ) : null}
        {items.map((n) =>
          n === 'gap' ? (
            <li aria-hidden="true">…</li>
          ) : (
            <li>
              <a href={props.href(n)} aria-current={n === page ? 'page' : undefined} aria-label={`Página ${n}`}>
                {n}
              </a>
            </li>
          ),
        )}
        {page < pageCount ? (
          <li>
            <a href={props.href(page + 1)} rel="next">
              Siguiente
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

/**
 * Previous / next links only, for a list that does not count its rows (it
 * reads one row past the page to know there is more). They keep the filters:
 * the query string without its page.
 */
export function Pager(props: { base: string; query: URLSearchParams; page: number; hasMore: boolean; label: string }) {
  const href = (n: number) => {
    const q = new URLSearchParams(props.query);
    q.delete('pagina');
    if (n > 1) q.set('pagina', String(n));
    const s = q.toString();
    return s ? `${props.base}?${s}` : props.base;
  };
  if (props.page === 1 && !props.hasMore) return null;
  return (
    <nav aria-label={props.label}>
      <ul class="pagination">
        {props.page > 1 ? (
          <li>
            <a href={href(props.page - 1)} rel="prev">
              ← Anteriores
            </a>
          </li>
        ) : null}
        <li aria-current="page">Página {props.page}</li>
        {props.hasMore ? (
          <li>
            <a href={href(props.page + 1)} rel="next">
              Siguientes →
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
