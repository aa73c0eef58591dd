import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { raw } from 'hono/html';
import type { SharedCache, SharedCaches } from '../../../cache/shared-cache.ts';
import { AppError, notFound } from '../../../errors.ts';
import { movedArticleSlug } from '../../../help/moved-article.ts';
import { ownUtf8 } from '../../../html/own-bytes.ts';
import { ARTICLE_SLUG, readArticle } from '../../../help/read-help.ts';
import { renderToString } from '../../../html/render-to-string.ts';
import { HelpSearchBox } from '../../components/help-search-box.tsx';
import { ArticleBreadcrumbs, ArticleContent, CUSTOMER_HELP } from '../../components/help-views.tsx';
import type { Deps } from '../../../deps.ts';
import type { AppEnv } from '../../env.ts';

/**
 * An article page's main content as every reader sees it, rendered once per
 * published version and shared by all of them: breadcrumbs, search box,
 * title, table of contents, body, previous/next, the category's articles and
 * the related ones. The reader's own part (the vote form, with its CSRF
 * token and their answer) goes between `before` and `after`.
 */
export interface PreparedArticle {
  kind: 'article';
  id: string;
  slug: string;
  /** The document's title: article · system. */
  title: string;
  /** The page's body before and after the reader's part, as UTF-8: encoded once, sent as they are (render.tsx, pageAround). */
  before: Buffer;
  after: Buffer;
}

/** A renamed article: its current slug (answered with a 301). */
export interface MovedArticle {
  kind: 'moved';
  slug: string;
}

// help_articles: the article, its siblings, previous/next and related (published flags, titles, order);
// help_categories: the category's name and slug; help_article_tags: what "related" means;
// systems: the system's name in the breadcrumbs; help_slug_redirects: where an old slug leads.
export const PREPARED_ARTICLE_TABLES = ['help_articles', 'help_categories', 'help_article_tags', 'systems', 'help_slug_redirects'] as const;

// The popular part of a large help. A page is a few tens of KB, but an article may be long (a
// pasted manual of hundreds of KB): bounded by bytes too, so a thousand of those cannot take
// 200 MB of a process whose idle RSS target is 120 MB.
const MAX_PREPARED = 1_000;
export const MAX_PREPARED_BYTES = 24 * 1024 * 1024;

/** Roughly what a kept page weighs: its UTF-8 bytes, and two bytes a character for its strings (V8 keeps a string with any non-Latin-1 character so). */
export const preparedBytes = (v: PreparedArticle | MovedArticle): number =>
  200 + 2 * v.slug.length + (v.kind === 'article' ? 2 * (v.id.length + v.title.length) + v.before.length + v.after.length : 0);

const perCaches = new WeakMap<SharedCaches, SharedCache<PreparedArticle | MovedArticle>>();

function cacheOf(caches: SharedCaches): SharedCache<PreparedArticle | MovedArticle> {
  let cache = perCaches.get(caches);
  if (!cache) {
    cache = caches.create<PreparedArticle | MovedArticle>({ name: 'prepared-article', tables: PREPARED_ARTICLE_TABLES, maxEntries: MAX_PREPARED, maxBytes: MAX_PREPARED_BYTES, sizeOf: preparedBytes });
    perCaches.set(caches, cache);
  }
  return cache;
}

// Where the reader's part goes: random, so no article text can contain it.
const SLOT = `\u0000${randomUUID()}\u0000`;

/**
 * The article `slug` of the system `systemSlug`, prepared; a renamed one's
 * new slug; a 404 (not kept: a mistyped address must not take the place of
 * a real page). Keyed by the two slugs alone, so it can be asked for
 * alongside the reader's systems (on PostgreSQL the caches' barriers are
 * then shared: one round trip): the caller serves it only once it knows the
 * reader may read the system. What is kept is the same for every reader.
 */
export function preparedArticle(c: Context<AppEnv>, systemSlug: string, slug: string): Promise<PreparedArticle | MovedArticle> {
  return preparedArticleOf(c.get('deps'), systemSlug, slug, c.get('arrivedAt'));
}

/** preparedArticle without a framework context (web/reader-pages.ts): `since` is when the request arrived. */
export function preparedArticleOf(deps: Pick<Deps, 'db' | 'caches'>, systemSlug: string, slug: string, since: number): Promise<PreparedArticle | MovedArticle> {
  const { db, caches } = deps;
  return cacheOf(caches).get(`${systemSlug}/${slug}`, async () => {
    // Checked before the query: PostgreSQL refuses a NUL byte ("%00" in the URL) with an error, not an empty result.
    const system = ARTICLE_SLUG.test(systemSlug)
      ? await db.selectFrom('systems').select(['id', 'slug', 'name', 'description']).where('slug', '=', systemSlug).executeTakeFirst()
      : undefined;
    if (!system) throw notFound();
    try {
      const a = await readArticle(db, system, slug);
      const html = renderToString(
        <>
          <ArticleBreadcrumbs system={system} a={a} links={CUSTOMER_HELP} />
          <HelpSearchBox />
          <ArticleContent systemSlug={system.slug} a={a} html={a.html} links={CUSTOMER_HELP} feedback={raw(SLOT)} />
        </>,
      );
      const at = html.indexOf(SLOT);
      return { kind: 'article', id: a.id, slug: a.slug, title: `${a.title} · ${system.name}`, before: ownUtf8(html.slice(0, at)), after: ownUtf8(html.slice(at + SLOT.length)) };
    } catch (err) {
      // A renamed article: old links and bookmarks keep working, and search engines learn the new address.
      const moved = err instanceof AppError && err.status === 404 ? await movedArticleSlug(db, system, slug) : null;
      if (moved) return { kind: 'moved', slug: moved };
      throw err;
    }
  }, { since });
}
