import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { daysBetween } from '../domain/contracts.ts';
import { contractEndedKey, contractEndingKey } from './contract-event-keys.ts';
import { emitWebhookEvent, type EmitOptions } from './webhook-events.ts';
import type { WebhookData } from './webhook-payloads.ts';

/**
 * The contract, user and customer as the webhook payloads show them, read in
 * the caller's transaction (so an event describes the row as this change
 * leaves it). One shape per subject, whichever event carries it.
 */

export type ContractSubject = WebhookData['contract.created'];

/** A contract with its system and customer, or undefined when it is not there. */
export async function contractSubject(trx: Kysely<Database>, contractId: string): Promise<ContractSubject | undefined> {
  const r = await trx
    .selectFrom('contracts as k')
    .innerJoin('systems as s', 's.id', 'k.system_id')
    .innerJoin('customers as c', 'c.id', 'k.customer_id')
    .select(['k.id', 'k.plan', 'k.starts_on', 'k.ends_on', 's.slug as system_slug', 's.name as system_name', 'c.id as customer_id', 'c.rut', 'c.name as customer_name'])
    .where('k.id', '=', contractId)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    contract: { id: r.id, system: { slug: r.system_slug, name: r.system_name }, plan: r.plan, startsOn: r.starts_on, endsOn: r.ends_on },
    customer: { id: r.customer_id, rut: r.rut, name: r.customer_name },
  };
}

export type UserSubject = Omit<WebhookData['user.disabled'], 'user'> & { user: WebhookData['user.created']['user'] & { disabledAt: string | null } };

/** A customer's user with its customer, or undefined. */
export async function userSubject(trx: Kysely<Database>, userId: string): Promise<UserSubject | undefined> {
  const r = await trx
    .selectFrom('users as u')
    .innerJoin('customers as c', 'c.id', 'u.customer_id')
    .select(['u.id', 'u.email', 'u.name', 'u.role', 'u.created_at', 'u.disabled_at', 'c.id as customer_id', 'c.rut', 'c.name as customer_name'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    user: { id: r.id, email: r.email, name: r.name, role: r.role, createdAt: r.created_at, disabledAt: r.disabled_at },
    customer: { id: r.customer_id, rut: r.rut, name: r.customer_name },
  };
}

/** Emit a contract event about `contractId` as it stands in `trx` (nothing when the contract is gone). */
export async function emitContractEvent(
  trx: Kysely<Database>,
  type: 'contract.created' | 'contract.started',
  contractId: string,
  now: Date,
  opts: EmitOptions = {},
): Promise<string | null> {
  const subject = await contractSubject(trx, contractId);
  return subject ? emitWebhookEvent(trx, type, subject, now, opts) : null;
}

/**
 * contract.ended for the contract's last day `endsOn`, once per contract and
 * day (its key): nothing when the contract is gone or its end is no longer
 * that day (moved meanwhile: the new day has its own turn).
 */
export async function emitContractEnded(trx: Kysely<Database>, contractId: string, endsOn: string, now: Date): Promise<string | null> {
  const s = await contractSubject(trx, contractId);
  if (!s || s.contract.endsOn !== endsOn) return null;
  return emitWebhookEvent(trx, 'contract.ended', { ...s, contract: { ...s.contract, endsOn } }, now, { dedupeKey: contractEndedKey(contractId, endsOn) });
}

/** contract.ending for the last day `endsOn`, `today` being the Santiago day it is sent on. */
export async function emitContractEnding(trx: Kysely<Database>, contractId: string, endsOn: string, today: string, now: Date): Promise<string | null> {
  const s = await contractSubject(trx, contractId);
  if (!s || s.contract.endsOn !== endsOn) return null;
  return emitWebhookEvent(trx, 'contract.ending', { ...s, contract: { ...s.contract, endsOn }, daysLeft: daysBetween(today, endsOn) }, now, { dedupeKey: contractEndingKey(contractId, endsOn) });
}

/** user.disabled for `userId`, in the transaction that disabled it. */
export async function emitUserDisabled(trx: Kysely<Database>, userId: string, now: Date): Promise<string | null> {
  const s = await userSubject(trx, userId);
  if (!s) return null;
  const { disabledAt, ...user } = s.user;
  const { createdAt: _created, ...rest } = user;
  return emitWebhookEvent(trx, 'user.disabled', { user: { ...rest, disabledAt: disabledAt ?? now.toISOString() }, customer: s.customer }, now);
}

/** article.published, in the transaction that published `version` of the article. */
export async function emitArticlePublished(
  trx: Kysely<Database>,
  a: { id: string; systemId: string; slug: string; title: string; summary: string; version: number },
  now: Date,
): Promise<string | null> {
  const system = await trx.selectFrom('systems').select(['slug', 'name']).where('id', '=', a.systemId).executeTakeFirstOrThrow();
  return emitWebhookEvent(trx, 'article.published', {
    article: { id: a.id, slug: a.slug, title: a.title, summary: a.summary, version: a.version, path: `/ayuda/${system.slug}/${a.slug}`, publishedAt: now.toISOString() },
    system: { slug: system.slug, name: system.name },
  }, now);
}
