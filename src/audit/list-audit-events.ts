import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { ACTOR_KIND_LABEL, ACTOR_KINDS, type ActorKind } from '../auth/principal.ts';
import { isUuid } from '../customers/find-customer.ts';
import { containsPattern } from '../customers/folded-name.ts';
import { fieldErrors } from '../customers/user-fields.ts';
import type { Database } from '../db/schema.ts';
import { addDays } from '../domain/contracts.ts';
import { blankAsMissing, optionalDay } from '../domain/filter-input.ts';
import { plainLine } from '../domain/plain-text.ts';
import { parseRut } from '../domain/rut.ts';
import { santiagoDayStart } from '../domain/santiago-day.ts';
import { ValidationError } from '../errors.ts';
import { AUDIT_ACTIONS, auditActionLabel } from './audit-action-labels.ts';

/** The audit filters, from the console's form, the customer's Actividad page and the CLI alike. */
export const AuditFilters = z
  .object({
    /** Part of the actor's e-mail or label, any case. */
    actor: z.preprocess(blankAsMissing, plainLine('El actor').max(254, 'El actor puede tener como máximo 254 caracteres.').optional()),
    actorKind: z.preprocess(blankAsMissing, z.enum(ACTOR_KINDS as [ActorKind, ...ActorKind[]], { error: 'Elija un tipo de actor de la lista.' }).optional()),
    /** A customer's id (a link from its page) or its RUT typed any way. */
    customer: z.preprocess(blankAsMissing, plainLine('El cliente').max(64, 'Escriba el RUT del cliente, como 12.345.678-5.').optional()),
    action: z.preprocess(blankAsMissing, z.enum(AUDIT_ACTIONS, { error: 'Elija una acción de la lista.' }).optional()),
    from: optionalDay('La fecha «desde»'),
    to: optionalDay('La fecha «hasta»'),
    /** A user of the customer: events they did or that were done to them. */
    userId: z.preprocess(blankAsMissing, z.string().max(64).optional()),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'La fecha «hasta» no puede ser anterior a la fecha «desde».' });

/** What a form or the CLI hands in: text, as typed. */
export type AuditFilterInput = Partial<Record<'actor' | 'actorKind' | 'customer' | 'action' | 'from' | 'to' | 'userId', string>>;
export type AuditFilterValues = z.output<typeof AuditFilters>;

export interface AuditEventView {
  id: string;
  at: string;
  action: string;
  actionLabel: string;
  actorKind: ActorKind;
  actorKindLabel: string;
  actorLabel: string;
  customerId: string | null;
  customerRut: string | null;
  customerName: string | null;
  targetLabel: string | null;
  ip: string | null;
  detail: string | null;
}

export interface AuditPage {
  events: AuditEventView[];
  page: number;
  pageSize: number;
  hasMore: boolean;
  filters: AuditFilterValues;
}

/** A customer's own trail (Actividad): only its rows, and the vendor's people shown as "Proveedor". */
export interface CustomerScope {
  customerId: string;
}

export const AUDIT_PAGE_SIZE = 50;

/** Parse the filters, or throw a ValidationError with Spanish messages keyed by field. */
export function parseAuditFilters(input: AuditFilterInput): AuditFilterValues {
  const r = AuditFilters.safeParse(input);
  if (r.success) return r.data;
  throw new ValidationError(fieldErrors(r.error), 'Revise los filtros marcados.');
}

/**
 * Audit events, newest first, in pages of `pageSize` (offset over a total
 * order: at, then id, so a page never repeats or skips a row of equal time).
 * `after` instead of a page number starts right after that event in the same
 * order (the API's cursor): events written meanwhile are newer, so they land
 * before it and never shift the pages that follow.
 * One query with the customer joined: no query per row.
 */
