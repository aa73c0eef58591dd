import { isPlainText, refusedCharactersMessage } from './plain-text.ts';

/**
 * RUT (Rol Único Tributario): a body of up to 8 digits and a modulo-11 check
 * digit (0-9 or K). People type it in many ways; we keep one canonical form
 * ("12345678-5", upper-case K) in the database and show the dotted form.
 */

export type RutProblem = 'empty' | 'characters' | 'format' | 'check-digit';

export type RutParseResult = { ok: true; rut: string } | { ok: false; reason: RutProblem };

export function rutCheckDigit(body: string): string {
  let sum = 0;
  let weight = 2;
  for (let i = body.length - 1; i >= 0; i--) {
    sum += Number(body[i]) * weight;
    weight = weight === 7 ? 2 : weight + 1;
  }
  const dv = 11 - (sum % 11);
  if (dv === 11) return '0';
  if (dv === 10) return 'K';
  return String(dv);
}

export function parseRut(input: string): RutParseResult {
  // Spaces and dots are dropped below; a control or bidi character is not a typing slip but something else.
  if (!isPlainText(input.trim())) return { ok: false, reason: 'characters' };
  const compact = input.trim().replace(/[.\s]/g, '').replace(/‐|‑|–/g, '-').toUpperCase();
  if (compact === '') return { ok: false, reason: 'empty' };
  const match = /^(\d{1,8})-?([\dK])$/.exec(compact);
  if (!match) return { ok: false, reason: 'format' };
  const body = match[1]!.replace(/^0+(?=\d)/, '');
  const dv = match[2]!;
  if (body === '0') return { ok: false, reason: 'format' };
  if (rutCheckDigit(body) !== dv) return { ok: false, reason: 'check-digit' };
  return { ok: true, rut: `${body}-${dv}` };
}

export const RUT_MESSAGES: Record<RutProblem, string> = {
  empty: 'Ingrese el RUT de la empresa.',
  characters: refusedCharactersMessage('El RUT'),
  format: 'El RUT no tiene un formato válido. Escríbalo como 12.345.678-5.',
  'check-digit': 'El dígito verificador del RUT no es correcto. Revise el número.',
};

/** "12345678" → "12.345.678": a RUT's body grouped in thousands. */
export function dottedRutBody(body: string): string {
  return body.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** "12345678-5" → "12.345.678-5" */
export function formatRut(canonical: string): string {
  const [body, dv] = canonical.split('-');
  if (!body || !dv) return canonical;
  return `${dottedRutBody(body)}-${dv}`;
}
