import { CsrfField } from '../../../components/form.tsx';

/** "Subir" and "Bajar" for one item of an ordered list (a system, a category). */
export function MoveButtons(props: { action: string; name: string; first: boolean; last: boolean; csrf: string }) {
  // Plain forms: they work without JavaScript, and each says what it moves for a screen reader.
  return (
    <span class="move">
      {props.first ? null : <MoveForm action={props.action} csrf={props.csrf} direction="arriba" label={`Subir ${props.name}`} text="Subir" />}
      {props.first || props.last ? null : ' · '}
      {props.last ? null : <MoveForm action={props.action} csrf={props.csrf} direction="abajo" label={`Bajar ${props.name}`} text="Bajar" />}
    </span>
  );
}

function MoveForm(props: { action: string; csrf: string; direction: 'arriba' | 'abajo'; label: string; text: string }) {
  return (
    <form method="post" action={props.action} class="inline">
      <CsrfField token={props.csrf} />
      <input type="hidden" name="direction" value={props.direction} />
      <button type="submit" class="link-button" aria-label={props.label}>{props.text}</button>
    </form>
  );
}
