import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { raw } from 'hono/html';
import { z } from 'zod';
import { RenderedStrings } from '../../../cache/rendered-strings.ts';
import { notFound } from '../../../errors.ts';
import { cachedUserVotes } from '../../../help/user-votes-cache.ts';
import { VoteComment, voteOf, voteOnArticle, type ArticleVote } from '../../../help/vote-on-article.ts';
import { escapeHtml } from '../../../html/escape-html.ts';
import { ownUtf8 } from '../../../html/own-bytes.ts';
import { renderToString } from '../../../html/render-to-string.ts';
import { CsrfField } from '../../components/form.tsx';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { sessionOf } from '../../middleware/require-user.ts';
import { pageAround } from '../../render.tsx';
import { HELP_PAGE, readableSystemOf } from './help-reader.ts';
import { preparedArticle, type PreparedArticle } from './prepared-article.tsx';

const VoteForm = z.object({
  util: z.enum(['si', 'no'], { error: 'Elija Sí o No.' }),
  comentario: VoteComment,
});

export function Feedback(props: { action: string; vote: ArticleVote | null; csrfToken: string; error?: string; comment?: string }) {
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

// Exported with Feedback for help-article-vote-form.test.tsx: the joined form must be what JSX renders.
// The vote form differs between readers only by the article's address, the
// reader's CSRF token and their answer. Rendered from JSX once per answer
// (nothing, Sí or No with its comment) with markers where the address and the
// token go, which each request fills in: a thousand readers of a
// thousand articles would otherwise each render it anew (issue 10). Bounded by
// count and bytes (a comment may be 1,000 characters, in the key and in the form).
const ACTION_MARK = `\u0000${randomUUID()}:action`;
const TOKEN_MARK = `\u0000${randomUUID()}:token`;
const markedForms = new RenderedStrings<string>(2_000, 2 * 1024 * 1024);
// The same forms cut at the markers into UTF-8 pieces (the page is sent as bytes: render.tsx's pageBytes),
// keyed like markedForms and checked against its string (a form it dropped and made again is cut again).
// Emptied at 2,000 forms: a comment is at most 1,000 characters, so some 6 MB at the very most.
const formPieces = new Map<string, { marked: string; pieces: Buffer[] }>();

function markedForm(vote: ArticleVote | null): { key: string; marked: string } {
  const key = vote ? `${vote.helpful ? 1 : 0}\u0000${vote.comment ?? ''}` : '';
  return { key, marked: markedForms.get(key, () => renderToString(<Feedback action={ACTION_MARK} vote={vote} csrfToken={TOKEN_MARK} />)) };
}

/** The vote form as one string (feedbackParts joined). */
export function feedbackHtml(action: string, vote: ArticleVote | null, csrfToken: string): string {
  return feedbackParts(action, vote, csrfToken)
    .map((p) => (typeof p === 'string' ? p : p.toString('utf8')))
    .join('');
}

/** The vote form as pieces for pageBytes: its fixed markup as kept UTF-8, the address and the token (escaped) between. */
export function feedbackParts(action: string, vote: ArticleVote | null, csrfToken: string): Array<string | Buffer> {
  const { key, marked } = markedForm(vote);
  let kept = formPieces.get(key);
  if (!kept || kept.marked !== marked) {
    const [beforeAction, rest] = splitOnce(marked, ACTION_MARK);
    const [between, afterToken] = splitOnce(rest, TOKEN_MARK);
    kept = { marked, pieces: [ownUtf8(beforeAction), ownUtf8(between), ownUtf8(afterToken)] };
    if (formPieces.size >= 2_000) formPieces.clear();
    formPieces.set(key, kept);
  }
  const [a, b, c] = kept.pieces as [Buffer, Buffer, Buffer];
  return [a, escapeHtml(action), b, escapeHtml(csrfToken), c];
}

function splitOnce(text: string, mark: string): [string, string] {
  const at = text.indexOf(mark);
  if (at < 0 || text.indexOf(mark, at + 1) >= 0) throw new Error('vote form: a marker is missing or repeated');
  return [text.slice(0, at), text.slice(at + mark.length)];
}

/** The prepared article around this reader's vote form. */
function articlePage(c: Context<AppEnv>, a: PreparedArticle, feedback: ReadonlyArray<string | Buffer>, status?: 422) {
  return pageAround(c, { title: a.title, ...HELP_PAGE, ...(status ? { status } : {}) }, [a.before, ...feedback, a.after]);
}

/**
 * An article, and the person's "¿Le fue útil?" vote on it. Per request: the
 * session (middleware); the systems the person may read today and their
 * votes, kept across requests (help/readable-systems-cache.ts,
 * help/user-votes-cache.ts); the prepared article (prepared-article.tsx:
 * rendered once per published version, shared by every reader).
 */
export const helpArticleRoutes = new Hono<AppEnv>()
  .get('/ayuda/:system/:article', async (c) => {
    const { db, caches, articleReads } = c.get('deps');
    const slug = c.req.param('article');
    // All three at once (on PostgreSQL the caches' one barrier, or the three loads side by side);
    // nothing of the article is served before the reader's systems say they may read it.
    const [system, a, votes] = await Promise.all([
      readableSystemOf(c, c.req.param('system')),
      preparedArticle(c, c.req.param('system'), slug),
      cachedUserVotes(db, caches, sessionOf(c).user.id, c.get('arrivedAt')),
    ]);
    if (a.kind === 'moved') return c.redirect(`/ayuda/${system.slug}/${a.slug}`, 301);
    articleReads.record(system.slug, a.slug);
    const vote = votes.get(a.id) ?? null;
    return articlePage(c, a, feedbackParts(`/ayuda/${system.slug}/${a.slug}/voto`, vote, c.get('csrfToken')));
  })
  .post('/ayuda/:system/:article/voto', async (c) => {
    const { db, clock } = c.get('deps');
    const system = await readableSystemOf(c, c.req.param('system'));
    const a = await preparedArticle(c, system.slug, c.req.param('article'));
    // A vote sent to an old address is not a vote on whatever the slug names now: the usual 404.
    if (a.kind === 'moved') throw notFound();
    const userId = sessionOf(c).user.id;
    const form = await formFields(c);
    const parsed = VoteForm.safeParse(form);
    if (!parsed.success) {
      const error = parsed.error.issues[0]?.message ?? 'Revise su respuesta.';
      const vote = await voteOf(db, userId, a.id);
      const comment = typeof form.comentario === 'string' ? form.comentario : '';
      const feedback = <Feedback action={`/ayuda/${system.slug}/${a.slug}/voto`} vote={vote} csrfToken={c.get('csrfToken')} error={error} comment={comment} />;
      return articlePage(c, a, [renderToString(feedback)], 422);
    }
    await voteOnArticle(db, { userId, articleId: a.id, helpful: parsed.data.util === 'si', comment: parsed.data.comentario, now: clock.now() });
    setFlash(c, 'Gracias por su opinión: nos ayuda a mejorar la ayuda.');
    return c.redirect(`/ayuda/${system.slug}/${a.slug}#valoracion`, 303);
  });
