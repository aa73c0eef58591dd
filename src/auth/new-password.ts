import type { Brand } from '../config.ts';
import { assessPassword } from '../domain/password-policy.ts';

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
  const verdict = assessPassword(next, {
    rut: who.rut,
    email: who.email,
    customerName: who.customerName,
    userName: who.userName,
    brandWords: [brand.name, brand.vendor],
  });
  if (next === '') errors.newPassword = 'Ingrese la nueva clave.';
  else if (verdict) errors.newPassword = verdict.message;
  if (!errors.newPassword && next !== repeat) errors.repeatPassword = 'Las dos claves nuevas no coinciden.';
  return errors;
}
