import type { Kysely } from 'kysely';
import { setTemporaryPassword } from '../auth/credentials.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { temporaryPasswordExpiresAt } from '../domain/temporary-password-expiry.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { credentialsMail } from '../mail/templates/credentials-mail.tsx';

export interface CredentialsRecipient {
  userId: string;
  email: string;
  name: string;
  role: 'admin' | 'technical';
  customer: { rut: string; name: string };
}

/**
 * Give the user a fresh temporary password (the previous one stops working),
 * and queue the e-mail that carries it, in the caller's transaction. The
 * password exists only in that e-mail: nobody in the portal ever sees it.
 */
export async function issueCredentials(
  trx: Kysely<Database>,
  config: Config,
  r: CredentialsRecipient,
  passwordHash: string,
  temporaryPassword: string,
  addedBy: string,
  now: Date,
  resent: boolean,
): Promise<void> {
  const expiresAt = temporaryPasswordExpiresAt(now, config.tempPasswordMs);
  // A temporary password is a new credential: older sessions and reset links go.
  await setTemporaryPassword(trx, r.userId, passwordHash, expiresAt);
  await enqueueMail(
    trx,
    credentialsMail({
      brand: config.brand,
      portalUrl: config.publicUrl,
      to: r.email,
      name: r.name,
      customerRut: r.customer.rut,
      customerName: r.customer.name,
      temporaryPassword,
      expiresAt,
      addedBy,
      profile: r.role,
      resent,
    }),
    now,
  );
}
