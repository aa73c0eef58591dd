import { inlineMarkdown } from './inline-markdown.ts';
import type { OpenApiDocumentShape } from './openapi-shape.ts';
import type { Resolver } from './schema-rows.ts';
import { SchemaTable } from './schema-table.tsx';

export const webhookAnchor = (event: string) => `evento-${event.replace(/[^A-Za-z0-9_-]+/g, '-')}`;

/** What the portal sends to the vendor's systems: how a delivery is signed and retried, then each event's body. */
export function WebhooksSection(props: { webhooks: NonNullable<OpenApiDocumentShape['webhooks']>; resolve: Resolver }) {
  const events = Object.entries(props.webhooks);
  return (
    <section aria-labelledby="webhooks">
      <h2 id="webhooks">Webhooks</h2>
      <p>
        El portal avisa a sus sistemas de lo que pasa en él con un <code>POST</code> JSON a las direcciones que un administrador registra en la
        consola, cada una con los eventos que quiere recibir y un secreto. El evento se guarda junto con el cambio que informa (si el cambio no se
        guardó, no hay evento) y se envía después; si su sistema no responde con un <code>2xx</code>, se reintenta con esperas crecientes y, tras
        varios intentos, queda como fallido en el registro de envíos de la consola, desde donde se puede enviar de nuevo.
      </p>
      <p>
        Cada envío va firmado según Standard Webhooks: <code>webhook-id</code> identifica el evento (es el mismo en cada reintento: descarte uno que
        ya procesó), <code>webhook-timestamp</code> es el instante del envío en segundos Unix (rechace uno de hace más de unos minutos) y{' '}
        <code>webhook-signature</code> es <code>v1,</code> seguido del HMAC-SHA256 en base64 de <code>webhook-id.webhook-timestamp.cuerpo</code>, con
        los bytes del secreto (el base64 después de <code>whsec_</code>) como clave. Las bibliotecas de Standard Webhooks lo verifican por usted.
      </p>
      {events.length === 0 ? <p>Todavía no hay eventos descritos.</p> : null}
      {events.map(([event, item]) => {
        const op = item.post ?? Object.values(item)[0];
        const schema = op?.requestBody?.content?.['application/json']?.schema;
        return (
          <section class="api-operation" aria-labelledby={webhookAnchor(event)}>
            <h3 id={webhookAnchor(event)}>
              <code>{event}</code>
              {op?.summary ? <span class="op-summary"> — {op.summary}</span> : null}
            </h3>
            {op?.description ? <p>{inlineMarkdown(op.description)}</p> : null}
            {schema ? <SchemaTable schema={schema} resolve={props.resolve} caption={`Cuerpo JSON del evento ${event}`} /> : null}
          </section>
        );
      })}
    </section>
  );
}
