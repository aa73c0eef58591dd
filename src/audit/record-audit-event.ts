import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export type AuditAction =
  | 'sign-in.ok'
  | 'sign-in.failed'
  | 'sign-in.throttled'
  | 'sign-out'
  | 'sessions.revoked-others'
  | 'password.changed'
  | 'password.change-failed'
  | 'password.reset-requested'
  | 'password.reset'
  | 'user.created'
  | 'user.credentials-resent'
  | 'user.disabled'
  | 'user.enabled'
  | 'user.deleted'
  | 'user.help-scope-changed'
  | 'customer.created'
  | 'customer.disabled'
  | 'customer.enabled'
  | 'contract.added'
  | 'contract.ended';

export interface AuditEvent {
  action: AuditAction;
  at: Date;
  /** Who did it: a user id, or null for the operator CLI / an anonymous visitor. */
  actorUserId: string | null;
  /** Human-readable who, kept even after the user is deleted. */
  actorLabel: string;
  customerId: string | null;
  targetUserId?: string | null;
  targetLabel?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

/** Append one event. Call it inside the transaction of the change it records. */
export async function recordAuditEvent(db: Kysely<Database>, e: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: randomUUID(),
      at: e.at.toISOString(),
      action: e.action,
      actor_user_id: e.actorUserId,
      actor_label: e.actorLabel,
      customer_id: e.customerId,
      target_user_id: e.targetUserId ?? null,
      target_label: e.targetLabel ?? null,
      ip: e.ip ?? null,
      detail: e.detail ? JSON.stringify(e.detail) : null,
    })
    .execute();
}
