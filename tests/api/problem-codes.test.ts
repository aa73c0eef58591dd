import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROBLEM_CODES, problemAnchor } from '../../src/api/problem-codes.ts';
import { problemBody } from '../../src/api/problem.ts';

/**
 * The list of problem codes (src/api/problem-codes.ts, one section each in
 * the reference page) against the source: every code the API can answer
 * with is listed, with the status it comes with, and every listed code is
 * answered somewhere. "Can answer" is read from the code /api/v1 runs: the
 * files api-app.ts imports, directly or not, and the codes written in them
 * (problem(c, 4xx, 'code'), new AppError(4xx, 'code'), UnavailableError('code'),
 * a subclass's super(4xx, 'code'), ValidationError → validation).
 */
const ROOT = resolve(import.meta.dirname, '../..');

/** Codes that module graph holds but the API never answers, and why. */
const NOT_FROM_THE_API: Record<string, string> = {
  csrf: 'only the portal\'s and the console\'s forms check a CSRF token; the API has no cookies to protect',
};

function apiSources(): Map<string, string> {
  const files = new Map<string, string>();
  const stack = [resolve(ROOT, 'src/api/api-app.ts')];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (files.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    files.set(file, text);
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), m[1]!);
      if (existsSync(target) && !/\.test\.tsx?$/.test(target)) stack.push(target);
    }
  }
  return files;
}

function answeredCodes(files: Map<string, string>): Map<string, { statuses: Set<number>; where: Set<string> }> {
  const found = new Map<string, { statuses: Set<number>; where: Set<string> }>();
  const add = (code: string, status: number | null, file: string) => {
    if (!found.has(code)) found.set(code, { statuses: new Set(), where: new Set() });
    if (status !== null) found.get(code)!.statuses.add(status);
    found.get(code)!.where.add(relative(ROOT, file));
  };
  for (const [file, text] of files) {
    for (const m of text.matchAll(/\bproblem\(\s*c\b[^,]*,\s*(\d{3}),\s*'([a-z0-9-]+)'/g)) add(m[2]!, Number(m[1]), file);
    for (const m of text.matchAll(/\bAppError\(\s*(\d{3}),\s*'([a-z0-9-]+)'/g)) add(m[2]!, Number(m[1]), file);
    for (const m of text.matchAll(/\bsuper\(\s*(\d{3}),\s*'([a-z0-9-]+)'/g)) add(m[2]!, Number(m[1]), file);
    for (const m of text.matchAll(/\bUnavailableError\(\s*'([a-z0-9-]+)'/g)) add(m[1]!, 503, file);
    if (/\bnew ValidationError\(/.test(text)) add('validation', 422, file);
  }
  return found;
}

const files = apiSources();
const answered = answeredCodes(files);

describe('the problem codes of /api/v1', () => {
  it('reads the API\'s code (a sanity check that the import walk found the operations)', () => {
    expect(files.size).toBeGreaterThan(20);
    for (const code of ['unauthorized', 'insufficient-scope', 'validation', 'malformed-json']) expect([...answered.keys()]).toContain(code);
  });

  it('lists every code the API can answer with, each with the status it comes with', () => {
    const missing = [...answered].filter(([code]) => !(code in PROBLEM_CODES) && !(code in NOT_FROM_THE_API)).map(([code, a]) => `${code} (${[...a.where].join(', ')})`);
    expect(missing, 'answered but not in src/api/problem-codes.ts: add each with what it means for a client').toEqual([]);
    for (const [code, a] of answered) {
      if (!(code in PROBLEM_CODES)) continue;
      const listed = PROBLEM_CODES[code as keyof typeof PROBLEM_CODES].statuses as readonly number[];
      for (const status of a.statuses) expect(listed, `${code} is answered with ${status} in ${[...a.where].join(', ')}`).toContain(status);
    }
  });

  it('lists no code the API never answers with', () => {
    const everything = [...files.values()].join('\n');
    const dead = Object.keys(PROBLEM_CODES).filter((code) => !answered.has(code) && !everything.includes(`'${code}'`));
    expect(dead, 'listed in problem-codes.ts but written nowhere in the API\'s code').toEqual([]);
  });

  it('points each problem\'s type at its code\'s section of the reference', () => {
    for (const code of Object.keys(PROBLEM_CODES)) {
      expect(problemBody(400, code, 'x').type).toBe(`/api/v1/docs#${problemAnchor(code)}`);
      expect(PROBLEM_CODES[code as keyof typeof PROBLEM_CODES].meaning.length, code).toBeGreaterThan(20);
    }
  });
});
