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
