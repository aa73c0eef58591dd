import { CsrfField } from '../../../components/form.tsx';

/** "Subir" and "Bajar" for one item of an ordered list (a system, a category). */
export function MoveButtons(props: { action: string; name: string; first: boolean; last: boolean; csrf: string }) {
  // Plain forms: they work without JavaScript, and each says what it moves for a screen reader.
  return (
    <span class="move">
      {props.first ? null : (
        <form method="post" action={props.action} class="inline">
          <CsrfField token={props.csrf} />
          <input type="hidden" name="direction" value="arriba" />
          <button type="submit" class="link-button" aria-label={`Subir ${props.name}`}>Subir</button>
        </form>
      )}
      {props.first || props.last ? null : ' · '}
      {props.last ? null : (
        <form method="post" action={props.action} class="inline">
          <CsrfField token={props.csrf} />
          <input type="hidden" name="direction" value="abajo" />
          <button type="submit" class="link-button" aria-label={`Bajar ${props.name}`}>Bajar</button>
        </form>
      )}
    </span>
  );
}

