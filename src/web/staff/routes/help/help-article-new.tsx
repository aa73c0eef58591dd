import type { Context } from 'hono';
import { Hono } from 'hono';
import { createArticle } from '../../../../help/authoring/create-article.ts';
import { ValidationError, notFound } from '../../../../errors.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary, type FieldErrors } from '../../../components/form.tsx';
import { setFlash } from '../../../cookies.ts';
import type { AppEnv } from '../../../env.ts';
import { formFields } from '../../../form-data.ts';
import { requireStaff } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { ArticleFields, editorValuesOf, type EditorValues } from './article-editor-form.tsx';
import { editorHref, HELP_HOME, helpWrite, systemHref } from './help-route-context.ts';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

async function systemFor(c: Context<AppEnv>, slug: string | undefined) {
  const { db } = c.get('deps');
  if (!slug || !SLUG.test(slug)) throw notFound();
  const system = await db.selectFrom('systems').select(['id', 'slug', 'name']).where('slug', '=', slug).executeTakeFirst();
  if (!system) throw notFound();
  const categories = await db.selectFrom('help_categories').select(['id', 'name', 'slug']).where('system_id', '=', system.id).orderBy('position').orderBy('name').execute();
  return { system, categories };
}

function render(c: Context<AppEnv>, s: Awaited<ReturnType<typeof systemFor>>, v: EditorValues, errors: FieldErrors, status: 200 | 422 = 200) {
  return staffPage(
    c,
    { title: `Nuevo artículo de ${s.system.name}`, current: 'ayuda', status },
    <>
      <Breadcrumbs items={[['Ayuda', HELP_HOME], [s.system.name, systemHref(s.system.slug)], ['Nuevo artículo', null]]} />
      <h1>Nuevo artículo de {s.system.name}</h1>
      <p>El artículo se crea como borrador: los clientes no lo ven hasta que otra persona con permiso para publicar lo publique. Después podrá subir imágenes, ver la vista previa y enviarlo a revisión.</p>
      {s.categories.length === 0 ? (
        <p class="notice error">Este sistema no tiene categorías todavía: <a href={systemHref(s.system.slug)}>cree una categoría</a> antes de escribir un artículo.</p>
      ) : (
        <>
          <ErrorSummary errors={errors} />
          <form method="post" action={`${HELP_HOME}/articulos/nuevo?sistema=${encodeURIComponent(s.system.slug)}`} novalidate class="card">
            <CsrfField token={c.get('csrfToken')} />
            <ArticleFields v={v} errors={errors} categories={s.categories} systemSlug={s.system.slug} />
            <div class="actions">
              <button type="submit" class="primary">Crear borrador</button>
              <a href={systemHref(s.system.slug)}>Cancelar</a>
            </div>
          </form>
        </>
      )}
    </>,
  );
}

export const helpArticleNewRoutes = new Hono<AppEnv>()
  .get('/ayuda/articulos/nuevo', requireStaff('help:write'), async (c) => {
    const s = await systemFor(c, c.req.query('sistema'));
    const category = s.categories.find((x) => x.slug === c.req.query('categoria')) ?? s.categories[0];
    return render(c, s, { categoryId: category?.id ?? '', title: '', slug: '', summary: '', tags: '', position: '0', body: '' }, {});
  })
  .post('/ayuda/articulos/nuevo', requireStaff('help:write'), async (c) => {
    const s = await systemFor(c, c.req.query('sistema'));
    const v = editorValuesOf(await formFields(c));
    try {
      const { articleId } = await helpWrite(c, (trx, ctx, by) => createArticle(trx, ctx, by, { systemId: s.system.id, ...v }));
      setFlash(c, 'Borrador creado. Los clientes no lo ven hasta que se publique.', 'staff_flash');
      return c.redirect(editorHref(articleId), 303);
    } catch (err) {
      if (err instanceof ValidationError) return render(c, s, v, err.fieldErrors, 422);
      throw err;
    }
  });
