import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ActorKind } from '../auth/principal.ts';
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
  | 'customer.renamed'
  | 'contract.added'
  | 'contract.ended'
  | 'contract.plan-changed'
  | 'customer.admin-added'
  | 'customer.admin-replaced'
  | 'customer.imported'
  | 'user.throttle-lifted'
  | 'user.sessions-ended'
  | 'session.ended'
  | 'mail.retried'
  | 'mail.discarded'
  | 'audit.exported'
  | 'staff.invited'
  | 'staff.invitation-resent'
  | 'staff.invitation-accepted'
  | 'staff.role-changed'
  | 'staff.disabled'
  | 'staff.enabled'
  | 'staff.mfa-enrolled'
  | 'staff.mfa-reset'
  | 'staff.password-link-sent'
  | 'staff.recovery-code-used'
  | 'staff.sign-in.ok'
  | 'staff.sign-in.failed'
  | 'staff.sign-in.throttled'
  | 'staff.second-factor.ok'
  | 'staff.second-factor.failed'
  | 'staff.step-up'
  | 'staff.sign-out'
  | 'staff.preview-as-customer'
  | 'help.article-created'
  | 'help.draft-saved'
  | 'help.draft-submitted'
  | 'help.draft-discarded'
  | 'help.published'
  | 'help.unpublished'
  | 'help.version-restored'
  | 'help.article-moved'
  | 'help.attachment-uploaded'
  | 'help.schedule-created'
  | 'help.schedule-cancelled'
  | 'help.schedule-failed'
  | 'help.system-created'
  | 'help.system-changed'
  | 'help.category-created'
  | 'help.category-changed'
  | 'help.reordered'
  | 'help.synonyms-changed'
  | 'help.imported'
  | 'help.digest-subscribed'
  | 'help.digest-unsubscribed'
  | 'api-token.created'
  | 'api-token.revoked'
  | 'api.request'
  | 'api.rate-limited'
  | 'webhook-endpoint.created'
  | 'webhook-endpoint.changed'
  | 'webhook-endpoint.disabled'
  | 'webhook-endpoint.enabled'
  | 'webhook-endpoint.deleted'
  | 'webhook-endpoint.secret-rotated'
  | 'webhook-endpoint.secret-shown'
  | 'webhook.resent';

export interface AuditEvent {
  action: AuditAction;
  at: Date;
  /** Which kind of principal acted; by default 'user' when actorUserId is set, else 'anonymous'. Spread auditActor(principal) to fill the actor fields. */
  actorKind?: ActorKind;
  /** Who did it: a customer user's id, or null. */
  actorUserId: string | null;
  /** A staff member's id when staff acted. */
  actorStaffId?: string | null;
  /** The API token's id when an API client acted. */
  actorApiTokenId?: string | null;
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
      actor_kind: e.actorKind ?? (e.actorUserId ? 'user' : 'anonymous'),
      actor_user_id: e.actorUserId,
      actor_staff_id: e.actorStaffId ?? null,
      actor_api_token_id: e.actorApiTokenId ?? null,
      actor_label: e.actorLabel,
      customer_id: e.customerId,
      target_user_id: e.targetUserId ?? null,
      target_label: e.targetLabel ?? null,
      ip: e.ip ?? null,
      detail: e.detail ? JSON.stringify(e.detail) : null,
    })
    .execute();
}
