import { isPlainText, refusedCharactersMessage } from '../domain/plain-text.ts';
import { parseRut, RUT_MESSAGES } from '../domain/rut.ts';
import type { FieldErrors } from './components/form.tsx';

export type AccountFields =
  | { ok: true; rut: string; email: string; values: { rut: string; email: string } }
  | { ok: false; errors: FieldErrors; values: { rut: string; email: string } };

/**
 * RUT + e-mail as typed on the sign-in and recovery forms: the RUT in its
 * canonical form (a wrong check digit is its own message) and the e-mail
 * lower-cased (control and bidi characters are a message, never a
 * query); `values` echo what was typed back into the form.
 */
export function readAccountFields(f: Record<string, string>): AccountFields {
  const values = { rut: (f.rut ?? '').slice(0, 20), email: (f.email ?? '').slice(0, 254) };
  const errors: FieldErrors = {};
  const rut = parseRut(f.rut ?? '');
  if (!rut.ok) errors.rut = RUT_MESSAGES[rut.reason];
  const email = (f.email ?? '').trim().toLowerCase();
  if (!email) errors.email = 'Ingrese su correo.';
  // No stored address holds one (and PostgreSQL refuses a NUL in a query with an error, not a miss).
  else if (!isPlainText(email)) errors.email = refusedCharactersMessage('El correo');
  if (!rut.ok || Object.keys(errors).length > 0) return { ok: false, errors, values };
  return { ok: true, rut: rut.rut, email, values };
}
