import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { requireUser } from '../../middleware/require-user.ts';
import { helpArticleRoutes } from './help-article.tsx';
import { helpAttachmentRoutes } from './help-attachment.ts';
import { helpHomeRoutes } from './help-home.tsx';
import { helpNewsRoutes } from './help-news.tsx';
import { helpSearchRoutes } from './help-search.tsx';
import { helpSystemRoutes } from './help-system.tsx';

// The online help. Every handler starts from help-access.ts (contracts in
// force, narrowed by the user's scope): a system outside it answers 404, by
// link or typed URL, and search never looks at it. Search is mounted before
// /ayuda/:system so "buscar" is never read as a system.
export const helpRoutes = new Hono<AppEnv>()
  .use('/ayuda', requireUser('help:read'))
  .use('/ayuda/*', requireUser('help:read'))
  .route('/', helpHomeRoutes)
  .route('/', helpSearchRoutes)
  .route('/', helpAttachmentRoutes)
  // Before the article: "novedades" is a page of the system, not an article's slug.
  .route('/', helpNewsRoutes)
  .route('/', helpArticleRoutes)
  .route('/', helpSystemRoutes);
