import { expect } from 'vitest';
import type { Transaction } from 'kysely';
import type { Principal } from '../src/auth/principal.ts';
import type { Database, StaffRole } from '../src/db/schema.ts';
import { ValidationError } from '../src/errors.ts';
import type { HelpWriteContext } from '../src/help/authoring/help-write-context.ts';
import { createTestStaff } from './staff-fixtures.ts';
import type { TestRuntime } from './test-runtime.ts';

// Shared by the tests of the help's structure operations (systems, categories, files, broken links).

export async function staffPrincipal(rt: TestRuntime, role: StaffRole): Promise<Principal> {
  const s = await createTestStaff(rt.deps, role);
  return { kind: 'staff', staffId: s.id, name: s.name, email: s.email, role, ip: null };
}

/** One operation in a transaction of its own, as the console's routes run it. */
export function inTransaction<T>(rt: TestRuntime, fn: (trx: Transaction<Database>, ctx: HelpWriteContext) => Promise<T>): Promise<T> {
  return rt.deps.db.transaction().execute((trx) => fn(trx, { dialect: rt.deps.dialect, now: rt.clock.now(), selfPublish: false }));
}

/** The field errors of a refusal (fails the test when it was not a ValidationError). */
export async function refusal(p: Promise<unknown>): Promise<Record<string, string>> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).fieldErrors;
}

export async function systemOrder(rt: TestRuntime): Promise<{ slug: string; position: number }[]> {
  return (await rt.deps.db.selectFrom('systems').select(['slug', 'position']).orderBy('position').orderBy('slug').execute()).map((s) => ({ slug: s.slug, position: Number(s.position) }));
}

export async function categoryOrder(rt: TestRuntime, systemSlug: string): Promise<{ slug: string; position: number }[]> {
  const rows = await rt.deps.db
    .selectFrom('help_categories as c')
    .innerJoin('systems as s', 's.id', 'c.system_id')
    .select(['c.slug', 'c.position'])
    .where('s.slug', '=', systemSlug)
    .orderBy('c.position')
    .orderBy('c.slug')
    .execute();
  return rows.map((c) => ({ slug: c.slug, position: Number(c.position) }));
}
