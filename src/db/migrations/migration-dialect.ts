import { sql, type Kysely } from 'kysely';

// Migrations take Kysely<any> and import no app code, so they tell the
// dialect apart by asking: SQLite has no version() function.
export async function isPostgres(db: Kysely<any>): Promise<boolean> {
  try {
    await sql`select version()`.execute(db);
    return true;
  } catch {
    return false;
  }
}
