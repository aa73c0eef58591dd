import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { TrustProxy } from '../config.ts';
import { canonicalIp } from '../domain/ip-address.ts';

/**
 * The client's address, as the nearest proxy we trust saw it. X-Forwarded-For
 * is a list each proxy appends to, so only its right end is written by
 * someone we trust: read from the socket outwards, step over the trusted
 * hops, and stop at the first address that is not one. The leftmost entry is
 * whatever the client chose to write.
 *
 * The app (request-context) and the page cache both use this, so a request
 * is logged, throttled and audited under one address whichever answers it.
 */
export type ClientAddressOf = (socketAddress: string | undefined, forwardedFor: string | undefined) => string;

/** What a request with no socket (app.request in tests, a worker) is recorded as. */
const NO_ADDRESS = 'local';

export function clientAddressResolver(trust: TrustProxy): ClientAddressOf {
  if ('hops' in trust && trust.hops === 0) return (socket) => canonicalIp(socket) ?? NO_ADDRESS;
  const trusted = 'hops' in trust ? hopCount(trust.hops) : proxyaddr.compile(trust.proxies);
  return (socket, forwardedFor) => {
    if (!forwardedFor) return canonicalIp(socket) ?? NO_ADDRESS;
    // proxy-addr reads only these two fields; a whole IncomingMessage is not needed.
    const req = { headers: { 'x-forwarded-for': forwardedFor }, socket: { remoteAddress: socket } } as unknown as IncomingMessage;
    // The socket first, then X-Forwarded-For right to left, cut after the first untrusted one.
    const chain = proxyaddr.all(req, trusted);
    // A garbled entry (a proxy that adds a port, a hop count set higher than
    // the proxies there are, or text) is never stored as an address: the
    // nearest well-formed one, written by a trusted hop, stands in.
    for (let i = chain.length - 1; i >= 0; i--) {
      const address = canonicalIp(chain[i]);
      if (address) return address;
    }
    return NO_ADDRESS;
  };
}

function hopCount(hops: number) {
  return (_address: string, i: number) => i < hops;
}
