/** One thing wrong in a help folder, where the writer has to fix it. */
export interface HelpTreeProblem {
  /** Relative to the folder, with "/" separators. */
  path: string;
  /** 1-based. */
  line: number;
  message: string;
}

export function formatProblem(p: HelpTreeProblem): string {
  return `${p.path}:${p.line}: ${p.message}`;
}

/**
 * A help folder that cannot be imported, with every problem found in it:
 * the writer fixes them all in one round instead of one per attempt.
 */
export class HelpTreeError extends Error {
  constructor(readonly problems: HelpTreeProblem[]) {
    const n = problems.length;
    super(`La carpeta de ayuda tiene ${n === 1 ? '1 problema' : `${n} problemas`}:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'HelpTreeError';
  }
}
