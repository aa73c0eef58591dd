import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkPassword } from './password-policy.ts';

const ctx = { rut: '7991387-1', email: 'dmayorga@transtecnia.cl', brandWords: ['Mi Transtecnia', 'Transtecnia'] };

describe('password policy', () => {
  it('accepts a long passphrase in any script, with no composition rules', () => {
    expect(checkPassword('caballo correcto batería grapa', ctx)).toBeNull();
    expect(checkPassword('ñandú café pingüino', ctx)).toBeNull();
    expect(checkPassword('パスワードはとても長いです', ctx)).toBeNull();
  });

  it('counts characters, not bytes', () => {
    expect(checkPassword('ññññññññ', ctx)).toBe('too-short');
    expect(checkPassword('ñandúpingü', ctx)).toBeNull();
  });

  it('enforces the bounds', () => {
    expect(checkPassword('corta', ctx)).toBe('too-short');
    expect(checkPassword('x'.repeat(9) + 'y', ctx)).toBeNull();
    expect(checkPassword('ab'.repeat(64) + 'c', ctx)).toBe('too-long');
  });

  it('refuses common passwords whatever their case', () => {
    expect(checkPassword('1234567890', ctx)).toBe('common');
    expect(checkPassword('Password123', ctx)).toBe('common');
    expect(checkPassword('qwertyuiop', ctx)).toBe('common');
    expect(checkPassword('aaaaaaaaaaaa', ctx)).toBe('common');
    expect(checkPassword('abcdefghijkl', ctx)).toBe('common');
  });

  it('refuses passwords built from the RUT, the e-mail or the brand', () => {
    expect(checkPassword('7991387-1abc', ctx)).toBe('personal');
    expect(checkPassword('79913871!!', ctx)).toBe('personal');
    expect(checkPassword('dmayorga2024', ctx)).toBe('personal');
    expect(checkPassword('Transtecnia2026', ctx)).toBe('personal');
    expect(checkPassword('MiTranstecnia!', ctx)).toBe('personal');
    // containing the brand inside a long phrase is fine
    expect(checkPassword('mi transtecnia tiene buena ayuda en línea', ctx)).toBeNull();
  });

  it('property: any 10–128 character password is either accepted or refused with a reason, never throws', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 140, unit: 'grapheme' }), (pw) => {
        const r = checkPassword(pw, ctx);
        expect(r === null || ['too-short', 'too-long', 'common', 'personal'].includes(r)).toBe(true);
      }),
    );
  });
});
