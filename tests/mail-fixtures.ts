import type { Kysely } from 'kysely';
import type { Config } from '../src/config.ts';
import type { Database } from '../src/db/schema.ts';
import { enqueueMail } from '../src/mail/outbox.ts';
import { credentialsMail } from '../src/mail/templates/credentials-mail.tsx';
import { passwordResetMail } from '../src/mail/templates/password-reset-mail.tsx';

/** Queue the real credentials mail with a temporary password the test knows. */
export function queueCredentials(db: Kysely<Database>, config: Config, to: string, temporaryPassword: string, now: Date): Promise<string> {
  const mail = credentialsMail({
    brand: config.brand,
    portalUrl: config.publicUrl,
    to,
    name: 'Persona de Prueba',
    customerRut: '765432103',
    customerName: 'Cliente de Prueba SpA',
    temporaryPassword,
    expiresAt: new Date(now.getTime() + 72 * 3_600_000),
    addedBy: 'Ana Administradora',
    profile: 'technical',
  });
  return enqueueMail(db, mail, now);
}

/** Queue the real reset mail with a link the test knows. */
export function queueReset(db: Kysely<Database>, config: Config, to: string, token: string, now: Date): Promise<string> {
  const mail = passwordResetMail({ brand: config.brand, to, name: 'Persona de Prueba', link: `${config.publicUrl}/restablecer?token=${token}`, minutes: 60 });
  return enqueueMail(db, mail, now);
}

/** The whole outbox row as one string: what a copy of the database would show of it. */
export async function outboxRowText(db: Kysely<Database>, id: string): Promise<string> {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return JSON.stringify(row);
}
