import { CompiledQuery, SelectQueryNode, type Compilable, type Kysely } from 'kysely';

/** Where a call's value goes among the compiled query's parameters. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * A read that a page runs on every request (the session, the reader's vote),
 * built and compiled by Kysely once per database handle instead of on each
 * call: building and compiling a query costs more CPU than SQLite takes to
 * run it. `build` receives stand-ins for the values, which must be plain
 * values compared or matched (not lists, not SQL); the compiled text and its
 * parameters are kept, and each call puts its own values where the stand-ins
 * were. Reads only: writes go through Kysely as usual, where the change
 * signal's plugin sees them (db/page-data-writes.ts).
 */
export function preparedQuery<A extends unknown[], O>(build: (db: Kysely<any>, ...values: A) => Compilable<O>): <DB>(db: Kysely<DB>, ...values: A) => Promise<O[]> {
  const compiled = new WeakMap<object, { sql: string; parameters: readonly unknown[] }>();
  return async (db, ...values) => {
    let c = compiled.get(db);
    if (!c) {
      const q = build(db, ...(values.map((_, i) => new Slot(i)) as A)).compile();
      if (!SelectQueryNode.is(q.query)) throw new Error('preparedQuery is for reads only');
      c = { sql: q.sql, parameters: q.parameters };
      compiled.set(db, c);
    }
    const parameters = c.parameters.map((p) => (p instanceof Slot ? values[p.index] : p));
    return (await db.executeQuery<O>(CompiledQuery.raw(c.sql, parameters))).rows;
  };
}
