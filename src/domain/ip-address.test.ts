import { describe, expect, it } from 'vitest';
import { addressBlock, canonicalIp } from './ip-address.ts';

describe('canonicalIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    [' 1.2.3.4 ', '1.2.3.4'],
    // IPv4-mapped IPv6, however it is written, is the IPv4 it maps (found by an attack review: three spellings, three keys).
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:1.2.3.4', '1.2.3.4'],
    ['0:0:0:0:0:ffff:1.2.3.4', '1.2.3.4'],
    ['::ffff:102:304', '1.2.3.4'],
    ['2001:DB8:0:0:1::1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::1', '::1'],
  ])('writes %j as %j', (raw, canonical) => {
    expect(canonicalIp(raw)).toBe(canonical);
  });

  it.each([[''], ['garbage'], ['999.1.1.1'], ['1.2.3'], ['[::1]'], ['1.2.3.4:80'], ['x'.repeat(100)], [undefined]])('refuses %j', (raw) => {
    expect(canonicalIp(raw)).toBeUndefined();
  });
});

describe('addressBlock', () => {
  it('is the address for IPv4, the /64 for IPv6, whatever the spelling', () => {
    expect(addressBlock('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(addressBlock('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressBlock('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressBlock('2001:db8::1')).toBe('2001:db8:0:0::/64');
    // An embedded IPv4 tail is two groups, not one.
    expect(addressBlock('a::d:e:f:1.2.3.4')).toBe('a:0:0:d::/64');
  });
});
