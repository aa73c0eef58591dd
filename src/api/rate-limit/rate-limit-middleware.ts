import type { MiddlewareHandler } from 'hono';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor } from '../../auth/principal.ts';
import type { AppEnv } from '../../web/env.ts';
import { problem } from '../problem.ts';
import { BURST_WINDOW_SECONDS } from './api-rate-limiter.ts';

/**
 * Every authenticated call counts against its token (after authenticate,
 * before the call is audited or its body read). Each answer says where the
 * token stands in the IETF draft's terms (draft-ietf-httpapi-ratelimit-headers-07):
 * RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (seconds) and the
 * policy. A refused call is a 429 problem with Retry-After; it is counted in
 * /metrics and audited once a minute per token, not once per call (a client
 * in a loop would fill the audit trail with its own refusals).
 */
export const rateLimitApiCalls: MiddlewareHandler<AppEnv> = async (c, next) => {
  const client = c.get('apiClient');
  const deps = c.get('deps');
  const limiter = deps.apiRateLimiter;
  const d = await limiter.consume(client.clientId);
  const { perMinute, burst } = limiter.options;
  const headers = (h: Headers) => {
    h.set('RateLimit-Limit', String(d.limit));
    h.set('RateLimit-Remaining', String(d.remaining));
    h.set('RateLimit-Reset', String(d.resetSeconds));
    h.set('RateLimit-Policy', burst > 0 ? `${perMinute};w=60, ${burst};w=${BURST_WINDOW_SECONDS};comment="reserva"` : `${perMinute};w=60`);
  };
  if (d.allowed) {
    await next();
    headers(c.res.headers);
    return;
  }
  deps.metrics.throttles.refused(`api:${client.clientId}`);
  if (await limiter.firstRefusalThisMinute(client.clientId)) {
    await recordAuditEvent(deps.db, {
      action: 'api.rate-limited', at: deps.clock.now(), ...auditActor(client), customerId: null, targetLabel: `${client.name} (${client.prefix})`,
      detail: { method: c.req.method, path: c.req.path, limitPerMinute: perMinute, burst, requestId: c.get('requestId') },
    }).catch((err) => c.get('log').warn({ err }, 'API rate limit refusal not audited'));
  }
  c.header('Retry-After', String(d.resetSeconds));
  const res = problem(c, 429, 'rate-limited', `Demasiadas llamadas con este token: el límite es de ${perMinute} por minuto${burst > 0 ? ` (más una reserva de ${burst} cada ${BURST_WINDOW_SECONDS / 60} minutos)` : ''}. Vuelva a intentarlo en ${d.resetSeconds} segundos.`);
  headers(res.headers);
  return res;
};
