import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { hashToken } from '../auth/token.ts';

/**
 * Ten single-use recovery codes, 80 random bits each, shown once and stored
 * as SHA-256 (decision 0014: a fast hash is enough for random values of this
 * size; a slow one protects guessable human choices, which these are not).
 * Crockford's Base32 (no i, l, o, u), in groups of four: read aloud or typed
 * without confusion; what is typed is normalised the same way.
 */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LENGTH = 16;

export function newRecoveryCode(): string {
  const bytes = randomBytes(LENGTH);
  let code = '';
  // 256 is a multiple of 32: taking the low 5 bits is unbiased.
  for (const b of bytes) code += ALPHABET[b & 31];
  return (code.match(/.{4}/g) ?? []).join('-');
}

/** What a person typed → the canonical code (or null when it cannot be one). */
export function normaliseRecoveryCode(typed: string): string | null {
  const s = typed.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  return new RegExp(`^[${ALPHABET}]{${LENGTH}}$`).test(s) ? s : null;
}

const hashCode = (canonical: string) => hashToken(`staff-recovery:${canonical}`);

/** Replace every recovery code of the staff member with ten new ones; returns them for showing once. */
export async function replaceRecoveryCodes(trx: Kysely<Database>, staffId: string, now: Date): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await trx.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute();
  await trx
    .insertInto('staff_recovery_codes')
    .values(codes.map((c) => ({ staff_id: staffId, code_hash: hashCode(normaliseRecoveryCode(c)!), created_at: now.toISOString(), used_at: null })))
    .execute();
  return codes;
}

/** Use a code: true once only, even for two requests at once (compare-and-swap on used_at). */
export async function consumeRecoveryCode(trx: Kysely<Database>, staffId: string, canonical: string, now: Date): Promise<boolean> {
  const r = await trx
    .updateTable('staff_recovery_codes')
    .set({ used_at: now.toISOString() })
    .where('staff_id', '=', staffId)
    .where('code_hash', '=', hashCode(canonical))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function remainingRecoveryCodes(db: Kysely<Database>, staffId: string): Promise<number> {
  const r = await db.selectFrom('staff_recovery_codes').select((eb) => eb.fn.countAll<number>().as('n')).where('staff_id', '=', staffId).where('used_at', 'is', null).executeTakeFirst();
  return Number(r?.n ?? 0);
}
