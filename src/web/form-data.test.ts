import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './form-data.ts';

const ORIGIN = 'https://portal.ejemplo.cl';

describe('safeReturnPath', () => {
  it.each([
    ['/\t/evil.example'], // browsers drop the tab: //evil.example
    ['/\n/evil.example'],
    ['\n'], // a line break in a Location header is an exception, not a redirect
    ['/servicios\r\nSet-Cookie: x=1'],
    ['/%09/evil'],
    ['/%0a'],
    ['/%7F'],
    ['\\evil'],
    ['/\\evil'],
    ['/\\/evil'],
    ['https://evil'],
    ['//evil'],
    ['///evil'],
    // Dot segments that resolve to "//evil…" (found by trying it: a 303 to //evil.example/phish).
    ['/.//evil.example'],
    ['/..//evil.example'],
    ['/a/..//evil.example'],
    ['/a/%2e%2e//evil.example'],
    ['/%2e%2e//evil.example'],
    ['/./\\evil.example'],
    ['javascript:alert(1)'],
    [' /servicios'],
    ['servicios'],
    [''],
    [`/${'a'.repeat(3000)}`],
  ])('refuses %j', (value) => {
    expect(safeReturnPath(value, ORIGIN)).toBeNull();
  });

  it('refuses nothing given', () => {
    expect(safeReturnPath(undefined, ORIGIN)).toBeNull();
  });

  it.each([
    ['/ok?x=1', '/ok?x=1'],
    ['/ayuda/x#y', '/ayuda/x#y'],
    ['/servicios', '/servicios'],
    ['/ayuda/contabilidad/plan-de-cuentas', '/ayuda/contabilidad/plan-de-cuentas'],
    // Written out as the URL serialises it: a valid Location header whatever was typed.
    ['/ayuda/función €', '/ayuda/funci%C3%B3n%20%E2%82%AC'],
    ['/ayuda/../servicios', '/servicios'],
  ])('keeps the path %j on the site as %j', (value, expected) => {
    expect(safeReturnPath(value, ORIGIN)).toBe(expected);
  });
});
