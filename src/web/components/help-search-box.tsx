/**
 * The search box on every help page. A plain GET form (it works without
 * JavaScript); help-search.js turns it into a combobox with suggestions.
 */
export function HelpSearchBox(props: { query?: string; system?: string; action?: string; suggest?: string | null }) {
  // The console's preview sends its own search and offers no suggestions (no script there, no second endpoint to guard).
  const suggest = props.suggest === undefined ? '/ayuda/sugerencias' : props.suggest;
  return (
    <form class="help-search" role="search" method="get" action={props.action ?? '/ayuda/buscar'} data-suggest={suggest ?? undefined}>
      <label for="q" class="visually-hidden">
        Buscar en la ayuda
      </label>
      <div class="help-search-field">
        <input
          type="search"
          id="q"
          name="q"
          value={props.query ?? ''}
          placeholder="Buscar en la ayuda, por ejemplo: cerrar el mes"
          autocomplete="off"
          maxlength={200}
          aria-describedby="q-ayuda"
        />
        {props.system ? <input type="hidden" name="sistema" value={props.system} /> : null}
        <button type="submit">Buscar</button>
      </div>
      <p id="q-ayuda" class="visually-hidden">
        Escriba palabras de lo que necesita hacer.{suggest ? ' Con JavaScript activo aparecen sugerencias mientras escribe.' : ''}
      </p>
    </form>
  );
}
