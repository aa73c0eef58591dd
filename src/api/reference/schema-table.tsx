import { inlineMarkdown } from './inline-markdown.ts';
import { schemaRows, typeWords, type JsonSchema, type Resolver } from './schema-rows.ts';
import { ScrollBox } from './scroll-box.tsx';

/** A body's schema as a table: one row per field, with its type, whether it is required, and what it means. */
export function SchemaTable(props: { schema: JsonSchema; resolve: Resolver; caption: string }) {
  const rows = schemaRows(props.schema, props.resolve);
  if (rows.length === 0) {
    return <p>{props.caption}: un objeto sin campos ({typeWords(props.schema, props.resolve)}).</p>;
  }
  return (
    <ScrollBox label={props.caption}>
      <table class="data schema">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Campo</th>
            <th scope="col">Tipo</th>
            <th scope="col">Obligatorio</th>
            <th scope="col">Descripción</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <th scope="row">
                <code>{r.path || '(el cuerpo)'}</code>
              </th>
              <td>{r.type}</td>
              <td>{r.required ? 'sí' : 'no'}</td>
              <td>
                {inlineMarkdown(r.description)}
                {r.notes.length > 0 ? <span class="schema-notes"> {inlineMarkdown(r.notes.join(' '))}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}
