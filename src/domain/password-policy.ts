import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * NIST SP 800-63B style policy: length matters, composition rules do not.
 * A password is refused when it is short, very long, common (the ~49,000
 * passwords of zxcvbn-ts' maintained list), or made of what an attacker
 * knows about the account (its RUT, e-mail, the vendor's brand).
 */

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

const COMMON = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

export interface PasswordContext {
  rut?: string;
  email?: string;
  customerName?: string;
  userName?: string;
  brandWords?: string[];
}

export type PasswordProblem = 'too-short' | 'too-long' | 'common' | 'personal';

export const PASSWORD_MESSAGES: Record<PasswordProblem, string> = {
  'too-short': `La nueva clave debe tener al menos ${PASSWORD_MIN_LENGTH} caracteres.`,
  'too-long': `La nueva clave puede tener como máximo ${PASSWORD_MAX_LENGTH} caracteres.`,
  common: 'Esa clave es demasiado común y fácil de adivinar. Elija otra, por ejemplo una frase de varias palabras.',
  personal: 'La clave no puede basarse en el RUT, el correo o el nombre del portal. Elija otra.',
};

function letters(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

function contextWords(ctx: PasswordContext): string[] {
  const words: string[] = [];
  if (ctx.rut) {
    const [body] = ctx.rut.split('-');
    words.push(letters(ctx.rut));
    if (body) words.push(body);
  }
  if (ctx.email) {
    const [local, domain] = ctx.email.toLowerCase().split('@');
    if (local) words.push(letters(local), ...local.split(/[._+-]/).map(letters));
    if (domain) words.push(...domain.split('.').map(letters));
  }
  for (const w of ctx.brandWords ?? []) words.push(letters(w), ...w.split(/\s+/).map(letters));
  // Longest first, so "mitranstecnia" is removed before "transtecnia".
  return [...new Set(words.filter((w) => w.length >= 3))].sort((a, b) => b.length - a.length);
}

export function checkPassword(password: string, ctx: PasswordContext = {}): PasswordProblem | null {
  const length = [...password.normalize('NFC')].length;
  if (length < PASSWORD_MIN_LENGTH) return 'too-short';
  if (length > PASSWORD_MAX_LENGTH) return 'too-long';
  const lowered = password.toLowerCase();
  if (COMMON.has(lowered) || COMMON.has(lowered.trim())) return 'common';
  const plain = letters(password);
  if (COMMON.has(plain)) return 'common';
  let rest = plain;
  for (const w of contextWords(ctx)) rest = rest.split(w).join('');
  if (rest.length < plain.length && (rest.length < 6 || COMMON.has(rest))) return 'personal';
  // A password that is only a repeated or sequential pattern is as weak as a common one.
  if (/^(.{1,3})\1+$/u.test(plain) || isSequence(plain)) return 'common';
  return null;
}

function isSequence(s: string): boolean {
  if (s.length < 4) return false;
  const step = s.charCodeAt(1) - s.charCodeAt(0);
  if (Math.abs(step) !== 1) return false;
  for (let i = 2; i < s.length; i++) if (s.charCodeAt(i) - s.charCodeAt(i - 1) !== step) return false;
  return true;
}
