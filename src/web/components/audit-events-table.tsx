import type { AuditEventView, AuditPage } from '../../audit/list-audit-events.ts';
import { formatRut } from '../../domain/rut.ts';
import { formatDateTime } from './format.ts';
import { Pager } from './page-links.tsx';

/** The audit trail as a table that stacks on a phone; the customer's page leaves out the customer and address columns. */
export function AuditEventsTable(props: { events: AuditEventView[]; caption: string; showCustomer: boolean }) {
  return (
    <div class="table-scroll">
      <table class="data stack">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Cuándo</th>
            <th scope="col">Acción</th>
            <th scope="col">Quién</th>
            {props.showCustomer ? <th scope="col">Cliente</th> : null}
            <th scope="col">Sobre</th>
            {props.showCustomer ? <th scope="col">Desde</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.events.map((e) => (
            <tr>
              <th scope="row">
                <time datetime={e.at}>{formatDateTime(e.at)}</time>
              </th>
              <td data-label="Acción">{e.actionLabel}</td>
              <td data-label="Quién">
                <bdi>{e.actorLabel}</bdi>
                {e.actorLabel !== e.actorKindLabel ? <span class="muted"> · {e.actorKindLabel}</span> : null}
              </td>
              {props.showCustomer ? (
                <td data-label="Cliente">
                  {e.customerId && e.customerName ? (
                    <>
                      <bdi>{e.customerName}</bdi> <span class="muted">({formatRut(e.customerRut ?? '')})</span>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
              ) : null}
              <td data-label="Sobre">{e.targetLabel ? <bdi>{e.targetLabel}</bdi> : '—'}</td>
              {props.showCustomer ? <td data-label="Desde">{e.ip ?? '—'}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One page of the trail for Actividad and Auditoría: a notice when nothing matches, else the table and its pager. */
export function AuditEventsPage(p: { result: AuditPage; empty: string; caption: string; showCustomer: boolean; base: string; query: URLSearchParams; pagerLabel: string }) {
  if (p.result.events.length === 0) return <p class="notice">{p.empty}</p>;
  return (
    <>
      <AuditEventsTable events={p.result.events} caption={p.caption} showCustomer={p.showCustomer} />
      <Pager base={p.base} query={p.query} page={p.result.page} hasMore={p.result.hasMore} label={p.pagerLabel} />
    </>
  );
}
