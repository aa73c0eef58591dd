import { MailSecrets } from '../src/mail/mail-secrets.ts';
import { enqueueMail } from '../src/mail/outbox.ts';
import type { TestRuntime } from './test-runtime.ts';

export const SECRET = 'Clave-Secreta-123';

/** A credentials-like mail whose body holds a secret's placeholder, put in the state a test needs ('dead-scrubbed': given up on, secret erased). */
export async function queueSecretMail(rt: TestRuntime, to: string, state: 'pending' | 'failed' | 'dead' | 'dead-scrubbed' | 'sent') {
  const s = new MailSecrets();
  const p = s.add('clave', SECRET);
  const id = await enqueueMail(rt.deps.db, { to, subject: 'Sus credenciales', text: `Hola. Su clave es ${p}.`, html: `<p>${p}</p>`, kind: 'credentials', secrets: s.values }, rt.clock.now());
  const now = rt.clock.now().toISOString();
  if (state === 'failed') await rt.deps.db.updateTable('outbox').set({ attempts: 2, last_error: '451 intente más tarde', next_attempt_at: '2030-01-01T00:00:00.000Z' }).where('id', '=', id).execute();
  if (state === 'dead') await rt.deps.db.updateTable('outbox').set({ attempts: 1, dead_at: now, last_error: '550 no existe' }).where('id', '=', id).execute();
  if (state === 'dead-scrubbed') await rt.deps.db.updateTable('outbox').set({ attempts: 1, dead_at: now, last_error: '550 no existe', secrets: null }).where('id', '=', id).execute();
  if (state === 'sent') await rt.deps.db.updateTable('outbox').set({ attempts: 1, sent_at: now, secrets: null }).where('id', '=', id).execute();
  return id;
}

