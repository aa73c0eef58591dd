import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { listSchedules, type ScheduleView } from './list-schedules.ts';

export interface OverviewCategory {
  slug: string;
  name: string;
  description: string;
  published: number;
  /** Articles whose draft is being written (state 'draft'). */
  drafts: number;
  inReview: number;
}

export interface OverviewSystem {
  slug: string;
  name: string;
  description: string;
  categories: OverviewCategory[];
}

export interface ReviewItem {
  articleId: string;
  title: string;
  system: string;
  author: string;
  since: string;
}

export interface HelpOverview {
  systems: OverviewSystem[];
  review: ReviewItem[];
  /** Pending scheduled publishes and unpublishes, soonest first. */
  upcoming: ScheduleView[];
}

const UPCOMING = 20;

/** The help as the console's landing shows it: every system in order, its categories' counts, the drafts waiting for review, what is scheduled next. */
export async function helpOverview(db: Kysely<Database>): Promise<HelpOverview> {
  const [systems, categories, published, drafts, review, upcoming] = await Promise.all([
    db.selectFrom('systems').select(['id', 'slug', 'name', 'description']).orderBy('position').orderBy('slug').execute(),
    db.selectFrom('help_categories').select(['id', 'system_id', 'slug', 'name', 'description']).orderBy('position').orderBy('slug').execute(),
    db.selectFrom('help_articles').select(['category_id', (eb) => eb.fn.countAll<number>().as('n')]).where('published', '=', 1).groupBy('category_id').execute(),
    db.selectFrom('help_article_drafts').select(['category_id', 'state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['category_id', 'state']).execute(),
    db
      .selectFrom('help_article_drafts as d')
      .innerJoin('help_articles as a', 'a.id', 'd.article_id')
      .innerJoin('systems as s', 's.id', 'a.system_id')
      .select(['d.article_id', 'd.title', 's.name as system', 'd.author_label', 'd.submitted_at', 'd.updated_at'])
      .where('d.state', '=', 'review')
      .orderBy('d.submitted_at')
      .execute(),
    listSchedules(db, { pendingOnly: true, limit: UPCOMING }),
  ]);
  const count = new Map(published.map((r) => [r.category_id, Number(r.n)]));
  const draftCount = new Map(drafts.map((r) => [`${r.category_id}/${r.state}`, Number(r.n)]));
  return {
    systems: systems.map((s) => ({
      slug: s.slug,
      name: s.name,
      description: s.description,
      categories: categories
        .filter((c) => c.system_id === s.id)
        .map((c) => ({
          slug: c.slug, name: c.name, description: c.description, published: count.get(c.id) ?? 0, drafts: draftCount.get(`${c.id}/draft`) ?? 0, inReview: draftCount.get(`${c.id}/review`) ?? 0,
        })),
    })),
    review: review.map((r) => ({ articleId: r.article_id, title: r.title, system: r.system, author: r.author_label, since: r.submitted_at ?? r.updated_at })),
    upcoming,
  };
}
