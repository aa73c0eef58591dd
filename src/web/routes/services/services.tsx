import { Hono } from 'hono';
import type { SharedCache, SharedCaches } from '../../../cache/shared-cache.ts';
import type { ContractView, ServicesOverview } from '../../../customers/list-contracts.ts';
import { servicesOverview } from '../../../customers/list-contracts.ts';
import { vendorToday } from '../../../domain/contracts.ts';
import { formatDay } from '../../components/format.ts';
import type { Deps } from '../../../deps.ts';
import type { AppEnv } from '../../env.ts';
import { requireUser, sessionOf } from '../../middleware/require-user.ts';
import { ownUtf8 } from '../../../html/own-bytes.ts';
import { renderToString } from '../../../html/render-to-string.ts';
import { pageAround } from '../../render.tsx';

function ContractsTable(props: { caption: string; contracts: ContractView[]; withHelp: boolean }) {
  return (
    <div class="table-scroll">
      <table class="data stack">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Sistema</th>
            <th scope="col">Plan</th>
            <th scope="col">Desde</th>
            <th scope="col">Hasta</th>
            {props.withHelp ? <th scope="col">Ayuda</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.contracts.map((k) => (
            <tr>
              <th scope="row">{k.systemName}</th>
              <td data-label="Plan">{k.plan}</td>
              <td data-label="Desde">{formatDay(k.startsOn)}</td>
              <td data-label="Hasta">
                {k.endsOn ? formatDay(k.endsOn) : 'Indefinido'}
                {k.endsInDays !== null ? (
                  <span class="badge warning">{k.endsInDays === 0 ? 'Termina hoy' : k.endsInDays === 1 ? 'Termina mañana' : `Termina en ${k.endsInDays} días`}</span>
                ) : null}
              </td>
              {props.withHelp ? (
                <td data-label="Ayuda">
                  <a href={`/ayuda/${k.systemSlug}`}>Ayuda de {k.systemName}</a>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ServicesBody(props: { customerName: string; overview: ServicesOverview }) {
  const { overview } = props;
  return (
    <>
      <h1>Servicios vigentes</h1>
      <p>Los sistemas que <bdi>{props.customerName}</bdi> tiene contratados hoy. Desde cada uno puede abrir su ayuda en línea.</p>
      {overview.inForce.length > 0 ? (
        <ContractsTable caption="Servicios vigentes" contracts={overview.inForce} withHelp />
      ) : (
        <p class="notice">Su empresa no tiene servicios vigentes hoy. Si cree que es un error, escriba a soporte.</p>
      )}
      {overview.upcoming.length > 0 ? (
        <section aria-labelledby="por-comenzar">
          <h2 id="por-comenzar">Por comenzar</h2>
          <p class="muted">Estos servicios aún no empiezan; su ayuda se abrirá el día de inicio.</p>
          <ContractsTable caption="Servicios por comenzar" contracts={overview.upcoming} withHelp={false} />
        </section>
      ) : null}
      {overview.ended.length > 0 ? (
        <section aria-labelledby="terminados">
          <h2 id="terminados">Terminados</h2>
          <p class="muted">Servicios que ya terminaron; su ayuda en línea ya no está disponible.</p>
          <ContractsTable caption="Servicios terminados" contracts={overview.ended} withHelp={false} />
        </section>
      ) : null}
    </>
  );
}

// The page's body is the same for every administrator of a customer on a day: rendered once and
// kept (cache/shared-cache.ts) until a contract or a system changes anywhere; the day and the
// customer's name (it comes with the session, fresh on every request) are part of the key.
export const SERVICES_TABLES = ['contracts', 'systems'] as const;
export const MAX_SERVICES_BYTES = 8 * 1024 * 1024;
const perCaches = new WeakMap<SharedCaches, SharedCache<Buffer>>();

/** The page's body for `customer` on `today` (also web/reader-pages.ts); `since` is when the request arrived. */
export function servicesBody(deps: Pick<Deps, 'db' | 'caches'>, customer: { id: string; name: string }, today: string, since: number): Promise<Buffer> {
  const { db, caches } = deps;
  let cache = perCaches.get(caches);
  // A body is a few KB, more for a customer with many contracts: bounded by bytes as well. Kept as
  // UTF-8 (the page is sent as bytes, render.tsx's pageBytes): encoding its accents on every request
  // was a twelfth of the page's CPU (issue 10).
  if (!cache) perCaches.set(caches, (cache = caches.create<Buffer>({ name: 'services-page', tables: SERVICES_TABLES, maxEntries: 10_000, maxBytes: MAX_SERVICES_BYTES, sizeOf: (body) => body.length })));
  return cache.get(`${today}|${customer.id}|${customer.name}`, async () =>
    ownUtf8(renderToString(<ServicesBody customerName={customer.name} overview={await servicesOverview(db, customer.id, today)} />)),
  { since });
}

/** The page's title and navigation entry (also web/reader-pages.ts). */
export const SERVICES_PAGE = { title: 'Servicios vigentes', current: 'servicios' } as const;

export const servicesRoutes = new Hono<AppEnv>().use('/servicios', requireUser('services:view')).get('/servicios', async (c) => {
  const s = sessionOf(c);
  const body = await servicesBody(c.get('deps'), s.customer, vendorToday(c.get('deps').clock.now()), c.get('arrivedAt'));
  return pageAround(c, SERVICES_PAGE, [body]);
});
