import { fileURLToPath } from 'node:url';

/**
 * The project's folder (where package.json, public/ and content/ live), as a
 * file: URL ending in a slash. This module sits one level below it in the
 * source (src/project-root.ts, run by tsx or Vitest) and is inlined into a
 * bundle that also sits one level below it (dist/server.js, `npm run build`),
 * so the same relative step finds the root from both; a path written relative
 * to a deeper source file would point outside the project from dist/.
 */
export const PROJECT_ROOT = new URL('../', import.meta.url);

/** A path inside the project, e.g. projectPath('content/help/'). */
export const projectPath = (relative: string): string => fileURLToPath(new URL(relative, PROJECT_ROOT));
