import type { Brand } from '../config.ts';
import { checkPassword, PASSWORD_MESSAGES } from '../domain/password-policy.ts';

/** What an attacker knows about the account: its password may not be built from it. */
export interface PasswordOwner {
  rut: string;
  email: string;
  customerName: string;
  userName: string;
}

/** The checks every "new password + repeat" form shares; field name → Spanish message. */
export function newPasswordErrors(next: string, repeat: string, who: PasswordOwner, brand: Brand): Record<string, string> {
  const errors: Record<string, string> = {};
  const problem = checkPassword(next, {
    rut: who.rut,
    email: who.email,
    customerName: who.customerName,
    userName: who.userName,
    brandWords: [brand.name, brand.vendor],
  });
  if (next === '') errors.newPassword = 'Ingrese la nueva clave.';
  else if (problem) errors.newPassword = PASSWORD_MESSAGES[problem];
  if (!errors.newPassword && next !== repeat) errors.repeatPassword = 'Las dos claves nuevas no coinciden.';
  return errors;
}
