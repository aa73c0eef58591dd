import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { hashToken } from '../../auth/token.ts';
import { auditActor, principalName, principalRef, type Principal } from '../../auth/principal.ts';
import { isUniqueViolation } from '../../db/dialect.ts';
import { plainLine } from '../../domain/plain-text.ts';
import { ValidationError } from '../../errors.ts';
import { fieldErrors } from '../../customers/user-fields.ts';
import { API_SCOPES } from '../api-scopes.ts';
import { newApiToken } from './api-token-format.ts';
import { authorizeApiTokens } from './authorize-api-token-manager.ts';

/** The longest a token may live: a year; rotating is creating a new one and revoking the old. */
export const MAX_TOKEN_DAYS = 365;

/** The console's "Nuevo token" form and `portal api-token create` alike. */
export const CreateApiTokenInput = z.object({
  name: plainLine('El nombre').min(1, 'Ingrese un nombre para el token (por ejemplo, el sistema que lo usará).').max(100, 'El nombre puede tener como máximo 100 caracteres.'),
  scopes: z
    .array(z.enum(API_SCOPES, { error: 'Uno de los permisos elegidos no existe.' }), { error: 'Elija al menos un permiso.' })
    .min(1, 'Elija al menos un permiso.')
    .transform((s) => [...new Set(s)].sort()),
  expiresInDays: z.coerce
    .number({ error: 'Indique en cuántos días vence el token.' })
    .int('Los días de vigencia deben ser un número entero.')
    .min(1, 'El token debe durar al menos un día.')
    .max(MAX_TOKEN_DAYS, `El token puede durar como máximo ${MAX_TOKEN_DAYS} días.`),
});

export type CreateApiTokenInput = z.input<typeof CreateApiTokenInput>;

export interface CreatedApiToken {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string;
  /** Shown once, to whoever created it; never stored. */
  token: string;
}

/** A staff administrator (or the operator's CLI) creates a token for a vendor system. */
export async function createApiToken(deps: Deps, actor: Principal, raw: CreateApiTokenInput): Promise<CreatedApiToken> {
  authorizeApiTokens(actor);
  const parsed = CreateApiTokenInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const { name, scopes, expiresInDays } = parsed.data;
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + expiresInDays * 86_400_000).toISOString();
  const id = randomUUID();
  for (let attempt = 0; ; attempt++) {
    const { token, prefix } = newApiToken();
    try {
      await deps.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('api_tokens')
          .values({
            id, name, prefix, token_hash: hashToken(token), scopes: scopes.join(' '), created_at: now.toISOString(),
            created_by: principalRef(actor), created_by_label: principalName(actor), expires_at: expiresAt,
            last_used_at: null, last_used_ip: null, revoked_at: null, revoked_by_label: null,
          })
          .execute();
        await recordAuditEvent(trx, {
          action: 'api-token.created', at: now, ...auditActor(actor), customerId: null, targetLabel: `${name} (${prefix})`,
          detail: { tokenId: id, prefix, scopes, expiresAt },
        });
      });
      return { id, name, prefix, scopes, expiresAt, token };
    } catch (err) {
      // Two tokens drew the same 32-bit prefix (one in 4 billion per pair): draw again.
      if (isUniqueViolation(err) && attempt < 3) continue;
      throw err;
    }
  }
}
