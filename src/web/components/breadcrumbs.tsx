/** "Ayuda en línea › Contabilidad › Cierre" — the last item is the current page. */
export function Breadcrumbs(props: { items: Array<[string, string | null]> }) {
  return (
    <nav aria-label="Ruta" class="breadcrumbs">
      <ol>
        {props.items.map(([label, href]) => (
          <li>{href ? <a href={href}>{label}</a> : <span aria-current="page">{label}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}
