import { OperationLink } from './operation-link.tsx';
import { API_BODY_LIMIT } from '../api-body.ts';
import { API_SCOPE_LABEL, API_SCOPES } from '../api-scopes.ts';
import { DEFAULT_PAGE, MAX_PAGE } from '../cursor.ts';
import { PROBLEM_CODES, problemAnchor } from '../problem-codes.ts';
import { inlineMarkdown } from './inline-markdown.ts';
import type { LocatedOperation } from './openapi-shape.ts';
import type { JsonSchema, Resolver } from './schema-rows.ts';
import { SchemaTable } from './schema-table.tsx';
import { ScrolledTable } from './scroll-box.tsx';

/** What every operation shares, before the operations: tokens, permissions, errors, and the headers that make retries safe. */
/** The per-token limits this portal runs with (config.apiRateLimit): the page states them, as a client plans by them. */
export interface RateLimits {
  perMinute: number;
  burst: number;
  burstWindowMinutes: number;
}

export function ReferenceIntro(props: { operations: LocatedOperation[]; problemSchema: JsonSchema | undefined; resolve: Resolver; limits: RateLimits }) {
  const { limits } = props;
  return (
    <>
      <section aria-labelledby="autenticacion">
        <h2 id="autenticacion">Autenticación</h2>
        <p>
          Cada llamada lleva un token de la API en el encabezado <code>Authorization</code>:
        </p>
        <pre>
          <code>Authorization: Bearer mpt_…</code>
        </pre>
        <p>
          Un administrador del proveedor crea los tokens en la consola (<a href="/proveedor/api">/proveedor/api</a>, «API») o en la terminal con{' '}
          <code>portal api-token create</code>. Cada token tiene un nombre, sus permisos y un vencimiento; se muestra una sola vez y el portal guarda
          solo su huella, así que guárdelo donde guarda las demás claves de su sistema. Se puede revocar en cualquier momento, con efecto inmediato.
        </p>
        <p>
          El token va solo en ese encabezado: uno escrito en la dirección (<code>?token=…</code>) o con otro esquema (<code>Basic</code>, cookies) no
          se acepta. Sin token válido la respuesta es <code>401</code> con <a href={`#${problemAnchor('unauthorized')}`}>unauthorized</a> y el
          encabezado <code>WWW-Authenticate: Bearer</code>. Cada llamada autenticada queda en la auditoría del portal, con el token como autor.
        </p>
      </section>

      <section aria-labelledby="permisos">
        <h2 id="permisos">Permisos</h2>
        <p>
          Cada operación pide un permiso, que se indica junto a ella. Un token sin ese permiso recibe <code>403</code>{' '}
          <a href={`#${problemAnchor('insufficient-scope')}`}>insufficient-scope</a> antes de que se lea o cambie nada.
        </p>
        <ScrolledTable caption="Permisos de un token y las operaciones que habilitan" columns={['Permiso', 'Permite', 'Operaciones']}>
              {API_SCOPES.map((scope) => {
                const ops = props.operations.filter((o) => o.op['x-required-scope'] === scope);
                return (
                  <tr>
                    <th scope="row">
                      <code>{scope}</code>
                    </th>
                    <td>{API_SCOPE_LABEL[scope]}</td>
                    <td>
                      {ops.length === 0 ? (
                        'Ninguna todavía.'
                      ) : (
                        <ul class="plain-list">
                          {ops.map((o) => (
                            <li>
                              <OperationLink o={o} />
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                );
              })}
        </ScrolledTable>
      </section>

      <section aria-labelledby="errores">
        <h2 id="errores">Errores</h2>
        <p>
          Un error llega como <code>application/problem+json</code> (RFC 9457) con un código estable en <code>code</code>, sobre el que su sistema
          puede decidir, y una explicación en castellano en <code>detail</code>. Si hubo datos inválidos, <code>errors</code> trae uno por campo, con
          un JSON Pointer al campo:
        </p>
        <pre>
          <code>
            {JSON.stringify(
              {
                type: `/api/v1/docs#${problemAnchor('validation')}`,
                title: 'Datos inválidos',
                status: 422,
                code: 'validation',
                detail: 'Revise los datos marcados.',
                instance: 'b1d7c0de-…',
                errors: [{ pointer: '/rut', detail: 'El RUT no es válido: revise el dígito verificador.' }],
              },
              null,
              2,
            )}
          </code>
        </pre>
        <p>
          <code>type</code> lleva a la explicación de su código, más abajo; <code>instance</code> identifica la solicitud en el registro del portal
          (cítelo al pedir ayuda). Un error nunca deja nada a medio hacer: si la respuesta es un error, no se guardó nada.
        </p>
        {props.problemSchema ? <SchemaTable schema={props.problemSchema} resolve={props.resolve} caption="Campos de un problema (application/problem+json)" /> : null}
        <h3 id="codigos-de-problema">Códigos</h3>
        {Object.entries(PROBLEM_CODES).map(([code, doc]) => (
          <section id={problemAnchor(code)} class="problem-code" aria-labelledby={`${problemAnchor(code)}-titulo`}>
            <h4 id={`${problemAnchor(code)}-titulo`}>
              <code>{code}</code> · {doc.statuses.join(', ')}
            </h4>
            <p>{inlineMarkdown(doc.meaning)}</p>
          </section>
        ))}
      </section>

      <section aria-labelledby="reintentos">
        <h2 id="reintentos">Reintentos seguros: Idempotency-Key</h2>
        <p>
          Toda operación <code>POST</code> acepta el encabezado <code>Idempotency-Key</code> (un valor único que su sistema elige por operación, por
          ejemplo un UUID). Si la conexión se corta y no sabe si la operación se hizo, repítala con la misma clave y el mismo cuerpo: durante 24
          horas recibe la misma respuesta que la primera vez, con <code>Idempotent-Replayed: true</code>, y la operación no se hace dos veces. La
          misma clave con otro cuerpo u otra operación es un error <code>422</code> (
          <a href={`#${problemAnchor('idempotency-key-reused')}`}>idempotency-key-reused</a>); mientras la primera solicitud sigue en curso, un{' '}
          <code>409</code> (<a href={`#${problemAnchor('idempotency-key-in-progress')}`}>idempotency-key-in-progress</a>) con{' '}
          <code>Retry-After</code>. Una respuesta <code>5xx</code> no se guarda: repetir con la misma clave vuelve a intentar la operación.
        </p>
      </section>

      <section aria-labelledby="versiones">
        <h2 id="versiones">Cambios sin pisar otros: ETag e If-Match</h2>
        <p>
          Un recurso leído trae su versión en el encabezado <code>ETag</code>. Al cambiarlo, envíe esa versión en <code>If-Match</code>: si otro lo
          cambió entretanto, la respuesta es <code>412</code> (<a href={`#${problemAnchor('precondition-failed')}`}>precondition-failed</a>) y no se
          cambia nada; léalo de nuevo y decida. Sin <code>If-Match</code>, el cambio se aplica sobre la versión actual.
        </p>
      </section>

      <section aria-labelledby="paginacion">
        <h2 id="paginacion">Listas por páginas</h2>
        <p>
          Las listas largas se leen por páginas: <code>limit</code> dice cuántos elementos traer (de 1 a {MAX_PAGE}; {DEFAULT_PAGE} si no se indica)
          y la respuesta trae <code>nextCursor</code> cuando hay más. Para la página siguiente, repita la consulta con{' '}
          <code>cursor=&lt;nextCursor&gt;</code>, sin cambiarlo. Las páginas no se desordenan cuando se agregan elementos entre una y otra.
        </p>
      </section>

      <section aria-labelledby="limites">
        <h2 id="limites">Límites</h2>
        <p>
          Cada token puede hacer hasta {limits.perMinute} llamadas por minuto
          {limits.burst > 0 ? `, más una reserva de ${limits.burst} cada ${limits.burstWindowMinutes} minutos para momentos de más trabajo` : ''}. Cada
          respuesta dice cómo va el token:{' '}
          <code>RateLimit-Limit</code>, <code>RateLimit-Remaining</code>, <code>RateLimit-Reset</code> (segundos) y <code>RateLimit-Policy</code>.
          Al pasarlo, la respuesta es <code>429</code> (<a href={`#${problemAnchor('rate-limited')}`}>rate-limited</a>) con <code>Retry-After</code>:
          espere esos segundos antes de seguir. Un cuerpo
          puede tener hasta {API_BODY_LIMIT / 1024} KiB, en JSON y UTF-8 (<code>Content-Type: application/json</code>).
        </p>
      </section>
    </>
  );
}
