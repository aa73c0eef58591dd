import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatRut, parseRut, rutCheckDigit } from './rut.ts';

describe('RUT', () => {
  it('accepts every way people type it and keeps one canonical form', () => {
    for (const typed of ['12.345.678-5', '12345678-5', '123456785', ' 12.345.678-5 ']) {
      expect(parseRut(typed)).toEqual({ ok: true, rut: '12345678-5' });
    }
    expect(parseRut('7.991.387-1')).toEqual({ ok: true, rut: '7991387-1' });
  });

  it('accepts a lower-case k and stores it upper-case', () => {
    // 10.000.013-K is a valid RUT ending in K
    const body = '10000013';
    expect(rutCheckDigit(body)).toBe('K');
    expect(parseRut('10.000.013-k')).toEqual({ ok: true, rut: '10000013-K' });
  });

  it('maps a remainder of 11 to 0', () => {
    const body = Array.from({ length: 100000 }, (_, i) => String(i + 1)).find((b) => rutCheckDigit(b) === '0')!;
    expect(parseRut(`${body}-0`)).toEqual({ ok: true, rut: `${body}-0` });
  });

  it('rejects a wrong check digit with its own reason', () => {
    expect(parseRut('12.345.678-9')).toEqual({ ok: false, reason: 'check-digit' });
  });

  it('rejects what is not a RUT', () => {
    for (const bad of ['abc', '12.345.678-X', '123456789012-3', '-5', '0-0']) {
      expect(parseRut(bad).ok).toBe(false);
    }
    expect(parseRut('  ')).toEqual({ ok: false, reason: 'empty' });
  });

  it('rejects control and bidi characters with their own reason; a line break pasted after it is only spacing', () => {
    for (const bad of ['12.345.678-5\u001b[2J', '12.345\u202e.678-5', '12345678\u0000-5', '12.345.678\u0085-5']) {
      expect(parseRut(bad), JSON.stringify(bad)).toEqual({ ok: false, reason: 'characters' });
    }
    expect(parseRut('12.345.678-5\r\n')).toEqual({ ok: true, rut: '12345678-5' });
  });

  it('formats with dots', () => {
    expect(formatRut('12345678-5')).toBe('12.345.678-5');
    expect(formatRut('7991387-1')).toBe('7.991.387-1');
    expect(formatRut('1-9')).toBe('1-9');
  });

  it('property: any body with its check digit parses, in every typed form, to the same canonical RUT', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999 }), fc.boolean(), fc.boolean(), (n, dots, dash) => {
        const body = String(n);
        const dv = rutCheckDigit(body);
        const canonical = `${body}-${dv}`;
        const typedBody = dots ? formatRut(canonical).split('-')[0]! : body;
        const typed = `${typedBody}${dash ? '-' : ''}${dv.toLowerCase()}`;
        const parsed = parseRut(typed);
        expect(parsed).toEqual({ ok: true, rut: canonical });
        expect(parseRut(formatRut(canonical))).toEqual(parsed);
      }),
    );
  });

  it('property: changing the check digit is always caught', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999 }), fc.constantFrom(...'0123456789K'), (n, dv) => {
        const body = String(n);
        fc.pre(dv !== rutCheckDigit(body));
        expect(parseRut(`${body}-${dv}`)).toEqual({ ok: false, reason: 'check-digit' });
      }),
    );
  });
});
