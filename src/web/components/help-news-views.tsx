import type { SystemSummary } from '../../help/help-access.ts';
import type { HelpNews, HelpNewsItem } from '../../help/news/list-help-news.ts';
import { vendorToday } from '../../domain/contracts.ts';
import { formatDay } from './format.ts';

const KIND_LABEL = { new: 'Nuevo', updated: 'Actualizado' } as const;

/** Where a system's Novedades page is, under the customer's help. */
export const newsHref = (systemSlug: string) => `/ayuda/${systemSlug}/novedades`;

/** Articles published or changed, newest first, each with its change note. */
export function NewsList(props: { items: HelpNewsItem[]; showSystem?: boolean }) {
  return (
    <ul class="article-list news-list">
      {props.items.map((i) => (
        <li>
          <span class={`badge ${i.kind === 'new' ? 'badge-new' : 'badge-updated'}`}>{KIND_LABEL[i.kind]}</span>{' '}
          <a href={`/ayuda/${i.systemSlug}/${i.slug}`}>{i.title}</a>
          <p>
            {props.showSystem ? `${i.systemName} · ` : ''}
            <time datetime={i.publishedAt}>{formatDay(vendorToday(new Date(i.publishedAt)))}</time>
            {i.changeNote ? ` · ${i.changeNote}` : ''}
          </p>
        </li>
      ))}
    </ul>
  );
}

/** The help home's "what changed since your last visit" (or, on a first visit, lately). */
export function ChangesSinceVisit(props: { news: HelpNews; systems: SystemSummary[]; firstVisit: boolean; firstVisitDays: number }) {
  const { news } = props;
  const heading = props.firstVisit ? `Cambios de los últimos ${props.firstVisitDays} días` : 'Cambios desde su última visita';
  return (
    <section aria-labelledby="cambios" class="help-changes">
      <h2 id="cambios">{heading}</h2>
      {news.total === 0 ? (
        <p>{props.firstVisit ? `No hubo cambios en la ayuda de sus sistemas en los últimos ${props.firstVisitDays} días.` : 'No hay nada nuevo en la ayuda de sus sistemas desde su última visita.'}</p>
      ) : (
        <NewsList items={news.items} showSystem />
      )}
      <ul class="inline-links">
        {props.systems.map((s) => {
          const n = news.perSystem[s.id] ?? 0;
          return (
            <li>
              <a href={newsHref(s.slug)}>
                Novedades de {s.name}
                {n > 0 ? ` (${n === 1 ? '1 artículo' : `${n} artículos`} desde ${props.firstVisit ? 'hace dos semanas' : 'su última visita'})` : ''}
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
