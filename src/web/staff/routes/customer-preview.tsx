import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { vendorToday } from '../../../domain/contracts.ts';
import { readableSystem, readableSystems, type SystemSummary } from '../../../help/help-access.ts';
import { helpHighlights, readArticle, systemContents } from '../../../help/read-help.ts';
import { staffCan } from '../../../policies/staff-policy.ts';
import { loadPreviewSubject, previewableUsers, recordPreviewStart, type PreviewSubject } from '../../../staff/customer-preview.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { HelpSearchBox } from '../../components/help-search-box.tsx';
import { ArticleBreadcrumbs, ArticleContent, HelpHomeBody, SearchResultsBody, SystemContents, type HelpLinks } from '../../components/help-views.tsx';
import type { AppEnv } from '../../env.ts';
import { sendAttachment } from '../../routes/help/help-attachment.ts';
import { popularSince } from '../../routes/help/help-home.tsx';
import { PER_PAGE, queryOf } from '../../routes/help/help-search.tsx';
import { PreviewBanner } from '../preview/preview-banner.tsx';
import { previewBase, previewLinks, rewriteHelpLinks } from '../preview/preview-links.ts';
import { requireStaff, staffPrincipalOf, staffSessionOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

/**
 * "Ver como cliente": the help exactly as a customer's technical user reads
 * it, from the same operations (help-access.ts decides the systems) and the
 * same components (help-views.tsx), under the console's session. Read-only
 * by construction: only GET routes, no vote or feedback form, no
 * suggestions endpoint, article reads not counted and searches without
 * results not recorded — a POST under these paths reaches the console's 404.
 *
 * Two roots: /clientes/:id/vista-previa shows what any technical user sees
 * when the administrator set no limit (every system in force);
 * /clientes/:id/vista-previa-usuario/:uid narrows it to that technical
 * user's scope. (Not /clientes/:id/usuarios/:uid/…: that path belongs to
 * the user actions, which want users:write, and an editor may preview.)
 */
interface Preview {
  subject: PreviewSubject;
  base: string;
  links: HelpLinks;
  today: string;
}

async function startPreview(c: Context<AppEnv>): Promise<Preview> {
  const deps = c.get('deps');
  const uid = c.req.param('uid');
  const subject = await loadPreviewSubject(deps.db, c.req.param('id')!, uid);
  await recordPreviewStart(deps, staffPrincipalOf(c), staffSessionOf(c).createdAt, subject);
  const userId = subject.user?.id ?? null;
  return { subject, base: previewBase(subject.customer.id, userId), links: previewLinks(subject.customer.id, userId), today: vendorToday(deps.clock.now()) };
}

function previewPage(c: Context<AppEnv>, p: Preview, title: string, body: Child) {
  return staffPage(
    c,
    { title: `${title} · Vista previa de ${p.subject.customer.name}`, current: 'clientes' },
    <>
      <PreviewBanner subject={p.subject} linkBack={staffCan(staffSessionOf(c).staff.role, 'customers:read')} />
      {body}
    </>,
  );
}

function PreviewSearchBox(props: { p: Preview; query?: string; system?: string }) {
  return <HelpSearchBox action={`${props.p.base}/buscar`} suggest={null} query={props.query} system={props.system} />;
}

/** "Ver como": any technical user, or one of them (a plain GET form). */
function ViewAsForm(props: { p: Preview; users: Array<{ id: string; name: string; email: string }> }) {
  if (props.users.length === 0) return null;
  const { customer, user } = props.p.subject;
  return (
    <form method="get" action={previewBase(customer.id, null)} class="filters">
      <div class="field">
        <label for="usuario">Ver como</label>
        <select id="usuario" name="usuario">
          <option value="" selected={!user}>
            Cualquier usuario técnico sin límite de sistemas
          </option>
          {props.users.map((u) => (
            <option value={u.id} selected={user?.id === u.id}>
              {u.name} ({u.email})
            </option>
          ))}
        </select>
      </div>
      <button type="submit">Ver</button>
    </form>
  );
}

async function home(c: Context<AppEnv>) {
  const chosen = c.req.query('usuario');
  if (chosen && !c.req.param('uid')) return c.redirect(previewBase(c.req.param('id')!, chosen), 303);
  const p = await startPreview(c);
  const { db } = c.get('deps');
  const systems = await readableSystems(db, p.subject.reader, p.today);
  const { recent, popular } = await helpHighlights(db, systems.map((s) => s.id), popularSince(p.today));
  const users = await previewableUsers(db, p.subject.customer.id);
  return previewPage(
    c,
    p,
    'Ayuda en línea',
    <>
      <h1>Ayuda en línea</h1>
      <ViewAsForm p={p} users={users} />
      {systems.length === 0 ? (
        <p class="notice">Este cliente no tiene sistemas con un servicio vigente{p.subject.user ? ', o este usuario no tiene acceso a ninguno' : ''}: su ayuda está vacía.</p>
      ) : (
        <>
          <PreviewSearchBox p={p} />
          <HelpHomeBody systems={systems} recent={recent} popular={popular} links={p.links} />
        </>
      )}
    </>,
  );
}

async function search(c: Context<AppEnv>) {
  const p = await startPreview(c);
  const { db, helpSearch } = c.get('deps');
  const q = queryOf(c.req.query('q')).trim();
  const systems: SystemSummary[] = await readableSystems(db, p.subject.reader, p.today);
  const selected = systems.find((s) => s.slug === c.req.query('sistema')) ?? null;
  const pageNo = Number.parseInt(c.req.query('pagina') ?? '1', 10) || 1;
  const r = q ? await helpSearch.search({ text: q, systemIds: selected ? [selected.id] : systems.map((s) => s.id), page: pageNo, perPage: PER_PAGE }) : null;
  return previewPage(
    c,
    p,
    q ? `Buscar «${q}»` : 'Buscar en la ayuda',
    <>
      <Breadcrumbs items={[['Ayuda en línea', p.links.home], ['Buscar', null]]} />
      <PreviewSearchBox p={p} query={q} system={selected?.slug} />
      <SearchResultsBody q={q} r={r} systems={systems} selected={selected} perPage={PER_PAGE} links={p.links} missesRecorded={false} />
    </>,
  );
}

async function system(c: Context<AppEnv>) {
  const p = await startPreview(c);
  const { db } = c.get('deps');
  const sys = await readableSystem(db, p.subject.reader, p.today, c.req.param('system')!);
  const categories = await systemContents(db, sys);
  return previewPage(
    c,
    p,
    `Ayuda de ${sys.name}`,
    <>
      <Breadcrumbs items={[['Ayuda en línea', p.links.home], [sys.name, null]]} />
      <PreviewSearchBox p={p} />
      <SystemContents system={sys} categories={categories} links={p.links} />
    </>,
  );
}

async function article(c: Context<AppEnv>) {
  const p = await startPreview(c);
  const { db } = c.get('deps');
  const sys = await readableSystem(db, p.subject.reader, p.today, c.req.param('system')!);
  // Read, never counted: deps.articleReads is not touched, and no vote is looked up or offered.
  const a = await readArticle(db, sys, c.req.param('article')!);
  return previewPage(
    c,
    p,
    `${a.title} · ${sys.name}`,
    <>
      <ArticleBreadcrumbs system={sys} a={a} links={p.links} />
      <PreviewSearchBox p={p} />
      <ArticleContent systemSlug={sys.slug} a={a} html={rewriteHelpLinks(a.html, p.base)} links={p.links} />
    </>,
  );
}

async function attachment(c: Context<AppEnv>) {
  const p = await startPreview(c);
  const sys = await readableSystem(c.get('deps').db, p.subject.reader, p.today, c.req.param('system')!);
  return sendAttachment(c, sys, c.req.param('article')!, `${p.base}/${c.req.param('system')}/${c.req.param('article')}/adjuntos/`);
}

const guard = requireStaff('preview:customer');
export const customerPreviewRoutes = new Hono<AppEnv>();
for (const root of ['/clientes/:id/vista-previa', '/clientes/:id/vista-previa-usuario/:uid']) {
  // Search before /:system, so "buscar" is never read as a system (as in the customer's help).
  customerPreviewRoutes
    .get(root, guard, home)
    .get(`${root}/buscar`, guard, search)
    .get(`${root}/:system`, guard, system)
    .get(`${root}/:system/:article`, guard, article)
    .get(`${root}/:system/:article/adjuntos/*`, guard, attachment);
}
