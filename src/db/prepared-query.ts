import { CompiledQuery, SelectQueryNode, type Compilable, type Kysely } from 'kysely';

/** Where a call's value goes among the compiled query's parameters. */
class Slot {
  constructor(readonly index: number) {}
}

const WRITES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);

/**
 * Whether a query holds a write anywhere: a CTE that deletes is a select at
 * its top (PostgreSQL runs it), and so is raw SQL that updates. The plugin of
 * db/page-data-writes.ts never sees what runs here, so a write must not.
 * Raw SQL is judged by its text, the values apart.
 */
function writesWithin(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  const kind = (node as { kind?: unknown }).kind;
  if (typeof kind === 'string' && WRITES.has(kind)) return true;
  if (kind === 'RawNode' && /\b(insert|update|delete|merge)\b/i.test((node as { sqlFragments: readonly string[] }).sqlFragments.join(' '))) return true;
  return Object.values(node).some(writesWithin);
}

/**
 * A read that a page runs on every request (the session, the reader's vote),
 * built and compiled by Kysely once per database handle instead of on each
 * call: building and compiling a query costs more CPU than SQLite takes to
 * run it. `build` receives stand-ins for the values, which must be plain
 * values compared or matched (not lists, not SQL); the compiled text and its
 * parameters are kept, and each call puts its own values where the stand-ins
 * were. Reads only, a write nested in one (a CTE, raw SQL) included: writes go through Kysely as usual, where the change
 * signal's plugin sees them (db/page-data-writes.ts).
 */
export function preparedQuery<A extends unknown[], O>(build: (db: Kysely<any>, ...values: A) => Compilable<O>): <DB>(db: Kysely<DB>, ...values: A) => Promise<O[]> {
  const compiled = new WeakMap<object, { sql: string; parameters: readonly unknown[] }>();
  return async (db, ...values) => {
    let c = compiled.get(db);
    if (!c) {
      const q = build(db, ...(values.map((_, i) => new Slot(i)) as A)).compile();
      if (!SelectQueryNode.is(q.query) || writesWithin(q.query)) throw new Error('preparedQuery is for reads only');
      c = { sql: q.sql, parameters: q.parameters };
      compiled.set(db, c);
    }
    const parameters = c.parameters.map((p) => (p instanceof Slot ? values[p.index] : p));
    return (await db.executeQuery<O>(CompiledQuery.raw(c.sql, parameters))).rows;
  };
}
