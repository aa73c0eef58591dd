import { z } from 'zod';
import { isPlainText, normalizeLineBreaks, plainLine, refusedCharactersMessage } from '../../domain/plain-text.ts';
import { normalizeTags } from '../import/article-file.ts';
import { ARTICLE_SLUG } from '../read-help.ts';
import { slugifyHeading } from '../render-markdown.ts';

/**
 * The fields of an article as the console writes them: the same rules the
 * import applies to a file's front matter (read-help-tree.ts), so an article
 * written in the browser exports to a file the import accepts.
 */

/** A long article is some 30,000 characters; the editor's forms take up to 1 MiB urlencoded (every character escaped still fits). */
export const MAX_BODY_CHARS = 100_000;

export const ArticleTitle = plainLine('El título').min(1, 'Escriba un título.').max(200, 'El título admite hasta 200 caracteres.');
export const ArticleSummary = plainLine('El resumen').max(300, 'El resumen admite hasta 300 caracteres.');
export const ArticleTags = plainLine('Las etiquetas')
  .max(300, 'Las etiquetas admiten hasta 300 caracteres.')
  .transform(normalizeTags);
export const ArticlePosition = z.coerce
  .number({ error: 'El orden debe ser un número entero.' })
  .int('El orden debe ser un número entero.')
  .min(-999_999_999, 'El orden es demasiado pequeño.')
  .max(999_999_999, 'El orden es demasiado grande.');
export const ArticleSlug = z
  .string()
  .trim()
  .max(120, 'El slug admite hasta 120 caracteres.')
  .refine((s) => s === '' || ARTICLE_SLUG.test(s), { message: 'El slug sólo admite minúsculas sin tildes, números y guiones (por ejemplo «cierre-mensual»).' });
/** The Markdown body: line breaks as LF, trailing spaces at the end dropped, no control or bidi characters. */
export const ArticleBody = z
  .string()
  .overwrite((s) => normalizeLineBreaks(s).replace(/\s+$/, ''))
  .refine((s) => isPlainText(s, 'lines'), { message: refusedCharactersMessage('El texto') })
  .refine((s) => s.length <= MAX_BODY_CHARS, { message: `El texto admite hasta ${MAX_BODY_CHARS.toLocaleString('es-CL')} caracteres.` });
export const ArticleId = z.string().uuid('El artículo no existe.');
export const Revision = z.coerce.number({ error: 'Falta la revisión del borrador.' }).int().min(0).max(1_000_000_000);
export const ChangeNote = plainLine('La nota del cambio').min(1, 'Escriba una nota que diga qué cambió (la verán los lectores en Novedades).').max(200, 'La nota admite hasta 200 caracteres.');

/** The editable content of an article, as a draft holds it. */
export const DraftContent = z.object({
  categoryId: z.string().uuid('Elija una categoría.'),
  title: ArticleTitle,
  slug: ArticleSlug,
  summary: ArticleSummary.default(''),
  tags: ArticleTags.default(''),
  position: ArticlePosition.default(0),
  body: ArticleBody.default(''),
});
export type DraftContent = z.output<typeof DraftContent>;

/** A slug from a title, as headings get their ids: "Cierre de mes (IVA)" → "cierre-de-mes-iva". */
export function slugFromTitle(title: string): string {
  return slugifyHeading(title).slice(0, 80).replace(/-+$/, '');
}
