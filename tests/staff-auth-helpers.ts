import { expect } from 'vitest';
import { readableMail } from '../src/mail/mail-secrets.ts';
import { TestClient, location } from './client.ts';
import { totpCode, type TestStaff } from './staff-fixtures.ts';
import type { TestRuntime } from './test-runtime.ts';

/** A console client (its own address, the console's CSRF cookie). */
export const consoleClient = (rt: TestRuntime) => new TestClient(rt, {}, 'staff_csrf');

/** Through the real forms: password, then a TOTP code for the current time. */
export async function signInThroughForms(rt: TestRuntime, staff: TestStaff, client = consoleClient(rt)): Promise<TestClient> {
  const res = await client.post('/proveedor/ingresar', { email: staff.email, password: staff.password });
  expect(res.status).toBe(303);
  expect(location(res)).toMatch(/^\/proveedor\/verificar/);
  const ok = await client.post('/proveedor/verificar', { code: totpCode(staff.totpSecret!, rt.clock.now()) });
  expect(ok.status).toBe(303);
  return client;
}

/** The invitation link in the newest invitation mail to `email` (secret filled in, as it will be sent). */
export async function invitationPathFor(rt: TestRuntime, email: string): Promise<string> {
  const rows = await rt.deps.db.selectFrom('outbox').selectAll().where('to_address', '=', email).where('kind', 'like', 'staff-invitation%').orderBy('created_at', 'desc').execute();
  const mail = readableMail(rows[0]!);
  const m = /http:\/\/localhost(\/proveedor\/invitacion\?token=[\w-]+)/.exec(mail.text_body);
  if (!m) throw new Error(`no invitation link in ${mail.text_body}`);
  return m[1]!;
}

/** The Base32 secret as the enrolment page shows it (grouped), joined again. */
export function secretOnPage(html: string): string {
  const m = /<p class="secret" id="clave-secreta">([A-Z2-7 ]+)<\/p>/.exec(html);
  if (!m) throw new Error('no secret on the enrolment page');
  return m[1]!.replace(/ /g, '');
}

export function recoveryCodesOnPage(html: string): string[] {
  return [...html.matchAll(/<li>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})<\/li>/g)].map((m) => m[1]!);
}

export const auditRows = (rt: TestRuntime, action: string) => rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
