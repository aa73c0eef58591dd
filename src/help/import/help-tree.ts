import type { ArticleFields } from './article-source-hash.ts';
import type { TocEntry } from '../render-markdown.ts';

/**
 * A help folder read and checked, ready to import: what readHelpTree
 * returns and importHelpTree takes. Everything is already rendered and
 * hashed, so the import only compares and writes.
 */
export interface HelpTree {
  systems: TreeSystem[];
  /** The synonym groups of sinonimos.txt; null when the folder has none (the database keeps its own). */
  synonyms: string[][] | null;
  articles: TreeArticle[];
}

export interface TreeCategory {
  slug: string;
  name: string;
}

export interface TreeSystem {
  slug: string;
  name: string;
  description: string;
  categories: TreeCategory[];
}

export interface TreeAsset {
  /** Relative to the article's folder, as the article links it: "imagenes/cierre.png". */
  path: string;
  contentType: string;
  size: number;
  sha256: string;
  data: Buffer;
}

export interface TreeArticle extends ArticleFields {
  /** The file it came from, relative to the folder. */
  path: string;
  html: string;
  toc: TocEntry[];
  text: string;
  headings: string[];
  assets: TreeAsset[];
  /** Changes whenever anything the article is built from changes (see article-source-hash.ts). */
  sourceHash: string;
}