export async function listAuditEvents(
  db: Kysely<Database>,
  input: AuditFilterInput,
  page: { page?: number; pageSize?: number; after?: { at: string; id: string } } = {},
  scope?: CustomerScope,
): Promise<AuditPage> {
  const f = parseAuditFilters(input);
  const pageNo = Math.max(1, Math.min(10_000, Math.floor(page.page ?? 1) || 1));
  const pageSize = Math.max(1, Math.min(50_000, page.pageSize ?? AUDIT_PAGE_SIZE));

  let customerId: string | undefined = scope?.customerId;
  if (!scope && f.customer) {
    if (isUuid(f.customer)) customerId = f.customer.toLowerCase();
    else {
      const rut = parseRut(f.customer);
      if (!rut.ok) throw new ValidationError({ customer: 'Escriba el RUT del cliente, como 12.345.678-5.' }, 'Revise los filtros marcados.');
      const c = await db.selectFrom('customers').select('id').where('rut', '=', rut.rut).executeTakeFirst();
      if (!c) throw new ValidationError({ customer: 'No hay un cliente con ese RUT.' }, 'Revise los filtros marcados.');
      customerId = c.id;
    }
  }

  let q = db
    .selectFrom('audit_events as e')
    .leftJoin('customers as c', 'c.id', 'e.customer_id')
    .select(['e.id', 'e.at', 'e.action', 'e.actor_kind', 'e.actor_label', 'e.customer_id', 'c.rut', 'c.name', 'e.target_label', 'e.ip', 'e.detail']);
  if (customerId) q = q.where('e.customer_id', '=', customerId);
  if (f.actorKind) q = q.where('e.actor_kind', '=', f.actorKind);
  if (f.action) q = q.where('e.action', '=', f.action);
  if (f.from) q = q.where('e.at', '>=', santiagoDayStart(f.from));
  if (f.to) q = q.where('e.at', '<', santiagoDayStart(addDays(f.to, 1)));
  if (page.after) {
    const { at, id } = page.after;
    q = q.where((eb) => eb.or([eb('e.at', '<', at), eb.and([eb('e.at', '=', at), eb('e.id', '<', id)])]));
  }
  if (f.userId) q = q.where((eb) => eb.or([eb('e.actor_user_id', '=', f.userId!), eb('e.target_user_id', '=', f.userId!)]));
  if (f.actor) {
    // The typed text is matched literally: % and _ are not wildcards for the person typing.
    const pattern = containsPattern(f.actor.toLowerCase());
    q = scope
      ? q.where(sql<boolean>`(e.actor_kind = 'user' or e.actor_kind = 'anonymous') and lower(e.actor_label) like ${pattern} escape '\\'`)
      : q.where(sql<boolean>`lower(e.actor_label) like ${pattern} escape '\\'`);
  }
  const rows = await q
    .orderBy('e.at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(pageSize + 1)
    .offset(page.after ? 0 : (pageNo - 1) * pageSize)
    .execute();

  const events = rows.slice(0, pageSize).map((r): AuditEventView => {
    const kind = (ACTOR_KINDS as readonly string[]).includes(r.actor_kind) ? (r.actor_kind as ActorKind) : 'anonymous';
    // A customer sees that the vendor acted, never which of its people, from where, nor the internal details.
    const vendor = scope !== undefined && (kind === 'staff' || kind === 'cli' || kind === 'api');
    return {
      id: r.id,
      at: r.at,
      action: r.action,
      actionLabel: auditActionLabel(r.action),
      actorKind: kind,
      actorKindLabel: vendor ? 'Proveedor' : ACTOR_KIND_LABEL[kind],
      actorLabel: vendor ? 'Proveedor' : r.actor_label,
      customerId: r.customer_id,
      customerRut: r.rut,
      customerName: r.name,
      targetLabel: r.target_label,
      ip: vendor ? null : r.ip,
      detail: scope ? null : r.detail,
    };
  });
  return { events, page: pageNo, pageSize, hasMore: rows.length > pageSize, filters: f };
}
