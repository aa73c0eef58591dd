import { renderArticle } from '../../../../help/render-markdown.ts';
import type { ArticleView } from '../../../../help/read-help.ts';
import { ArticleContent, CUSTOMER_HELP } from '../../../components/help-views.tsx';
import type { EditorValues } from './article-editor-form.tsx';
import { filesHref } from './help-route-context.ts';

/**
 * The draft as readers will see it: the reader's own renderer and markup
 * (renderArticle + ArticleContent), with the article's files served by the
 * console (drafts included) instead of the reader's URL.
 */
export function DraftPreview(p: { articleId: string; systemSlug: string; v: EditorValues; categories: { id: string; name: string }[]; now: Date }) {
  const slug = p.v.slug.trim() || 'vista-previa';
  const rendered = renderArticle(p.v.body, { system: p.systemSlug, slug, assetBase: filesHref(p.articleId) });
  const category = p.categories.find((c) => c.id === p.v.categoryId) ?? p.categories[0] ?? { id: '', name: '' };
  const self = { slug, title: p.v.title.trim() || '(sin título)', summary: p.v.summary.trim() };
  const a: ArticleView = {
    id: p.articleId, slug, title: self.title, summary: self.summary, html: rendered.html, updatedAt: p.now.toISOString(), toc: rendered.toc,
    category: { slug: '', name: category.name }, siblings: [self], siblingCount: 1, previous: null, next: null, related: [],
  };
  return (
    <div class="draft-preview">
      <ArticleContent systemSlug={p.systemSlug} a={a} html={rendered.html} links={CUSTOMER_HELP} />
    </div>
  );
}
