import { z } from '@hono/zod-openapi';
import { ACTOR_KINDS, type ActorKind } from '../../auth/principal.ts';
import type { AuditEventView } from '../../audit/list-audit-events.ts';

/** One row of the audit trail as the API shows it: who acted, on which customer, what was done. */
export const AuditEventResource = z
  .object({
    id: z.string(),
    at: z.string().describe('Cuándo (ISO 8601, UTC).'),
    action: z.string().describe('Qué se hizo, como código estable (`customer.created`, `user.disabled`, `api.request`…).'),
    actionLabel: z.string().describe('La acción en castellano, como la muestra la consola.'),
    actor: z
      .object({
        kind: z.enum(ACTOR_KINDS as [ActorKind, ...ActorKind[]]).describe('`user` (usuario de un cliente), `staff` (personal del proveedor), `cli` (operador en la terminal), `api` (un token de la API), `anonymous`.'),
        label: z.string().describe('Quién: un correo, el operador, o `api:<nombre> (<prefijo>)` para un token.'),
      })
      .describe('Quién lo hizo.'),
    customer: z.object({ id: z.string(), rut: z.string(), name: z.string() }).nullable().describe('El cliente al que toca; `null` si a ninguno (o si ya no existe).'),
    target: z.string().nullable().describe('Sobre quién o qué se hizo (un correo, un contrato), si corresponde.'),
    ip: z.string().nullable().describe('Desde qué dirección, si se conoce.'),
    detail: z.record(z.string(), z.unknown()).nullable().describe('Los datos de la acción (por ejemplo el nombre anterior y el nuevo de un cliente renombrado).'),
  })
  .openapi('AuditEvent');

export type AuditEventResource = z.infer<typeof AuditEventResource>;

export function presentAuditEvent(e: AuditEventView): AuditEventResource {
  return {
    id: e.id,
    at: e.at,
    action: e.action,
    actionLabel: e.actionLabel,
    actor: { kind: e.actorKind, label: e.actorLabel },
    customer: e.customerId && e.customerRut && e.customerName !== null ? { id: e.customerId, rut: e.customerRut, name: e.customerName } : null,
    target: e.targetLabel,
    ip: e.ip,
    detail: detailOf(e.detail),
  };
}

/** The stored detail is a JSON object; anything else (an old row's plain text) is kept under `text`. */
function detailOf(stored: string | null): Record<string, unknown> | null {
  if (stored === null) return null;
  try {
    const v: unknown = JSON.parse(stored);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  return { text: stored };
}
