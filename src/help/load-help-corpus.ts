import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { FrontMatterError, parseFrontMatter } from './front-matter.ts';
import { renderMarkdown } from './render-markdown.ts';

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'un slug usa minúsculas, números y guiones');

const SystemsFile = z.array(
  z.object({
    slug,
    name: z.string().min(1),
    description: z.string().default(''),
    categories: z.array(z.object({ slug, name: z.string().min(1) })).min(1),
  }),
);

export interface CorpusArticle {
  system: string;
  category: string;
  slug: string;
  title: string;
  summary: string;
  tags: string;
  order: number;
  body: string;
}

export interface Corpus {
  systems: z.infer<typeof SystemsFile>;
  articles: CorpusArticle[];
}

/** Read a help folder (systems.json + <system>/<category>/<slug>.md), failing with the path and line of the first bad file. */
export function readHelpCorpus(dir: string): Corpus {
  const systems = SystemsFile.parse(JSON.parse(readFileSync(join(dir, 'systems.json'), 'utf8')));
  const articles: CorpusArticle[] = [];
  for (const system of systems) {
    for (const category of system.categories) {
      const folder = join(dir, system.slug, category.slug);
      let files: string[];
      try {
        files = readdirSync(folder).filter((f) => f.endsWith('.md')).sort();
      } catch {
        continue;
      }
      for (const file of files) {
        const path = join(folder, file);
        if (!statSync(path).isFile()) continue;
        try {
          const { fields, body } = parseFrontMatter(readFileSync(path, 'utf8'));
          if (!fields.title) throw new FrontMatterError('Falta "title" en el encabezado.', 1);
          articles.push({
            system: system.slug,
            category: category.slug,
            slug: file.replace(/\.md$/, ''),
            title: fields.title,
            summary: fields.summary ?? '',
            tags: fields.tags ?? '',
            order: Number(fields.order ?? 0) || 0,
            body,
          });
        } catch (err) {
          if (err instanceof FrontMatterError) throw new Error(`${path}:${err.line}: ${err.message}`);
          throw err;
        }
      }
    }
  }
  return { systems, articles };
}

/**
 * Bring a corpus into the database in one transaction, matching rows by slug:
 * running it twice changes nothing the second time.
 */
export async function loadHelpCorpus(db: Kysely<Database>, corpus: Corpus, now: Date): Promise<{ systems: number; articles: number }> {
  await db.transaction().execute(async (trx) => {
    for (const [position, s] of corpus.systems.entries()) {
      const existing = await trx.selectFrom('systems').select('id').where('slug', '=', s.slug).executeTakeFirst();
      const systemId = existing?.id ?? randomUUID();
      if (existing) await trx.updateTable('systems').set({ name: s.name, description: s.description, position }).where('id', '=', systemId).execute();
      else await trx.insertInto('systems').values({ id: systemId, slug: s.slug, name: s.name, description: s.description, position }).execute();
      const categoryIds = new Map<string, string>();
      for (const [cpos, c] of s.categories.entries()) {
        const cat = await trx.selectFrom('help_categories').select('id').where('system_id', '=', systemId).where('slug', '=', c.slug).executeTakeFirst();
        const id = cat?.id ?? randomUUID();
        if (cat) await trx.updateTable('help_categories').set({ name: c.name, position: cpos }).where('id', '=', id).execute();
        else await trx.insertInto('help_categories').values({ id, system_id: systemId, slug: c.slug, name: c.name, position: cpos }).execute();
        categoryIds.set(c.slug, id);
      }
      for (const a of corpus.articles.filter((x) => x.system === s.slug)) {
        const values = {
          category_id: categoryIds.get(a.category)!,
          title: a.title,
          summary: a.summary,
          body_md: a.body,
          body_html: renderMarkdown(a.body),
          tags: a.tags,
          position: a.order,
          published: 1,
        };
        const art = await trx.selectFrom('help_articles').selectAll().where('system_id', '=', systemId).where('slug', '=', a.slug).executeTakeFirst();
        if (!art) {
          await trx.insertInto('help_articles').values({ id: randomUUID(), system_id: systemId, slug: a.slug, updated_at: now.toISOString(), ...values }).execute();
        } else if (Object.entries(values).some(([k, v]) => (art as Record<string, unknown>)[k] !== v)) {
          await trx.updateTable('help_articles').set({ ...values, updated_at: now.toISOString() }).where('id', '=', art.id).execute();
        }
      }
    }
  });
  return { systems: corpus.systems.length, articles: corpus.articles.length };
}
