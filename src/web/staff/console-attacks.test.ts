import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueSecretMail } from '../../../tests/outbox-states.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser } from '../../../tests/factories.ts';
import { signedInStaff } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';

/**
 * The console under attack: what an attacker, a careless operator or a
 * support agent in a hurry sends, answered with a 404 or a Spanish message,
 * never a 500, and nothing half-written.
 */
describe('console under attack', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  });
  afterAll(async () => rt.close());

  const auditCount = async (action: string) =>
    Number((await rt.deps.db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).where('action', '=', action).executeTakeFirstOrThrow()).n);

  // PostgreSQL refuses a NUL in text with an error; a 5,000-character id broke the staff schema's parse.
  const MALFORMED = ['%00', 'x'.repeat(5000), '%E2%80%AE', '%C3%B1'];

  it('malformed ids in the preview and Personal paths answer 404, never 500', async () => {
    const a = await createCustomerWithAdmin(rt.deps);
    const { client } = await signedInStaff(rt, 'admin');
    for (const x of MALFORMED) {
      for (const path of [`/proveedor/clientes/${x}/vista-previa`, `/proveedor/clientes/${a.id}/vista-previa-usuario/${x}`, `/proveedor/clientes/${x}/vista-previa/contabilidad`]) {
        expect((await client.get(path)).status, path.slice(0, 120)).toBe(404);
      }
      for (const [path, form] of [
        [`/proveedor/personal/${x}/rol`, { role: 'admin' }], [`/proveedor/personal/${x}/deshabilitar`, {}], [`/proveedor/personal/${x}/habilitar`, {}],
        [`/proveedor/personal/${x}/reenviar`, {}], [`/proveedor/personal/${x}/restablecer-mfa`, {}],
      ] as const) {
        expect((await client.post(path, form)).status, path.slice(0, 120)).toBe(404);
      }
    }
  });

  it('a contract end typed with spaces around it is saved trimmed and confirmed, not a 500', async () => {
    const a = await createCustomerWithAdmin(rt.deps);
    const k = await addContractFor(rt.deps, a.id, 'contabilidad', '2026-01-01');
    const { client } = await signedInStaff(rt, 'soporte');
    const before = await auditCount('contract.ended');
    const res = await client.post(`/proveedor/clientes/${a.id}/contratos/${k}/terminar`, { endsOn: ' 2026-05-01 ' });
    expect(res.status).toBe(303);
    expect((await rt.deps.db.selectFrom('contracts').select('ends_on').where('id', '=', k).executeTakeFirstOrThrow()).ends_on).toBe('2026-05-01');
    expect(await auditCount('contract.ended')).toBe(before + 1);
    expect(await (await client.get(`/proveedor/clientes/${a.id}`)).text()).toContain('El contrato termina el 1 de mayo de 2026.');
  });

  describe('two staff at once', () => {
    const audits = (action: string, target?: string) => {
      let q = rt.deps.db.selectFrom('audit_events').select(['detail', 'actor_kind', 'customer_id']).where('action', '=', action);
      if (target) q = q.where('target_user_id', '=', target);
      return q.execute();
    };

    it('disabling (or enabling) the same user twice at once changes and audits it once', async () => {
      const a = await createCustomerWithAdmin(rt.deps);
      const t = await createTechnicalUser(rt.deps, a.id);
      const [{ client: one }, { client: two }] = [await signedInStaff(rt, 'soporte'), await signedInStaff(rt, 'soporte')];
      const base = `/proveedor/clientes/${a.id}/usuarios/${t.id}`;
      const off = await Promise.all([one.post(`${base}/deshabilitar`), two.post(`${base}/deshabilitar`)]);
      expect(off.map((r) => r.status)).toEqual([303, 303]);
      expect(await audits('user.disabled', t.id)).toHaveLength(1);
      await Promise.all([one.post(`${base}/habilitar`), two.post(`${base}/habilitar`)]);
      expect(await audits('user.enabled', t.id)).toHaveLength(1);
    });

    it('two plan changes (or two ends) of one contract at once: one wins, the other is told it changed (409); the audit says what it really was before', async () => {
      const a = await createCustomerWithAdmin(rt.deps);
      const k = await addContractFor(rt.deps, a.id, 'contabilidad', '2026-01-01');
      const [{ client: one }, { client: two }] = [await signedInStaff(rt, 'soporte'), await signedInStaff(rt, 'soporte')];
      const base = `/proveedor/clientes/${a.id}/contratos/${k}`;
      const onlyThis = async (action: string) => (await audits(action)).map((e) => JSON.parse(e.detail!)).filter((d) => d.contractId === k);
      // Either one after the other (each audit's "before" is the other's "after") or truly at once (one wins, the other gets 409): never two audits from one "before".
      const chained = (events: Array<Record<string, unknown>>, from: unknown, to: unknown, after: string, before: string) => {
        let at = from;
        for (const e of events) {
          expect(e[before]).toEqual(at);
          at = e[after];
        }
        expect(at).toEqual(to);
      };
      const plans = await Promise.all([one.post(`${base}/plan`, { plan: 'Plan Uno' }), two.post(`${base}/plan`, { plan: 'Plan Dos' })]);
      const saved = await rt.deps.db.selectFrom('contracts').select(['plan', 'ends_on']).where('id', '=', k).executeTakeFirstOrThrow();
      const planEvents = await onlyThis('contract.plan-changed');
      expect(planEvents).toHaveLength(plans.filter((r) => r.status === 303).length);
      chained(planEvents, 'Plan Pyme', saved.plan, 'plan', 'previousPlan');
      const lost = plans.find((r) => r.status !== 303);
      if (lost) {
        expect(lost.status).toBe(409);
        expect(await lost.text()).toContain('cambió mientras tanto');
      }
      const ends = await Promise.all([one.post(`${base}/terminar`, { endsOn: '2026-06-01' }), two.post(`${base}/terminar`, { endsOn: '2026-07-01' })]);
      expect(ends.every((r) => r.status === 303 || r.status === 409)).toBe(true);
      const ended = (await rt.deps.db.selectFrom('contracts').select('ends_on').where('id', '=', k).executeTakeFirstOrThrow()).ends_on;
      const endEvents = await onlyThis('contract.ended');
      expect(endEvents).toHaveLength(ends.filter((r) => r.status === 303).length);
      chained(endEvents, null, ended, 'endsOn', 'previousEndsOn');
    });

    it('resending credentials while another agent deletes or disables the user queues no mail for them', async () => {
      const a = await createCustomerWithAdmin(rt.deps);
      const [{ client: one }, { client: two }] = [await signedInStaff(rt, 'soporte'), await signedInStaff(rt, 'soporte')];
      const mailsTo = async (to: string) => (await rt.deps.db.selectFrom('outbox').select('id').where('to_address', '=', to).execute()).length;
      const gone = await createTechnicalUser(rt.deps, a.id);
      const base = `/proveedor/clientes/${a.id}/usuarios/${gone.id}`;
      const [resent, deleted] = await Promise.all([one.post(`${base}/reenviar`), two.post(`${base}/eliminar`)]);
      expect(deleted.status).toBe(303);
      expect(resent.status).toBe(404);
      expect(await mailsTo(gone.email)).toBe(0);
      expect(await audits('user.credentials-resent', gone.id)).toHaveLength(0);

      const off = await createTechnicalUser(rt.deps, a.id);
      const base2 = `/proveedor/clientes/${a.id}/usuarios/${off.id}`;
      const [resent2, disabled] = await Promise.all([one.post(`${base2}/reenviar`), two.post(`${base2}/deshabilitar`)]);
      expect(disabled.status).toBe(303);
      expect(resent2.status).toBe(409);
      expect(await mailsTo(off.email)).toBe(0);
      const row = await rt.deps.db.selectFrom('users').select(['password_hash', 'must_change_password']).where('id', '=', off.id).executeTakeFirstOrThrow();
      expect(row.must_change_password).toBe(0);
    });

    it('two retries of a failing mail at once: retried and audited once, the other told it changed', async () => {
      const id = await queueSecretMail(rt, 'reintento@cliente.cl', 'failed');
      const [{ client: one }, { client: two }] = [await signedInStaff(rt, 'soporte'), await signedInStaff(rt, 'soporte')];
      const r = await Promise.all([one.post(`/proveedor/correo/${id}/reintentar`), two.post(`/proveedor/correo/${id}/reintentar`)]);
      expect(r.map((x) => x.status).sort()).toEqual([303, 409]);
      const retried = (await audits('mail.retried')).filter((e) => JSON.parse(e.detail!).mailId === id);
      expect(retried).toHaveLength(1);
    });
  });

  describe('CSV exports', () => {
    // What a spreadsheet could run: a formula sign first, maybe after spaces or quotes, full-width forms included.
    const RUNNABLE = /^[\s"]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;
    const HOSTILE = ['=HYPERLINK("http://malo.cl","clic")', ' =1+1', '"=1+1', '\u00A0@SUM(A1)', '＝1+1', '\t=1', 'Comercial;=HYPERLINK("http://malo.cl")', 'Plan, +cmd|\' /C calc\'!A0'];

    /** Every cell as a spreadsheet may cut it: by commas (RFC 4180), and by semicolons, as Excel does in Chile (its list separator). */
    function cells(csv: string): string[] {
      const text = csv.replace(/^\uFEFF/, '');
      const byComma = (parse(text, { relax_column_count: true }) as string[][]).flat();
      const bySemicolon = text.split(/\r\n/).flatMap((line) => line.split(';'));
      return [...byComma, ...bySemicolon];
    }

    it('no cell of the contracts or the audit export starts a formula, however the text hides the sign', async () => {
      const now = rt.clock.now().toISOString();
      const { client } = await signedInStaff(rt, 'admin');
      for (const [i, text] of HOSTILE.entries()) {
        const a = await createCustomerWithAdmin(rt.deps, { name: text });
        // Stored straight in the database: rows from before the input rules, or from the CLI, must be safe too.
        await addContractFor(rt.deps, a.id, 'contabilidad', '2026-01-01', '2026-03-20', text);
        await rt.deps.db.insertInto('audit_events').values({
          id: crypto.randomUUID(), at: now, action: 'user.deleted', actor_kind: 'user', actor_user_id: null, actor_staff_id: null, actor_label: text,
          customer_id: a.id, target_user_id: null, target_label: text, ip: null, detail: JSON.stringify({ name: text, i }),
        }).execute();
      }
      const contracts = await (await client.get('/proveedor/contratos.csv?vencen=30')).text();
      const audit = await (await client.get('/proveedor/auditoria.csv?accion=user.deleted')).text();
      for (const csv of [contracts, audit]) {
        const bad = cells(csv).filter((c) => RUNNABLE.test(c));
        expect(bad).toEqual([]);
      }
      // The text itself is all there, behind its apostrophe.
      expect(contracts).toContain(`'=HYPERLINK(""http://malo.cl"",""clic"")`);
    });
  });

  it('a customer with thousands of users: its page shows them a hundred at a time, with page links', async () => {
    const a = await createCustomerWithAdmin(rt.deps, { name: 'Empresa Grande' });
    const now = rt.clock.now().toISOString();
    const users = Array.from({ length: 2500 }, (_, i) => ({
      id: crypto.randomUUID(), customer_id: a.id, email: `tecnico${String(i).padStart(4, '0')}@grande.cl`, name: 'Técnico', role: 'technical' as const, password_hash: 'x',
      must_change_password: 0, temp_password_expires_at: null, disabled_at: null, last_sign_in_at: null, password_changed_at: now, created_by: 'prueba', created_at: now,
    }));
    for (let i = 0; i < users.length; i += 250) await rt.deps.db.insertInto('users').values(users.slice(i, i + 250)).execute();
    const { client } = await signedInStaff(rt, 'soporte');
    const first = await (await client.get(`/proveedor/clientes/${a.id}`)).text();
    const rows = (html: string) => (html.match(/<td data-label="Correo">/g) ?? []).length;
    expect(rows(first)).toBe(100);
    expect(first).toContain(a.admin.email);
    expect(first).toContain(`href="/proveedor/clientes/${a.id}?usuarios=2#usuarios"`);
    expect(first.length).toBeLessThan(400_000);
    const last = await (await client.get(`/proveedor/clientes/${a.id}?usuarios=26`)).text();
    expect(rows(last)).toBe(1);
    expect(last).toContain('tecnico2499@grande.cl');
    for (const p of ['-1', 'x', '1e309', '%00']) expect(rows(await (await client.get(`/proveedor/clientes/${a.id}?usuarios=${p}`)).text()), p).toBe(100);
  });

  it('contract days outside 1900–2999 (0000-01-01, 9999-12-31 as "forever") are refused in the form and the import, in Spanish, nothing written', async () => {
    const a = await createCustomerWithAdmin(rt.deps);
    const { client } = await signedInStaff(rt, 'soporte');
    const contracts = async () => (await rt.deps.db.selectFrom('contracts').select('id').where('customer_id', '=', a.id).execute()).length;
    for (const [startsOn, endsOn] of [['0000-01-01', ''], ['2026-01-01', '9999-12-31'], ['1899-12-31', '']] as const) {
      const res = await client.post(`/proveedor/clientes/${a.id}/contratos/nuevo`, { system: 'contabilidad', plan: 'Plan Pyme', startsOn, endsOn });
      expect(res.status, `${startsOn} ${endsOn}`).toBe(422);
      expect(await res.text()).toContain('debe estar entre 1900 y 2999');
    }
    const k = await addContractFor(rt.deps, a.id, 'contabilidad', '2026-01-01');
    const end = await client.post(`/proveedor/clientes/${a.id}/contratos/${k}/terminar`, { endsOn: '9999-12-31' });
    expect(end.status).toBe(422);
    expect(await contracts()).toBe(1);
    const csv = `rut;razon_social;admin_nombre;admin_correo;sistema;plan;desde;hasta\n${a.rut};${a.name};;;contabilidad;Plan Pyme;01-01-0000;31-12-9999\n`;
    const imported = await client.post('/proveedor/importar', { texto: csv });
    expect(imported.status).toBe(422);
    expect(await imported.text()).toContain('«01-01-0000» no es un día válido');
    expect(await contracts()).toBe(1);
  });
});
