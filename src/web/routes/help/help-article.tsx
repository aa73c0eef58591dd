import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { vendorToday } from '../../../domain/contracts.ts';
import { readableSystem, type SystemSummary } from '../../../help/help-access.ts';
import { movedArticleSlug } from '../../../help/moved-article.ts';
import { readArticle, type ArticleView } from '../../../help/read-help.ts';
import { AppError } from '../../../errors.ts';
import { VoteComment, voteOf, voteOnArticle, type ArticleVote } from '../../../help/vote-on-article.ts';
import { CsrfField } from '../../components/form.tsx';
import { HelpSearchBox } from '../../components/help-search-box.tsx';
import { ArticleBreadcrumbs, ArticleContent, CUSTOMER_HELP } from '../../components/help-views.tsx';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { sessionOf } from '../../middleware/require-user.ts';
import { page } from '../../render.tsx';
import { HELP_PAGE, helpReaderOf } from './help-reader.ts';

const VoteForm = z.object({
  util: z.enum(['si', 'no'], { error: 'Elija Sí o No.' }),
  comentario: VoteComment,
});

function Feedback(props: { action: string; vote: ArticleVote | null; csrfToken: string; error?: string; comment?: string }) {
  const { vote } = props;
  return (
    <section class="feedback" id="valoracion" aria-labelledby="valoracion-titulo">
      <form method="post" action={props.action}>
        <CsrfField token={props.csrfToken} />
        <fieldset>
          <legend id="valoracion-titulo">¿Le fue útil este artículo?</legend>
          {vote ? <p class="muted">Usted respondió «{vote.helpful ? 'Sí' : 'No'}». Puede cambiar su respuesta cuando quiera.</p> : null}
          {props.error ? (
            <p class="field-error" role="alert">
              {props.error}
            </p>
          ) : null}
          <label for="comentario">Comentario (opcional): qué faltó o qué no quedó claro</label>
          <textarea id="comentario" name="comentario" rows={3} maxlength={1000}>
            {props.comment ?? vote?.comment ?? ''}
          </textarea>
          <div class="actions">
            <button type="submit" name="util" value="si" aria-pressed={vote ? String(vote.helpful) : undefined}>
              Sí
            </button>
            <button type="submit" name="util" value="no" class="secondary" aria-pressed={vote ? String(!vote.helpful) : undefined}>
              No
            </button>
          </div>
        </fieldset>
      </form>
    </section>
  );
}

function ArticlePage(props: { system: SystemSummary; a: ArticleView; feedback: Child }) {
  return (
    <>
      <ArticleBreadcrumbs system={props.system} a={props.a} links={CUSTOMER_HELP} />
      <HelpSearchBox />
      <ArticleContent systemSlug={props.system.slug} a={props.a} html={props.a.html} links={CUSTOMER_HELP} feedback={props.feedback} />
    </>
  );
}

/** An article, and the person's "¿Le fue útil?" vote on it. */
export const helpArticleRoutes = new Hono<AppEnv>()
  .get('/ayuda/:system/:article', async (c) => {
    const { db, clock, articleReads } = c.get('deps');
    const system = await readableSystem(db, helpReaderOf(c), vendorToday(clock.now()), c.req.param('system'));
    const a = await readArticle(db, system, c.req.param('article')).catch(async (err: unknown) => {
      // A renamed article: old links and bookmarks keep working, and search engines learn the new address.
      const moved = err instanceof AppError && err.status === 404 ? await movedArticleSlug(db, system, c.req.param('article')) : null;
      if (moved) return moved;
      throw err;
    });
    if (typeof a === 'string') return c.redirect(`/ayuda/${system.slug}/${a}`, 301);
    articleReads.record(system.slug, a.slug);
    const vote = await voteOf(db, sessionOf(c).user.id, a.id);
    const feedback = <Feedback action={`/ayuda/${system.slug}/${a.slug}/voto`} vote={vote} csrfToken={c.get('csrfToken')} />;
    return page(c, { title: `${a.title} · ${system.name}`, ...HELP_PAGE }, <ArticlePage system={system} a={a} feedback={feedback} />);
  })
  .post('/ayuda/:system/:article/voto', async (c) => {
    const { db, clock } = c.get('deps');
    const system = await readableSystem(db, helpReaderOf(c), vendorToday(clock.now()), c.req.param('system'));
    const a = await readArticle(db, system, c.req.param('article'));
    const userId = sessionOf(c).user.id;
    const form = await formFields(c);
    const parsed = VoteForm.safeParse(form);
    if (!parsed.success) {
      const error = parsed.error.issues[0]?.message ?? 'Revise su respuesta.';
      const vote = await voteOf(db, userId, a.id);
      const comment = typeof form.comentario === 'string' ? form.comentario : '';
      const feedback = <Feedback action={`/ayuda/${system.slug}/${a.slug}/voto`} vote={vote} csrfToken={c.get('csrfToken')} error={error} comment={comment} />;
      return page(c, { title: `${a.title} · ${system.name}`, ...HELP_PAGE, status: 422 }, <ArticlePage system={system} a={a} feedback={feedback} />);
    }
    await voteOnArticle(db, { userId, articleId: a.id, helpful: parsed.data.util === 'si', comment: parsed.data.comentario, now: clock.now() });
    setFlash(c, 'Gracias por su opinión: nos ayuda a mejorar la ayuda.');
    return c.redirect(`/ayuda/${system.slug}/${a.slug}#valoracion`, 303);
  });

