import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../tests/factories.ts';
import { digestMails, subscribe } from '../../tests/help-digest-fixtures.ts';
import { clearVersions, publishNewArticle, publishVersion } from '../../tests/help-version-fixtures.ts';
import { SmtpPeer } from '../../tests/smtp-peer.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';

// The weekly digest as it leaves: the job registered at boot writes it, the
// worker sends it through nodemailer to a real SMTP server, with the
// List-Unsubscribe headers of RFC 8058 and a token that lives in the mail only.

let peer: SmtpPeer;
let rt: TestRuntime;
let customer: TestCustomer;

beforeAll(async () => {
  peer = new SmtpPeer();
  const url = await peer.start();
  rt = await createTestRuntime({ env: { SMTP_URL: url } });
  await clearVersions(rt);
  customer = await createCustomerWithAdmin(rt.deps, { name: 'Ferretería El Perno Ltda.' });
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  await subscribe(rt.deps.db, customer.admin.id, rt.clock.now());
});
afterAll(async () => {
  await rt.close();
  await peer.stop();
});

describe('the digest mail over SMTP', () => {
  it('links every changed article and the Novedades page, carries one-click unsubscribe headers, and keeps no token at rest', async () => {
    const t0 = rt.clock.now();
    await publishVersion(rt, { system: 'contabilidad', slug: 'cierre-mensual', note: 'Primera versión.', at: new Date(t0.getTime() - 86_400_000) });
    await publishVersion(rt, { system: 'contabilidad', slug: 'cierre-mensual', note: 'Nuevo plazo del F29 <urgente>.', at: new Date(t0.getTime() + 3_600_000) });
    await publishNewArticle(rt, { system: 'contabilidad', category: 'cierre-e-impuestos', slug: 'cierre-semestral', title: 'Cierre semestral', note: 'Guía nueva.', at: new Date(t0.getTime() + 7_200_000) });
    rt.clock.set(new Date('2026-03-09T11:05:00Z')); // Monday 08:05 in Santiago
    await rt.scheduler.runDue();
    await rt.worker.runOnce();
    const mail = await peer.waitFor(customer.admin.email, /cambios en la ayuda/);

    expect(mail.subject).toBe(`${rt.config.brand.name}: 2 cambios en la ayuda de sus sistemas`);
    const text = mail.text ?? '';
    expect(text).toContain('Actualizado: Cierre mensual de la contabilidad (Nuevo plazo del F29 <urgente>.)');
    expect(text).toContain('http://localhost/ayuda/contabilidad/cierre-mensual');
    expect(text).toContain('Nuevo: Cierre semestral (Guía nueva.)');
    expect(text).toContain('http://localhost/ayuda/contabilidad/cierre-semestral');
    expect(text).toContain('Todas las novedades de Contabilidad: http://localhost/ayuda/contabilidad/novedades');
    expect(text).not.toContain('{{secreto');
    const html = String(mail.html);
    expect(html).toContain('href="http://localhost/ayuda/contabilidad/cierre-mensual"');
    expect(html).toContain('href="http://localhost/ayuda/contabilidad/novedades"');
    expect(html).toContain('Nuevo plazo del F29 &lt;urgente&gt;.');

    const header = (name: string) => mail.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, '');
    const listUnsubscribe = header('list-unsubscribe') ?? '';
    expect(listUnsubscribe).toMatch(/^<http:\/\/localhost\/ayuda\/resumen\/baja\?t=[\w-]{43}>$/);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const link = listUnsubscribe.slice(1, -1);
    const token = new URL(link).searchParams.get('t')!;
    expect(text).toContain(link);
    expect(html).toContain(`href="${link}"`);

    // Sent: the row holds the placeholders only, and the database only the token's hash.
    const [row] = await digestMails(rt.deps.db);
    expect(row!.sent_at).not.toBeNull();
    expect(row!.secrets).toBeNull();
    for (const stored of [row!.text_body, row!.html_body, row!.headers ?? '']) expect(stored).not.toContain(token);
    expect(row!.headers).toMatch(/\{\{secreto:unsubscribeLink:/);

    // The mail client's one-click POST: no cookies, no form token.
    const res = await rt.app.request(new URL(link).pathname + new URL(link).search, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    expect(await rt.deps.db.selectFrom('help_digest_subscriptions').select('user_id').where('user_id', '=', customer.admin.id).executeTakeFirst()).toBeUndefined();
  });
});
