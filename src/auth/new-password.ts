import type { Brand } from '../config.ts';
import { checkPassword, PASSWORD_MESSAGES } from '../domain/password-policy.ts';

/** The checks every "new password + repeat" form shares; field name → Spanish message. */
export function newPasswordErrors(
  next: string,
  repeat: string,
  who: { rut: string; email: string },
  brand: Brand,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const problem = checkPassword(next, { rut: who.rut, email: who.email, brandWords: [brand.name, brand.vendor] });
  if (next === '') errors.newPassword = 'Ingrese la nueva clave.';
  else if (problem) errors.newPassword = PASSWORD_MESSAGES[problem];
  if (!errors.newPassword && next !== repeat) errors.repeatPassword = 'Las dos claves nuevas no coinciden.';
  return errors;
}
