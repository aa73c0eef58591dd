import pg from 'pg';
import { OldestKeys } from '../cache/oldest-keys.ts';

/**
 * Named prepared statements for the texts a connection runs again and again
 * (decision 0036). PostgreSQL parses, analyses and plans every unnamed
 * statement anew; for the portal's statements that was most of their cost
 * (a help search: four CTEs and a union, about half a millisecond before a
 * row is read, on every search). Kysely hands pg a text and its values, so
 * the choice is made here, per connection, the way pgjdbc and Npgsql do it:
 * a text is prepared from its second use on a connection, and a connection
 * keeps at most MAX_PREPARED of them, the least recently used deallocated.
 * Texts that vary (IN lists) stay bounded that way, on the client and on the
 * server.
 *
 * Left as they were: transaction control and anything not a plain
 * select/with/insert/update/delete, a text without values holding a ";"
 * (several statements: pg's simple protocol takes them, a prepared
 * statement cannot), and queries with a callback, a name or a cursor of
 * their own.
 */
export const MAX_PREPARED = 100;
/** The use of a text on a connection from which it is prepared (once is a one-off: not worth a statement on the server). */
const PREPARE_FROM_USE = 2;
/** Texts whose uses are counted at most (oldest out), so one-offs cannot grow the count. */
const MAX_COUNTED = 500;

const PLAIN_STATEMENT = /^\s*(select|with|insert|update|delete)\b/i;

type QueryArgs = [config: unknown, values?: unknown, callback?: unknown];

/** What pg keeps of the statements it has parsed on a connection (internal: pinned by package-lock, checked by the tests). */
interface PgConnectionInternals {
  parsedStatements: Record<string, string>;
}

/** Errors after which a statement's name must not be used again: gone on the server, or its cached plan unusable after DDL. */
function invalidatesStatement(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === '26000' || (e.code === '0A000' && /cached plan must not change result type/i.test(e.message ?? ''));
}

export class PreparingClient extends pg.Client {
  /** Prepared texts, least recently used first, with their names on this connection. */
  private readonly prepared = new Map<string, string>();
  private readonly preparedOldest = new OldestKeys(this.prepared);
  private readonly uses = new Map<string, number>();
  private readonly usesOldest = new OldestKeys(this.uses);
  private serial = 0;

  /** How many statements this connection holds prepared now (tests, metrics). */
  get preparedCount(): number {
    return this.prepared.size;
  }

  // pg's query() has a dozen overloads; Kysely calls query(text, values) and awaits it.
  override query(...args: QueryArgs): any {
    const [text, values, callback] = args;
    const plain = (super.query as (...a: QueryArgs) => any).bind(this);
    if (typeof text !== 'string' || !Array.isArray(values) || callback !== undefined || !PLAIN_STATEMENT.test(text) || (values.length === 0 && text.includes(';'))) return plain(...args);
    const name = this.nameFor(text);
    if (name === undefined) return plain(text, values);
    return (plain({ name, text, values }) as Promise<unknown>).catch((err: unknown) => {
      if (!invalidatesStatement(err)) throw err;
      this.forget(text);
      // Outside a transaction the failed statement changed nothing: run it again, prepared afresh. Inside one, the transaction has failed: the caller hears of it.
      if (this.getTransactionStatus() !== 'I') throw err;
      return plain({ name: this.newName(text), text, values });
    });
  }

  /** The name `text` runs under on this connection, or undefined while it is not (yet) worth preparing. */
  private nameFor(text: string): string | undefined {
    const name = this.prepared.get(text);
    if (name !== undefined) {
      // Used again: the newest, the last to be deallocated.
      this.prepared.delete(text);
      this.prepared.set(text, name);
      return name;
    }
    const n = (this.uses.get(text) ?? 0) + 1;
    if (n < PREPARE_FROM_USE) {
      if (this.uses.size >= MAX_COUNTED) this.uses.delete(this.usesOldest.next()!);
      this.uses.set(text, n);
      return undefined;
    }
    this.uses.delete(text);
    return this.newName(text);
  }

  private newName(text: string): string {
    if (this.prepared.size >= MAX_PREPARED) this.forget(this.preparedOldest.next()!);
    const name = `mp${++this.serial}`;
    this.prepared.set(text, name);
    return name;
  }

  /** Never run `text` under its name again, and give the statement back (queued behind what runs now, so never under it). */
  private forget(text: string): void {
    const name = this.prepared.get(text);
    if (name === undefined) return;
    this.prepared.delete(text);
    const internals = (this as unknown as { connection: PgConnectionInternals }).connection;
    delete internals.parsedStatements[name];
    // DEALLOCATE is not transactional and cannot fail for a statement that exists; in a failed
    // transaction it is refused, and the statement stays until the connection closes (its name is never reused).
    (super.query as (t: string) => Promise<unknown>).call(this, `deallocate ${name}`).catch(() => undefined);
  }
}
