import type { Child } from 'hono/jsx';
import type { ArticleFeedback, RangeComment } from '../../help/feedback-report.ts';
import type { SystemReads } from '../../help/reading-report.ts';
import { formatDateTime } from '../components/format.ts';

/** The comments of a range, under their article's "<system>/<slug>" key (the order commentsInRange gave). */
export function commentsByArticle(comments: RangeComment[]): Map<string, RangeComment[]> {
  const grouped = new Map<string, RangeComment[]>();
  for (const k of comments) grouped.set(`${k.system}/${k.slug}`, [...(grouped.get(`${k.system}/${k.slug}`) ?? []), k]);
  return grouped;
}

/**
 * Votes per article with their comments folded under each row: the console's Informes and Búsquedas pages.
 * `onlyNo`: the comments given are the «No» ones, so is the count shown when they were not all loaded.
 */
export function FeedbackTable(props: { feedback: ArticleFeedback[]; comments: Map<string, RangeComment[]>; caption: string; empty: string; onlyNo?: boolean }) {
  if (props.feedback.length === 0) return <p>{props.empty}</p>;
  const label = props.onlyNo ? 'Comentarios «No»' : 'Comentarios';
  return (
    <div class="table-scroll">
      <table class="data stack">
        <caption>{props.caption}</caption>
        <thead><tr><th scope="col">Artículo</th><th scope="col">Sistema</th><th scope="col">Sí</th><th scope="col">No</th><th scope="col">{label}</th></tr></thead>
        <tbody>
          {props.feedback.map((f) => {
            const comments = props.comments.get(`${f.system}/${f.slug}`) ?? [];
            return (
              <tr>
                <th scope="row">{f.title}</th>
                <td data-label="Sistema">{f.system}</td>
                <td data-label="Sí">{f.yes}</td>
                <td data-label="No">{f.no}</td>
                <td data-label={label}>
                  {comments.length === 0 ? (props.onlyNo ? f.noComments : f.comments) || '—' : (
                    <details>
                      <summary>{comments.length} {comments.length === 1 ? 'comentario' : 'comentarios'}</summary>
                      <ul>
                        {comments.map((k) => (
                          <li>
                            <strong>{k.helpful ? 'Sí' : 'No'}</strong> · <bdi>{k.customer}</bdi> · {formatDateTime(k.at)}: <q><bdi>{k.comment}</bdi></q>
                          </li>
                        ))}
                      </ul>
                    </details>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The most read articles, a list per system under an h3. */
export function MostReadLists(props: { reads: SystemReads[]; idPrefix: string }) {
  if (props.reads.length === 0) return <p>No hubo lecturas en el período.</p>;
  return (
    <>
      {props.reads.map((s) => (
        <section aria-labelledby={`${props.idPrefix}-${s.system}`}>
          <h3 id={`${props.idPrefix}-${s.system}`}>{s.systemName}</h3>
          <ol>
            {s.articles.map((a) => (
              <li>
                {a.title} <span class="muted">({a.reads} {a.reads === 1 ? 'lectura' : 'lecturas'})</span>
              </li>
            ))}
          </ol>
        </section>
      ))}
    </>
  );
}

/** A table of searches: the query (user input, isolated) heads each row, then the given columns. */
export function SearchQueryTable<T extends { query: string }>(props: { caption: string; empty: string; rows: T[]; columns: ReadonlyArray<readonly [string, (row: T) => Child]> }) {
  if (props.rows.length === 0) return <p>{props.empty}</p>;
  return (
    <div class="table-scroll">
      <table class="data stack">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Búsqueda</th>
            {props.columns.map(([label]) => <th scope="col">{label}</th>)}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <th scope="row"><bdi>{r.query}</bdi></th>
              {props.columns.map(([label, cell]) => <td data-label={label}>{cell(r)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
