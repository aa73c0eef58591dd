import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';

// Schema for outbox hardening (issue 7: secrets scrubbed after sending, permanent failures, retention).
//
// secrets:         placeholder → value (JSON) of a mail's secret parts, NULL once sent or dead
// message_id:      fixed on the first claim, the same on every retry
// locked_by:       the claim that holds the lease
// dead_at:         given up on (a permanent SMTP answer)
// last_error_kind: 'permanent' | 'deferred' | 'connection'
//
// Rows written before this migration carry their secrets in the bodies. Sent
// ones lose the bodies of the kinds that carried a secret; pending ones get
// the secret moved out to the new column (the placeholder format below is the
// stored format of src/mail/mail-secrets.ts, frozen here as migrations import
// no app code).

const COLUMNS = ['secrets', 'message_id', 'locked_by', 'dead_at', 'last_error_kind'] as const;

const ERASED = '[Contenido borrado: este correo llevaba una clave temporal o un enlace para crear clave, y ya se envió.]';

const SECRET_IN_BODY: Record<string, { name: string; pattern: RegExp }> = {
  credentials: { name: 'temporaryPassword', pattern: /Clave temporal:\s*(\S+)/ },
  'credentials-resent': { name: 'temporaryPassword', pattern: /Clave temporal:\s*(\S+)/ },
  'password-reset': { name: 'resetLink', pattern: /(\S+\/restablecer\?token=[\w-]+)/ },
};

export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite adds one at a time.
  for (const column of COLUMNS) await db.schema.alterTable('outbox').addColumn(column, 'text').execute();

  const kinds = Object.keys(SECRET_IN_BODY);
  await db.updateTable('outbox').set({ text_body: ERASED, html_body: `<p>${ERASED}</p>` }).where('sent_at', 'is not', null).where('kind', 'in', kinds).execute();

  const pending = await db.selectFrom('outbox').select(['id', 'kind', 'text_body', 'html_body']).where('sent_at', 'is', null).where('kind', 'in', kinds).execute();
  for (const row of pending as Array<{ id: string; kind: string; text_body: string; html_body: string }>) {
    const { name, pattern } = SECRET_IN_BODY[row.kind]!;
    const value = pattern.exec(row.text_body)?.[1];
    if (!value) continue;
    const placeholder = `{{secreto:${name}:${randomBytes(9).toString('base64url')}}}`;
    const out = (body: string) => body.split(value).join(placeholder);
    await db
      .updateTable('outbox')
      .set({ text_body: out(row.text_body), html_body: out(row.html_body), secrets: JSON.stringify({ [placeholder]: value }) })
      .where('id', '=', row.id)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  // Mail still waiting goes back to the old form, secrets in the bodies, so it can still be sent.
  const pending = await db.selectFrom('outbox').select(['id', 'text_body', 'html_body', 'secrets']).where('sent_at', 'is', null).where('secrets', 'is not', null).execute();
  for (const row of pending as Array<{ id: string; text_body: string; html_body: string; secrets: string }>) {
    let { text_body, html_body } = row;
    for (const [placeholder, value] of Object.entries(JSON.parse(row.secrets) as Record<string, string>)) {
      text_body = text_body.split(placeholder).join(value);
      html_body = html_body.split(placeholder).join(value);
    }
    await db.updateTable('outbox').set({ text_body, html_body }).where('id', '=', row.id).execute();
  }
  for (const column of [...COLUMNS].reverse()) await db.schema.alterTable('outbox').dropColumn(column).execute();
}
