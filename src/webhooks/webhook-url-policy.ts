import { BlockList, isIP } from 'node:net';
import { isLoopbackHost } from '../config.ts';

/**
 * Where the portal may POST. An endpoint's URL is typed by vendor staff, but
 * the request leaves from the portal's own network, so a URL must not turn
 * the portal into a way to reach what only it can reach (the cloud's metadata
 * service at 169.254.169.254, a database port on localhost, the office LAN).
 *
 * - https only; plain http just to this machine, and only with
 *   WEBHOOK_ALLOW_LOCALHOST (development and tests).
 * - No user or password in the URL (it would sit in logs and the console).
 * - The address it resolves to is checked at connection time, on the address
 *   actually dialled (webhook-post.ts), so a name that resolves to a public
 *   address when registered and to 127.0.0.1 later (DNS rebinding) is caught:
 *   loopback only with WEBHOOK_ALLOW_LOCALHOST; private networks (10/8,
 *   172.16/12, 192.168/16, 100.64/10, fc00::/7) only with
 *   WEBHOOK_ALLOW_PRIVATE_NETWORKS (a CRM inside the vendor's network);
 *   link-local (the metadata service), unspecified, multicast and reserved
 *   addresses never.
 * Redirects are not followed (a 3xx is a failed try), so an allowed host
 * cannot send the request on to a refused one.
 */
export interface WebhookNetworkPolicy {
  allowLocalhost: boolean;
  allowPrivateNetworks: boolean;
}

export const WEBHOOK_URL_MAX = 2000;

const never = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['169.254.0.0', 16], ['192.0.0.0', 24], ['192.0.2.0', 24], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  never.addSubnet(net, bits, 'ipv4');
}
// ::/96 are the deprecated IPv4-compatible addresses (::127.0.0.1) and ::ffff:0:0:0/96 the IPv4-translated ones
// (::ffff:0:127.0.0.1): both carry an IPv4 address a tunnelling host may route to; fec0::/10 is the deprecated
// site-local range (a LAN); 100::/64 discards; 64:ff9b:1::/48 is local-use NAT64. ::1 is matched as loopback first.
for (const [net, bits] of [['::', 96], ['::ffff:0:0:0', 96], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['100::', 64], ['2001:db8::', 32], ['64:ff9b::', 96], ['64:ff9b:1::', 48]] as const) {
  never.addSubnet(net, bits, 'ipv6');
}
const sixToFour = new BlockList();
sixToFour.addSubnet('2002::', 16, 'ipv6');

/** The IPv4 address a 6to4 address (2002:AABB:CCDD::/48) carries, checked like the address itself. */
function sixToFourInner(ip: string): string | null {
  const groups = new URL(`http://[${ip}]/`).hostname.slice(1, -1).split(':');
  const [hi, lo] = [parseInt(groups[1] || '0', 16), parseInt(groups[2] || '0', 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
const privateNets = new BlockList();
for (const [net, bits] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10], ['198.18.0.0', 15]] as const) privateNets.addSubnet(net, bits, 'ipv4');
privateNets.addSubnet('fc00::', 7, 'ipv6');

/** Why the portal will not connect to `address` (an IP), or null when it may. */
export function refusedAddress(address: string, policy: WebhookNetworkPolicy): string | null {
  let ip = address.replace(/^\[(.*)\]$/, '$1');
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is that IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1]!;
  const family = isIP(ip);
  if (family === 0) return `«${address}» no es una dirección IP`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (type === 'ipv6' && sixToFour.check(ip, 'ipv6')) {
    const inner = refusedAddress(sixToFourInner(ip)!, policy);
    if (inner) return `${ip} es una dirección 6to4 que lleva otra: ${inner}`;
  }
  if (loopback.check(ip, type)) return policy.allowLocalhost ? null : `${ip} es este mismo servidor (localhost); solo se permite con WEBHOOK_ALLOW_LOCALHOST`;
  if (never.check(ip, type)) return `${ip} es una dirección reservada o de enlace local (como el servicio de metadatos de la nube): nunca se permite`;
  if (privateNets.check(ip, type)) return policy.allowPrivateNetworks ? null : `${ip} es una dirección de red privada; solo se permite con WEBHOOK_ALLOW_PRIVATE_NETWORKS`;
  return null;
}

export type WebhookUrlCheck = { ok: true; url: URL } | { ok: false; message: string };

/** Whether staff may register `raw` as an endpoint (and the worker may post to it): the Spanish reason when not. */
export function checkWebhookUrl(raw: string, policy: WebhookNetworkPolicy): WebhookUrlCheck {
  const text = raw.trim();
  if (text.length === 0) return { ok: false, message: 'Ingrese la URL del webhook.' };
  if (text.length > WEBHOOK_URL_MAX) return { ok: false, message: `La URL puede tener como máximo ${WEBHOOK_URL_MAX} caracteres.` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: 'Escriba una URL completa, como https://crm.ejemplo.cl/webhooks/portal.' };
  }
  if (url.username || url.password) return { ok: false, message: 'La URL no puede llevar usuario ni clave: el receptor verifica la firma de cada envío.' };
  // A trailing dot is the same name, fully qualified (localhost. is localhost).
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  const local = isLoopbackHost(host);
  if (url.protocol === 'http:') {
    if (!(local && policy.allowLocalhost)) return { ok: false, message: 'La URL debe empezar con https:// (los envíos van cifrados).' };
  } else if (url.protocol !== 'https:') {
    return { ok: false, message: 'La URL debe empezar con https://.' };
  }
  if (local && !isIP(host) && !policy.allowLocalhost) return { ok: false, message: `${host} es este mismo servidor; solo se permite con WEBHOOK_ALLOW_LOCALHOST.` };
  if (isIP(host)) {
    const refused = refusedAddress(host, policy);
    if (refused) return { ok: false, message: `No se permite esa dirección: ${refused}.` };
  }
  url.hash = '';
  return { ok: true, url };
}
