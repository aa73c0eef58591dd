import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../../../tests/factories.ts';
import { digestMails, subscribe, unsubscribeTokenOf } from '../../../../tests/help-digest-fixtures.ts';
import { signedIn } from '../../../../tests/help-fixtures.ts';
import { clearVersions, publishVersion } from '../../../../tests/help-version-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { hashToken, newToken } from '../../../auth/token.ts';
import { sendHelpDigests } from '../../../help/digest/send-help-digests.ts';

// Leaving the digest from its mail: RFC 8058's one-click POST (no cookies, no
// form token) and the confirm page a person reaches by clicking. A GET never
// unsubscribes (mail scanners follow links); a wrong token changes nothing.

let rt: TestRuntime;
const PATH = '/ayuda/resumen/baja';
let week = new Date('2026-03-09T11:00:00Z');

beforeAll(async () => {
  rt = await createTestRuntime();
  await clearVersions(rt);
});
afterAll(() => rt.close());

/** A subscriber with one digest mail (or more) queued; the tokens of their mails, oldest first. */
async function subscriberWithMails(mails = 1): Promise<{ c: TestCustomer; tokens: string[] }> {
  const c = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, c.id, 'contabilidad', '2025-01-01');
  await subscribe(rt.deps.db, c.admin.id, new Date(week.getTime() - 6 * 86_400_000));
  const tokens: string[] = [];
  for (let i = 0; i < mails; i++) {
    await publishVersion(rt, { system: 'contabilidad', slug: 'cierre-mensual', note: `Cambio ${i}`, at: new Date(week.getTime() - 86_400_000) });
    rt.clock.set(new Date(week.getTime() + 2 * 3_600_000)); // 08:00 or later in Santiago, summer or winter time
    await sendHelpDigests(rt.deps.db, { dialect: rt.deps.dialect, brand: rt.config.brand, publicUrl: rt.config.publicUrl }, rt.clock.now());
    const mine = (await digestMails(rt.deps.db)).filter((m) => m.to_address === c.admin.email);
    tokens.push(unsubscribeTokenOf(mine.at(-1)!));
    week = new Date(week.getTime() + 7 * 86_400_000);
  }
  return { c, tokens };
}

const subscribed = async (userId: string) => (await rt.deps.db.selectFrom('help_digest_subscriptions').select('user_id').where('user_id', '=', userId).executeTakeFirst()) !== undefined;
const unsubscribeAudits = (userId: string) =>
  rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'help.digest-unsubscribed').where('target_user_id', '=', userId).execute();

function oneClick(token: string, body = 'List-Unsubscribe=One-Click', contentType = 'application/x-www-form-urlencoded') {
  return rt.app.request(`${PATH}?t=${token}`, { method: 'POST', body, headers: { 'content-type': contentType, 'x-forwarded-for': '203.0.113.9' } });
}

describe('one-click unsubscribe (RFC 8058)', () => {
  it('a POST without cookies or CSRF token ends the subscription, audited as the mail link', async () => {
    const { c, tokens } = await subscriberWithMails();
    const res = await oneClick(tokens[0]!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('ya no recibirá el resumen semanal');
    expect(await subscribed(c.admin.id)).toBe(false);
    // Every link of the subscription goes with it: no token of it names anyone any more.
    expect(await rt.deps.db.selectFrom('help_digest_unsubscribe_links').select('token_hash').where('user_id', '=', c.admin.id).execute()).toEqual([]);
    const [audit] = await unsubscribeAudits(c.admin.id);
    expect(audit).toMatchObject({ actor_kind: 'anonymous', actor_label: 'enlace de baja del correo', customer_id: c.id, target_label: c.admin.email, ip: '203.0.113.9' });
    expect(JSON.parse(audit!.detail!)).toEqual({ via: 'enlace' });
    // Again: nothing left to end, no second audit row.
    expect((await oneClick(tokens[0]!)).status).toBe(400);
    expect(await unsubscribeAudits(c.admin.id)).toHaveLength(1);
  });

  it('accepts the multipart body some mail clients send', async () => {
    const { c, tokens } = await subscriberWithMails();
    const boundary = 'x-limite';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    expect((await oneClick(tokens[0]!, body, `multipart/form-data; boundary=${boundary}`)).status).toBe(200);
    expect(await subscribed(c.admin.id)).toBe(false);
  });

  it('the link of an older mail of the same subscription still works', async () => {
    const { c, tokens } = await subscriberWithMails(2);
    expect(tokens[0]).not.toBe(tokens[1]);
    expect((await oneClick(tokens[0]!)).status).toBe(200);
    expect(await subscribed(c.admin.id)).toBe(false);
    // And the newer one is spent with it: the subscription is gone.
    expect((await oneClick(tokens[1]!)).status).toBe(400);
  });

  it('a wrong token changes nothing and says nothing about anyone', async () => {
    const { c, tokens } = await subscriberWithMails();
    const wrong = [newToken(), tokens[0]!.slice(0, -1) + (tokens[0]!.endsWith('A') ? 'B' : 'A'), 'x', '', hashToken(tokens[0]!), `${tokens[0]}%00`];
    const answers = new Set<string>();
    for (const t of wrong) {
      const res = await oneClick(t);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).not.toContain(c.admin.email);
      answers.add(html.replace(/nonce-[\w+/=-]+/g, ''));
    }
    expect(answers.size).toBe(1);
    expect(await subscribed(c.admin.id)).toBe(true);
    expect(await unsubscribeAudits(c.admin.id)).toHaveLength(0);
    // A token in the body instead of the address works the same as one in the address (the confirm page posts it either way).
    const viaBody = await rt.app.request(PATH, { method: 'POST', body: `t=${newToken()}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(viaBody.status).toBe(400);
    expect(await subscribed(c.admin.id)).toBe(true);
  });
});

describe('the confirm page', () => {
  it('a GET only asks; its button unsubscribes, signed in or not', async () => {
    const { c, tokens } = await subscriberWithMails();
    const browser = new TestClient(rt);
    const page = await browser.get(`${PATH}?t=${tokens[0]}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('Dejar de recibir el resumen');
    expect(html).toContain(`<form method="post" action="${PATH}?t=${tokens[0]}">`);
    // Following the link (a scanner, a preview) does not unsubscribe, however often.
    await browser.get(`${PATH}?t=${tokens[0]}`);
    expect(await subscribed(c.admin.id)).toBe(true);

    const signed = await signedIn(rt, c);
    expect((await signed.get(`${PATH}?t=${tokens[0]}`)).status).toBe(200);
    const res = await signed.post(`${PATH}?t=${tokens[0]}`);
    expect(res.status).toBe(200);
    expect(await subscribed(c.admin.id)).toBe(false);
  });

  it('says the link is no longer valid for an unknown token, without naming anyone', async () => {
    const page = await new TestClient(rt).get(`${PATH}?t=${newToken()}`);
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('no corresponde a una suscripción vigente');
    expect(html).not.toContain('<form method="post"');
  });

  it('is the only exception to CSRF: other POSTs still need the form token', async () => {
    const { c } = await subscriberWithMails();
    const signed = await signedIn(rt, c);
    const res = await signed.post('/cuenta/novedades', { _csrf: 'x'.repeat(43), recibir: 'no' });
    expect(res.status).toBe(403);
    expect(await subscribed(c.admin.id)).toBe(true);
    const near = await rt.app.request(`${PATH}/otra`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(near.status).toBe(403);
  });
});
