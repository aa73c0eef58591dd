import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { clientAddressResolver } from './client-address.ts';

// X-Forwarded-For is appended to by each proxy: only its right end was
// written by someone we trust. The client writes the left end.

const resolve = (trustProxy: string, socket: string | undefined, xff: string | undefined) =>
  clientAddressResolver(loadConfig({ TRUST_PROXY: trustProxy }).trustProxy)(socket, xff);

describe('client address', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(resolve('false', '203.0.113.9', '6.6.6.6')).toBe('203.0.113.9');
    expect(resolve('0', '203.0.113.9', '6.6.6.6')).toBe('203.0.113.9');
    expect(resolve('false', undefined, '6.6.6.6')).toBe('local');
  });

  it('with one trusted hop ("true", as before) takes the entry the proxy appended, not the one the client wrote', () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the address it saw.
    expect(resolve('true', '10.0.0.2', '6.6.6.6, 198.51.100.9')).toBe('198.51.100.9');
    expect(resolve('1', '10.0.0.2', '6.6.6.6,198.51.100.9')).toBe('198.51.100.9');
    expect(resolve('true', '10.0.0.2', '198.51.100.9')).toBe('198.51.100.9');
    // No header: the proxy's own address, the only one known.
    expect(resolve('true', '10.0.0.2', undefined)).toBe('10.0.0.2');
    // No socket (app.request in tests): the rightmost entry still.
    expect(resolve('true', undefined, '6.6.6.6, 198.51.100.9')).toBe('198.51.100.9');
  });

  it('with two hops steps over both proxies', () => {
    expect(resolve('2', '10.0.0.2', '6.6.6.6, 198.51.100.9, 10.0.0.7')).toBe('198.51.100.9');
  });

  it('with a list of proxies stops at the first address that is not one of them', () => {
    const list = '10.0.0.0/8, 192.0.2.10';
    expect(resolve(list, '10.0.0.2', '6.6.6.6, 198.51.100.9, 192.0.2.10')).toBe('198.51.100.9');
    // A client that pretends to be a proxy gets no further: 198.51.100.9 is not trusted, so what it wrote is not read.
    expect(resolve(list, '10.0.0.2', '6.6.6.6, 10.9.9.9, 198.51.100.9')).toBe('198.51.100.9');
    // A connection that does not come from a listed proxy: its header means nothing.
    expect(resolve(list, '198.51.100.20', '6.6.6.6')).toBe('198.51.100.20');
    expect(resolve('loopback', '::ffff:127.0.0.1', '6.6.6.6, 203.0.113.4')).toBe('203.0.113.4');
  });

  it('never returns text that is not an address', () => {
    // A hop count set higher than the proxies there are would reach the client's own entry; junk there is not kept.
    expect(resolve('3', '10.0.0.2', '<script>, 198.51.100.9')).toBe('198.51.100.9');
    expect(resolve('true', '10.0.0.2', 'x'.repeat(5000))).toBe('10.0.0.2');
    expect(resolve('true', '10.0.0.2', '198.51.100.9:4431')).toBe('10.0.0.2');
    expect(resolve('true', undefined, 'nonsense')).toBe('local');
  });

  it('writes IPv4-mapped IPv6 addresses as IPv4, so one client has one throttle key', () => {
    expect(resolve('false', '::ffff:198.51.100.9', undefined)).toBe('198.51.100.9');
    expect(resolve('true', '::ffff:10.0.0.2', '2001:DB8::1')).toBe('2001:db8::1');
  });
});
