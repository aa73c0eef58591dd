// The readers of the many-readers bench: customers, their contracts, an
// administrator and technical users each (some limited to part of the help),
// and one signed-in session per user, written into the bench database before
// the portal starts, with the generated help corpus beside them.
//
// Why sessions are inserted, not signed in: 1,000 sign-ins over HTTP cost
// 1,000 argon2id verifications (tens of seconds on a busy core) and measure
// nothing this bench is about. Users go in through the users table's owner
// (auth/credentials.ts insertUser) with one real argon2id hash of a known
// password, hashed once and shared, so each could still sign in; sessions go
// in through the portal's own createSession (auth/session.ts), so the sid
// cookie is exactly a token the portal issues at sign-in (the table keeps its
// SHA-256), and the csrf cookie is a fresh newToken() as the CSRF guard sets
// it. With PUBLIC_URL on http the cookies carry no __Host- prefix
// (web/cookies.ts), so they are plain `sid` and `csrf`.
import { randomUUID } from 'node:crypto';
import { insertUser } from '../src/auth/credentials.ts';
import { PasswordHasher } from '../src/auth/password-hasher.ts';
import { createSession } from '../src/auth/session.ts';
import { newToken } from '../src/auth/token.ts';
import { createDb } from '../src/db/create-db.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { addDays, vendorToday } from '../src/domain/contracts.ts';
import { rutCheckDigit } from '../src/domain/rut.ts';
import { importHelpTree } from '../src/help/import/import-help-tree.ts';
import type { HelpTree } from '../src/help/import/help-tree.ts';
import { cookieNameFor } from '../src/web/cookies.ts';
import { rng } from './help-corpus.ts';

export const CUSTOMERS = 200;
/** One administrator and four technical users per customer: 1,000 sessions. */
export const TECHNICAL_PER_CUSTOMER = 4;
/** The share of technical users their administrator limited to part of the contracted help. */
const SCOPED_SHARE = 0.3;
export const READER_PASSWORD = 'Lectores-Bench-2026!';

export interface Reader {
  cookie: string;
  role: 'admin' | 'technical';
  customer: number;
  /** The system slugs this reader may read: the customer's contracts, narrowed by the scope. */
  systems: Set<string>;
}

export interface SeededReaders {
  readers: Reader[];
  /** A second administrator of customer 0, which contracts every system: opens every page once, to capture them for the raw server. */
  captureReader: Reader;
  import: Record<string, number>;
  seedMs: number;
}

/** Fisher–Yates with the bench's seeded generator: the same readers on every run. */
export function shuffle<T>(r: () => number, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Migrate, import the corpus and seed the readers into the database at `url` (a SQLite file or a postgres:// URL with its search_path). */
export async function seedReaders(url: string, tree: HelpTree, seed = 'mi-portal-many-readers'): Promise<SeededReaders> {
  const started = performance.now();
  const { db, dialect, close } = createDb(url);
  const hasher = new PasswordHasher(1);
  try {
    await migrateToLatest(db);
    const now = new Date();
    const imported = await importHelpTree(db, dialect, tree, now);
    const systems = await db.selectFrom('systems').select(['id', 'slug']).orderBy('position').execute();
    if (systems.length < 2) throw new Error(`the corpus has ${systems.length} systems; the bench needs several`);
    const passwordHash = await hasher.hash(READER_PASSWORD);
    const r = rng(seed);
    const today = vendorToday(now);
    const readers: Reader[] = [];
    let captureReader: Reader | undefined;
    const sid = cookieNameFor(false, 'sid');
    const csrf = cookieNameFor(false, 'csrf');
    await db.transaction().execute(async (trx) => {
      for (let c = 0; c < CUSTOMERS; c++) {
        const customerId = randomUUID();
        const body = String(20_000_000 + c * 7_919);
        await trx.insertInto('customers').values({ id: customerId, rut: `${body}-${rutCheckDigit(body)}`, name: `Cliente de prueba ${c + 1}`, disabled_at: null, created_at: now.toISOString() }).execute();
        // Two to four of the systems, all in force; customer 0 every one of them.
        const contracted = c === 0 ? systems : shuffle(r, systems).slice(0, 2 + Math.floor(r() * 3));
        for (const s of contracted) {
          await trx
            .insertInto('contracts')
            .values({ id: randomUUID(), customer_id: customerId, system_id: s.id, plan: 'Plan Bench', starts_on: addDays(today, -100 - Math.floor(r() * 300)), ends_on: null, created_at: now.toISOString() })
            .execute();
        }
        for (let u = 0; u <= TECHNICAL_PER_CUSTOMER; u++) {
          const role = u === 0 ? 'admin' : 'technical';
          const userId = randomUUID();
          await insertUser(trx, {
            id: userId, customerId, email: `${role === 'admin' ? 'admin' : `tecnico${u}`}@cliente${c + 1}.cl`, name: `${role === 'admin' ? 'Administradora' : 'Técnico'} ${c + 1}.${u}`,
            role, passwordHash, temporaryUntil: null, createdBy: 'bench', now,
          });
          let readable = contracted;
          if (role === 'technical' && r() < SCOPED_SHARE) {
            readable = contracted.slice(0, 1 + Math.floor(r() * (contracted.length - 1)));
            for (const s of readable) await trx.insertInto('user_help_scope').values({ user_id: userId, system_id: s.id }).execute();
          }
          const token = await createSession(trx, userId, now, { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 }, { ip: '198.18.2.1', userAgent: 'mi-portal many-readers bench' });
          readers.push({ cookie: `${sid}=${token}; ${csrf}=${newToken()}`, role, customer: c, systems: new Set(readable.map((s) => s.slug)) });
        }
        if (c === 0) {
          // One more administrator, outside the 1,000, opens every page once to capture it for the raw server: its page cache stays its own.
          const userId = randomUUID();
          await insertUser(trx, { id: userId, customerId, email: 'captura@cliente1.cl', name: 'Captura', role: 'admin', passwordHash, temporaryUntil: null, createdBy: 'bench', now });
          const token = await createSession(trx, userId, now, { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 }, { ip: '198.18.2.1', userAgent: 'mi-portal many-readers bench' });
          captureReader = { cookie: `${sid}=${token}; ${csrf}=${newToken()}`, role: 'admin', customer: 0, systems: new Set(systems.map((s) => s.slug)) };
        }
      }
    });
    if (!captureReader) throw new Error('no capture session');
    return { readers, captureReader, import: imported as unknown as Record<string, number>, seedMs: Math.round(performance.now() - started) };
  } finally {
    await hasher.close();
    await close();
  }
}
