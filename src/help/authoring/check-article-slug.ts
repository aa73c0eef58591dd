import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { ValidationError } from '../../errors.ts';
import { RESERVED_ARTICLE_SLUGS } from '../read-help.ts';

/**
 * A slug is the article's URL in its system: no other article may hold it,
 * no other draft may be about to take it, and no other article's old slug
 * may be it (its redirect would stop leading where old links expect). The
 * article's own old slug is free to take back: publishing drops the redirect.
 */
export async function checkArticleSlug(trx: Transaction<Database>, systemId: string, slug: string, articleId: string | null): Promise<void> {
  const refuse = (message: string) => {
    throw new ValidationError({ slug: message });
  };
  if (RESERVED_ARTICLE_SLUGS.has(slug)) refuse(`La dirección «${slug}» es la de una página del portal (/ayuda/<sistema>/${slug}). Elija otra.`);
  const other = await trx
    .selectFrom('help_articles')
    .select(['id', 'title'])
    .where('system_id', '=', systemId)
    .where('slug', '=', slug)
    .$if(articleId !== null, (q) => q.where('id', '!=', articleId!))
    .executeTakeFirst();
  if (other) refuse(`Ya existe otro artículo con la dirección «${slug}» en este sistema («${other.title}»). Elija otra.`);
  const drafted = await trx
    .selectFrom('help_article_drafts as d')
    .innerJoin('help_articles as a', 'a.id', 'd.article_id')
    .select(['d.title'])
    .where('a.system_id', '=', systemId)
    .where('d.slug', '=', slug)
    .$if(articleId !== null, (q) => q.where('d.article_id', '!=', articleId!))
    .executeTakeFirst();
  if (drafted) refuse(`El borrador de otro artículo de este sistema («${drafted.title}») ya usa la dirección «${slug}». Elija otra.`);
  const redirect = await trx
    .selectFrom('help_slug_redirects as r')
    .innerJoin('help_articles as a', 'a.id', 'r.article_id')
    .select(['a.title'])
    .where('r.system_id', '=', systemId)
    .where('r.old_slug', '=', slug)
    .$if(articleId !== null, (q) => q.where('r.article_id', '!=', articleId!))
    .executeTakeFirst();
  if (redirect) {
    refuse(`La dirección «${slug}» fue antes de otro artículo («${redirect.title}») y los enlaces antiguos a ella llevan a ese artículo. Elija otra.`);
  }
}
