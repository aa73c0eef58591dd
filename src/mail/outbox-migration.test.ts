import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/test-database.ts';
import { createDb } from '../db/create-db.ts';
import * as initial from '../db/migrations/2026-11-25T0000-initial.ts';
import * as outboxSecrets from '../db/migrations/2026-12-01T0001-outbox-secrets.ts';
import { fillSecrets, parseSecrets } from './mail-secrets.ts';

// The outbox migration on an outbox written by the previous version: secrets
// sat in the bodies of sent and pending mail alike.

let database: TestDatabase;
let handle: ReturnType<typeof createDb>;
let db: Kysely<any>;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = createDb(database.url, database.schema ? { searchPath: database.schema, poolSize: 2 } : {});
  db = handle.db as Kysely<any>;
  await initial.up(db);
});
afterAll(async () => {
  await handle.close();
  await database.drop();
});

const legacy = (id: string, kind: string, text: string, html: string, sent: boolean) =>
  db
    .insertInto('outbox')
    .values({ id, to_address: `${id}@x.cl`, subject: 's', text_body: text, html_body: html, kind, created_at: '2026-11-30T10:00:00.000Z', attempts: sent ? 1 : 0, next_attempt_at: '2026-11-30T10:00:00.000Z', locked_until: null, sent_at: sent ? '2026-11-30T10:00:05.000Z' : null, last_error: null })
    .execute();

describe('migration 2026-12-01T0001-outbox-secrets', () => {
  it('erases the bodies of sent mail that carried a secret and moves the secrets of pending mail to their own column', async () => {
    await legacy('sent-cred', 'credentials', 'Clave temporal: Old1-Sent-Pass-Word\nfin', '<strong>Old1-Sent-Pass-Word</strong>', true);
    await legacy('sent-reset', 'password-reset', 'Abra:\n\nhttp://localhost/restablecer?token=oldSentToken_123\n', '<a href="http://localhost/restablecer?token=oldSentToken_123">', true);
    await legacy('sent-notice', 'password-changed', 'Su clave fue cambiada', '<p>Su clave fue cambiada</p>', true);
    await legacy('pending-cred', 'credentials-resent', 'Clave temporal: Pend-Ing1-Pass-Word\nfin', '<strong>Pend-Ing1-Pass-Word</strong>', false);
    await legacy('pending-reset', 'password-reset', 'Abra:\n\nhttp://localhost/restablecer?token=pendingTok-456\n', '<a href="http://localhost/restablecer?token=pendingTok-456">x</a><p>http://localhost/restablecer?token=pendingTok-456</p>', false);

    await outboxSecrets.up(db);
    type Row = { id: string; text_body: string; html_body: string; secrets: string | null };
    const rows: Record<string, Row> = Object.fromEntries((await db.selectFrom('outbox').selectAll().execute()).map((r) => [r.id, r as Row]));
    const text = JSON.stringify(rows);
    for (const secret of ['Old1-Sent-Pass-Word', 'oldSentToken_123']) expect(text).not.toContain(secret);
    expect(rows['sent-cred']!.text_body).toMatch(/Contenido borrado/);
    expect(rows['sent-notice']!.text_body).toBe('Su clave fue cambiada');

    const cred = rows['pending-cred']!;
    expect(cred.text_body).not.toContain('Pend-Ing1-Pass-Word');
    expect(cred.html_body).not.toContain('Pend-Ing1-Pass-Word');
    expect(fillSecrets(cred.text_body, parseSecrets(cred.secrets), 'text')).toBe('Clave temporal: Pend-Ing1-Pass-Word\nfin');
    const reset = rows['pending-reset']!;
    expect(reset.html_body).not.toContain('pendingTok-456');
    expect(fillSecrets(reset.html_body, parseSecrets(reset.secrets), 'html')).toBe(
      '<a href="http://localhost/restablecer?token=pendingTok-456">x</a><p>http://localhost/restablecer?token=pendingTok-456</p>',
    );
    for (const r of Object.values(rows) as Array<Record<string, unknown>>) {
      expect(r).toHaveProperty('dead_at', null);
      expect(r).toHaveProperty('message_id', null);
      expect(r).toHaveProperty('locked_by', null);
      expect(r).toHaveProperty('last_error_kind', null);
    }
  });

  it('down puts the secrets of pending mail back in the bodies and drops the columns', async () => {
    await outboxSecrets.down(db);
    const cred = await db.selectFrom('outbox').selectAll().where('id', '=', 'pending-cred').executeTakeFirstOrThrow();
    expect(cred.text_body).toBe('Clave temporal: Pend-Ing1-Pass-Word\nfin');
    expect(cred).not.toHaveProperty('secrets');
    await outboxSecrets.up(db); // and up again on the same data
    const again = await db.selectFrom('outbox').selectAll().where('id', '=', 'pending-cred').executeTakeFirstOrThrow();
    expect(again.text_body).not.toContain('Pend-Ing1-Pass-Word');
  });
});
