import { OperationLink } from './operation-link.tsx';
import type { Brand } from '../../config.ts';
import { renderToString } from '../../html/render-to-string.ts';
import { DOCTYPE } from '../../web/html-response.ts';
import { PageFrame } from '../../web/layouts/page-frame.tsx';
import { inlineMarkdown } from './inline-markdown.ts';
import { OperationSection } from './operation-section.tsx';
import { operationsOf, type LocatedOperation, type OpenApiDocumentShape } from './openapi-shape.ts';
import { ReferenceIntro, type RateLimits } from './reference-intro.tsx';
import { resolverOf } from './schema-rows.ts';
import { webhookAnchor, WebhooksSection } from './webhooks-section.tsx';

const UNTAGGED = 'Otras operaciones';

/** Operations by their first tag, tags in the document's order (its `tags` list first, then as they appear). */
function byTag(doc: OpenApiDocumentShape, operations: LocatedOperation[]): [string, LocatedOperation[]][] {
  const groups = new Map<string, LocatedOperation[]>((doc.tags ?? []).map((t) => [t.name, []]));
  for (const o of operations) {
    const tag = o.op.tags?.[0] ?? UNTAGGED;
    if (!groups.has(tag)) groups.set(tag, []);
    groups.get(tag)!.push(o);
  }
  return [...groups].filter(([, ops]) => ops.length > 0);
}

const tagAnchor = (tag: string) => `grupo-${tag.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;

/**
 * The API's reference, as one HTML page rendered from its OpenAPI
 * document: readable without JavaScript or anything from another site, and
 * the place every problem's `type` points to.
 */
export function renderApiReference(doc: OpenApiDocumentShape, brand: Brand, limits: RateLimits): string {
  const operations = operationsOf(doc);
  const groups = byTag(doc, operations);
  const resolve = resolverOf(doc);
  const base = doc.servers?.[0]?.url ?? '';
  const webhooks = doc.webhooks ?? {};
  const tagDescription = new Map((doc.tags ?? []).map((t) => [t.name, t.description]));
  const page = (
    <PageFrame
      documentTitle={`Referencia de la API · ${brand.name}`}
      brand={brand}
      homeHref="/"
      tagline="API de aprovisionamiento"
      styles={['api-reference.css']}
      footer={
        <p>
          Documento OpenAPI 3.1 de esta API: <a href={`${base}/openapi.json`}>{`${base}/openapi.json`}</a> (versión {doc.info.version}).
        </p>
      }
    >
      <div class="api-reference">
        <h1>{doc.info.title}</h1>
        {doc.info.description ? <p class="lead">{inlineMarkdown(doc.info.description)}</p> : null}
        <p>
          Todas las direcciones empiezan con <code>{base}</code>. El documento OpenAPI, para generar un cliente o importarlo en su herramienta, está en{' '}
          <a href={`${base}/openapi.json`}>
            <code>{`${base}/openapi.json`}</code>
          </a>
          .
        </p>
        <nav class="api-toc" aria-label="Contenido de la referencia">
          <ul>
            <li>
              <a href="#autenticacion">Autenticación</a>, <a href="#permisos">permisos</a>, <a href="#errores">errores</a>,{' '}
              <a href="#reintentos">reintentos seguros</a>, <a href="#versiones">versiones</a>, <a href="#paginacion">páginas</a> y{' '}
              <a href="#limites">límites</a>
            </li>
            {groups.map(([tag, ops]) => (
              <li>
                <a href={`#${tagAnchor(tag)}`}>{tag}</a>
                <ul>
                  {ops.map((o) => (
                    <li>
                      <OperationLink o={o} />
                      {o.op.summary ? ` — ${o.op.summary}` : ''}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
            <li>
              <a href="#webhooks">Webhooks</a>
              {Object.keys(webhooks).length > 0 ? (
                <ul>
                  {Object.keys(webhooks).map((e) => (
                    <li>
                      <a href={`#${webhookAnchor(e)}`}>
                        <code>{e}</code>
                      </a>
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          </ul>
        </nav>
        <ReferenceIntro operations={operations} problemSchema={doc.components?.schemas?.Problem} resolve={resolve} limits={limits} />
        {groups.map(([tag, ops]) => (
          <section aria-labelledby={tagAnchor(tag)}>
            <h2 id={tagAnchor(tag)}>{tag}</h2>
            {tagDescription.get(tag) ? <p>{inlineMarkdown(tagDescription.get(tag))}</p> : null}
            {ops.map((o) => (
              <OperationSection o={o} base={base} resolve={resolve} />
            ))}
          </section>
        ))}
        <WebhooksSection webhooks={webhooks} resolve={resolve} />
      </div>
    </PageFrame>
  );
  return DOCTYPE + renderToString(page);
}
