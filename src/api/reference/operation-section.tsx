import { PROBLEM_TYPE } from '../problem.ts';
import { inlineMarkdown } from './inline-markdown.ts';
import { operationAnchor, type LocatedOperation, type ResponseObject } from './openapi-shape.ts';
import { typeWords, type Resolver } from './schema-rows.ts';
import { SchemaTable } from './schema-table.tsx';
import { ScrolledTable } from './scroll-box.tsx';

const IN_WORD: Record<string, string> = { path: 'ruta', query: 'consulta', header: 'encabezado', cookie: 'cookie' };

/** A problem answer is explained once, in Errores: here only its status and when it happens. */
const isProblem = (r: ResponseObject) => Object.keys(r.content ?? {}).every((t) => t === PROBLEM_TYPE) && r.content !== undefined;

/** One operation: what it does, what it needs, what it takes and what it answers. */
export function OperationSection(props: { o: LocatedOperation; base: string; resolve: Resolver }) {
  const { o, base, resolve } = props;
  const { op } = o;
  const id = operationAnchor(o);
  const label = `${o.method.toUpperCase()} ${o.path}`;
  const params = op.parameters ?? [];
  const body = op.requestBody?.content?.['application/json']?.schema;
  const statuses = Object.keys(op.responses).sort();
  return (
    <section class="api-operation" aria-labelledby={id}>
      <h3 id={id}>
        <span class={`http-method http-${o.method}`}>{o.method.toUpperCase()}</span> <code>{o.path}</code>
        {op.summary ? <span class="op-summary"> — {op.summary}</span> : null}
      </h3>
      <dl class="identity">
        <dt>Dirección</dt>
        <dd>
          <code>
            {o.method.toUpperCase()} {base}
            {o.path}
          </code>
        </dd>
        <dt>Permiso</dt>
        <dd>{op['x-required-scope'] ? <code>{op['x-required-scope']}</code> : 'ninguno (pública)'}</dd>
        {op.operationId ? (
          <>
            <dt>Identificador</dt>
            <dd>
              <code>{op.operationId}</code>
            </dd>
          </>
        ) : null}
      </dl>
      {op.deprecated ? <p class="notice">Esta operación está obsoleta: no la use en integraciones nuevas.</p> : null}
      {op.description ? <p>{inlineMarkdown(op.description)}</p> : null}

      {params.length > 0 ? (
        <ScrolledTable caption={`Parámetros de ${label}`} columns={['Nombre', 'En', 'Tipo', 'Obligatorio', 'Descripción']}>
              {params.map((p) => (
                <tr>
                  <th scope="row">
                    <code>{p.name}</code>
                  </th>
                  <td>{IN_WORD[p.in] ?? p.in}</td>
                  <td>{p.schema ? typeWords(p.schema, resolve) : 'texto'}</td>
                  <td>{p.required ? 'sí' : 'no'}</td>
                  <td>{inlineMarkdown(p.description ?? p.schema?.description)}</td>
                </tr>
              ))}
        </ScrolledTable>
      ) : null}

      {body ? (
        <>
          <h4>Cuerpo de la solicitud</h4>
          {op.requestBody?.description ? <p>{inlineMarkdown(op.requestBody.description)}</p> : null}
          <SchemaTable schema={body} resolve={resolve} caption={`Cuerpo JSON de ${label}`} />
        </>
      ) : null}

      <h4>Respuestas</h4>
      <ScrolledTable caption={`Respuestas de ${label}`} columns={['Estado', 'Significa', 'Cuerpo']}>
            {statuses.map((status) => {
              const r = op.responses[status]!;
              const types = Object.keys(r.content ?? {});
              return (
                <tr>
                  <th scope="row">{status}</th>
                  <td>
                    {inlineMarkdown(r.description)}
                    {r.headers
                      ? Object.entries(r.headers).map(([h, d]) => (
                          <span class="response-header">
                            {' '}
                            Encabezado <code>{h}</code>
                            {d.description ? <>: {inlineMarkdown(d.description)}</> : null}
                          </span>
                        ))
                      : null}
                  </td>
                  <td>
                    {types.length === 0 ? (
                      'sin cuerpo'
                    ) : isProblem(r) ? (
                      <a href="#errores">
                        <code>{PROBLEM_TYPE}</code>
                      </a>
                    ) : (
                      types.map((t) => <code>{t}</code>)
                    )}
                  </td>
                </tr>
              );
            })}
      </ScrolledTable>
      {statuses.map((status) => {
        const r = op.responses[status]!;
        if (isProblem(r)) return null;
        const schema = r.content?.['application/json']?.schema;
        return schema ? <SchemaTable schema={schema} resolve={resolve} caption={`Cuerpo de la respuesta ${status} de ${label}`} /> : null;
      })}
    </section>
  );
}
