import type { Child } from 'hono/jsx';

/**
 * A wide table's box, scrolled sideways on a phone instead of widening the
 * page. Focusable and named (its table's caption) so a keyboard can scroll
 * it too: axe's scrollable-region-focusable.
 */
export function ScrollBox(props: { label: string; children: Child }) {
  return (
    <div class="table-scroll" role="region" aria-label={props.label} tabindex={0}>
      {props.children}
    </div>
  );
}

/** A reference table in its scroll box: the box named by the caption, a header row of `columns`, then the rows given. */
export function ScrolledTable(props: { caption: string; columns: readonly string[]; class?: string; children: Child }) {
  return (
    <ScrollBox label={props.caption}>
      <table class={props.class ?? 'data'}>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </ScrollBox>
  );
}
