import { isIP } from 'node:net';

/**
 * One spelling per address, so that a throttle key, an audit row and a log
 * line agree however a proxy or a client wrote it: IPv6 in its canonical
 * form (RFC 5952, as the WHATWG URL parser writes it), IPv4-mapped IPv6
 * (`::ffff:1.2.3.4`, `0:0:0:0:0:ffff:102:304`) as the IPv4 it is, a zone
 * id (`fe80::1%eth0`) dropped. Anything that is not an address: undefined.
 */
export function canonicalIp(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let a = raw.trim();
  if (a.length === 0 || a.length > 64) return undefined;
  if (isIP(a) === 4) return a;
  a = a.replace(/%.*$/, '');
  if (isIP(a) !== 6) return undefined;
  let canonical: string;
  try {
    canonical = new URL(`http://[${a}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return canonical;
}

/**
 * Where one client's addresses end: IPv4 the address itself, IPv6 its /64
 * (a provider hands each customer at least one, so one person can take any
 * address in it). Used where a budget is kept per client.
 */
export function addressBlock(raw: string): string {
  const ip = canonicalIp(raw);
  if (!ip) return raw;
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).join(':')}::/64`;
}
