import { inlineMarkdown } from './inline-markdown.ts';
import { schemaRows, typeWords, type JsonSchema, type Resolver } from './schema-rows.ts';
import { ScrolledTable } from './scroll-box.tsx';

/** A body's schema as a table: one row per field, with its type, whether it is required, and what it means. */
export function SchemaTable(props: { schema: JsonSchema; resolve: Resolver; caption: string }) {
  const rows = schemaRows(props.schema, props.resolve);
  if (rows.length === 0) {
    return <p>{props.caption}: un objeto sin campos ({typeWords(props.schema, props.resolve)}).</p>;
  }
  return (
    <ScrolledTable caption={props.caption} class="data schema" columns={['Campo', 'Tipo', 'Obligatorio', 'Descripción']}>
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
    </ScrolledTable>
  );
}
