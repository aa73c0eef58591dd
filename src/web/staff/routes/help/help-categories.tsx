import type { Context } from 'hono';
import { Hono } from 'hono';
import { isUniqueViolation } from '../../../../db/dialect.ts';
import { changeCategory } from '../../../../help/authoring/change-category.ts';
import { createCategory, duplicateCategoryMessage } from '../../../../help/authoring/create-category.ts';
import { findStructureCategory, findStructureSystem } from '../../../../help/authoring/find-structure-system.ts';
import { moveCategory } from '../../../../help/authoring/move-category.ts';
import { ValidationError } from '../../../../errors.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../../components/form.tsx';
import { setFlash } from '../../../cookies.ts';
import type { AppEnv } from '../../../env.ts';
import { formFields } from '../../../form-data.ts';
import { requireStaff } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { HELP_HOME, helpWrite, systemHref } from './help-route-context.ts';
import { moveWithFlash } from './move-with-flash.ts';

type Values = { slug?: string; name?: string; description?: string };

async function renderNew(c: Context<AppEnv>, v: Values, errors: FieldErrors, status: 200 | 422 = 200) {
  const system = await findStructureSystem(c.get('deps').db, c.req.param('slug') ?? '');
  return staffPage(
    c,
    { title: `Nueva categoría de ${system.name}`, current: 'ayuda', status },
    <>
      <Breadcrumbs items={[['Ayuda', HELP_HOME], [system.name, systemHref(system.slug)], ['Nueva categoría', null]]} />
      <h1>Nueva categoría de {system.name}</h1>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${systemHref(system.slug)}/categorias/nueva`} novalidate class="card">
        <CsrfField token={c.get('csrfToken') ?? ''} />
        <Field
          name="slug" label="Código" value={v.slug} error={errors.slug} required maxlength={60} autocomplete="off"
          hint={<>Minúsculas sin tildes, números y guiones, por ejemplo <code>cierre-contable</code>. No aparece en la dirección de los artículos (mover un artículo de categoría no rompe enlaces), pero no cambia después.</>}
        />
        <Field name="name" label="Nombre" value={v.name} error={errors.name} required maxlength={120} autocomplete="off" />
        <Field name="description" label="Descripción (opcional)" value={v.description} error={errors.description} maxlength={300} autocomplete="off" />
        <div class="actions">
          <button type="submit" class="primary">Crear la categoría</button>
          <a href={systemHref(system.slug)}>Cancelar</a>
        </div>
      </form>
    </>,
  );
}

async function renderEdit(c: Context<AppEnv>, v: Values, errors: FieldErrors, status: 200 | 422 = 200) {
  const { system, category } = await findStructureCategory(c.get('deps').db, c.req.param('slug') ?? '', c.req.param('cat') ?? '');
  return staffPage(
    c,
    { title: `Categoría ${category.name}`, current: 'ayuda', status },
    <>
      <Breadcrumbs items={[['Ayuda', HELP_HOME], [system.name, systemHref(system.slug)], [category.name, null]]} />
      <h1>Categoría {category.name}</h1>
      <p>Código <code>{category.slug}</code> (no cambia).</p>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${systemHref(system.slug)}/categorias/${category.slug}`} novalidate class="card">
        <CsrfField token={c.get('csrfToken') ?? ''} />
        <Field name="name" label="Nombre" value={v.name ?? category.name} error={errors.name} required maxlength={120} autocomplete="off" />
        <Field name="description" label="Descripción (opcional)" value={v.description ?? category.description} error={errors.description} maxlength={300} autocomplete="off" />
        <div class="actions">
          <button type="submit" class="primary">Guardar</button>
          <a href={systemHref(system.slug)}>Cancelar</a>
        </div>
      </form>
    </>,
  );
}

const clipped = (f: Record<string, string>): Values => ({ slug: f.slug?.slice(0, 60), name: f.name?.slice(0, 120), description: f.description?.slice(0, 300) });

export const helpCategoriesRoutes = new Hono<AppEnv>()
  .get('/ayuda/sistemas/:slug/categorias/nueva', requireStaff('help:write'), (c) => renderNew(c, {}, {}))
  .post('/ayuda/sistemas/:slug/categorias/nueva', requireStaff('help:write'), async (c) => {
    const f = await formFields(c);
    const input = { slug: f.slug ?? '', name: f.name ?? '', description: f.description ?? '' };
    try {
      await helpWrite(c, (trx, ctx, by) => createCategory(trx, ctx, by, c.req.param('slug'), input));
      setFlash(c, 'Categoría creada.', 'staff_flash');
      return c.redirect(systemHref(c.req.param('slug')), 303);
    } catch (err) {
      if (err instanceof ValidationError) return renderNew(c, clipped(f), err.fieldErrors, 422);
      if (isUniqueViolation(err)) return renderNew(c, clipped(f), { slug: duplicateCategoryMessage(input.slug.trim()) }, 422);
      throw err;
    }
  })
  .get('/ayuda/sistemas/:slug/categorias/:cat', requireStaff('help:write'), (c) => renderEdit(c, {}, {}))
  .post('/ayuda/sistemas/:slug/categorias/:cat', requireStaff('help:write'), async (c) => {
    const f = await formFields(c);
    try {
      const r = await helpWrite(c, (trx, ctx, by) => changeCategory(trx, ctx, by, { system: c.req.param('slug'), category: c.req.param('cat') }, { name: f.name ?? '', description: f.description ?? '' }));
      setFlash(c, r.changed ? 'Categoría guardada.' : 'No había cambios que guardar.', 'staff_flash');
      return c.redirect(systemHref(c.req.param('slug')), 303);
    } catch (err) {
      if (err instanceof ValidationError) return renderEdit(c, clipped(f), err.fieldErrors, 422);
      throw err;
    }
  })
  .post('/ayuda/sistemas/:slug/categorias/:cat/mover', requireStaff('help:write'), async (c) => {
    const f = await formFields(c);
    const ref = { system: c.req.param('slug'), category: c.req.param('cat') };
    await moveWithFlash(c, (trx, ctx, by) => moveCategory(trx, ctx, by, ref, { direction: f.direction ?? '' }), {
      moved: 'Orden de las categorías guardado.',
      atEnd: 'La categoría ya estaba en ese extremo de la lista.',
    });
    // The system exists (moveCategory found it): its slug is safe in a Location header.
    return c.redirect(`${systemHref(ref.system)}#cat-${encodeURIComponent(ref.category)}`, 303);
  });
