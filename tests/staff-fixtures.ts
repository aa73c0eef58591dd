import { randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Deps } from '../src/deps.ts';
import type { StaffRole } from '../src/db/schema.ts';
import { createStaffSession } from '../src/staff/staff-session.ts';
import { TestClient } from './client.ts';
import type { TestRuntime } from './test-runtime.ts';

export const STAFF_PASSWORD = 'clave de prueba del personal del proveedor';

// One hash per test file: argon2 is slow on purpose.
let staffHash: Promise<string> | undefined;

export interface TestStaff {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  password: string;
  /** Base32 TOTP secret (null when not enrolled). */
  totpSecret: string | null;
}

/** A staff member straight in the database: invitation accepted, TOTP enrolled unless told otherwise. */
export async function createTestStaff(deps: Deps, role: StaffRole, over: { email?: string; name?: string; enrolled?: boolean; disabled?: boolean } = {}): Promise<TestStaff> {
  const id = randomUUID();
  const email = over.email ?? `${role}-${id.slice(0, 8)}@proveedor.cl`;
  const name = over.name ?? `Persona ${role}`;
  const now = deps.clock.now().toISOString();
  const enrolled = over.enrolled ?? true;
  const totpSecret = enrolled ? new Secret({ size: 20 }).base32 : null;
  await deps.db
    .insertInto('staff')
    .values({
      id, email, name, role, password_hash: await (staffHash ??= deps.hasher.hash(STAFF_PASSWORD)), password_changed_at: now,
      totp_secret: totpSecret, totp_enrolled_at: enrolled ? now : null, totp_last_step: null, disabled_at: over.disabled ? now : null,
      last_sign_in_at: null, created_by: 'cli:prueba', created_at: now,
    })
    .execute();
  return { id, email, name, role, password: STAFF_PASSWORD, totpSecret };
}

/** The TOTP code a staff member's authenticator shows at `at` (RFC 6238, SHA-1, 6 digits, 30 s). */
export function totpCode(secret: string, at: Date): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: at.getTime() });
}

/**
 * A console client already signed in, second factor given now: for pages
 * whose own tests are not about signing in (those go through the real form).
 */
export async function staffClient(rt: TestRuntime, staff: TestStaff, opts: { secondFactorAgoMs?: number } = {}): Promise<TestClient> {
  const now = rt.clock.now();
  const token = await createStaffSession(rt.deps.db, staff.id, now, { idleMs: rt.config.staffSessionIdleMs, absoluteMs: rt.config.staffSessionAbsoluteMs }, {
    ip: null, userAgent: 'vitest', secondFactorAt: new Date(now.getTime() - (opts.secondFactorAgoMs ?? 0)),
  });
  const client = new TestClient(rt, {}, 'staff_csrf');
  client.cookies.set('staff', token);
  return client;
}

/** A signed-in console client for a new staff member of the role. */
export async function signedInStaff(rt: TestRuntime, role: StaffRole): Promise<{ staff: TestStaff; client: TestClient }> {
  const staff = await createTestStaff(rt.deps, role);
  return { staff, client: await staffClient(rt, staff) };
}
