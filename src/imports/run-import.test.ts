import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffPrincipal } from '../auth/principal.ts';
import { rutCheckDigit } from '../domain/rut.ts';
import { createCustomerWithAdmin, newRut } from '../../tests/factories.ts';
import { createTestStaff } from '../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { findImportRun } from './find-import-run.ts';
import { importTemplate } from './import-format.ts';
import { parseImportCsv } from './parse-import-csv.ts';
import { runImport } from './run-import.ts';

let rt: TestRuntime;
let actor: StaffPrincipal;
const HEADER = 'rut,razon_social,admin_nombre,admin_correo,sistema,plan,desde,hasta';
const enc = (s: string) => new TextEncoder().encode(s);
const count = async (table: 'customers' | 'contracts' | 'outbox' | 'users') => (await rt.deps.db.selectFrom(table).select('id').execute()).length;

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  for (const [i, slug] of ['contabilidad', 'remuneraciones'].entries()) {
    await rt.deps.db.insertInto('systems').values({ id: randomUUID(), slug, name: slug, description: '', position: i }).execute();
  }
  const s = await createTestStaff(rt.deps, 'soporte');
  actor = { kind: 'staff', staffId: s.id, name: s.name, email: s.email, role: 'soporte', ip: null };
});
afterAll(() => rt.close());

describe('parseImportCsv', () => {
  it('reads UTF-8 with a BOM, ";" or ",", quoted fields, and gives each row its line', () => {
    const r = parseImportCsv(enc(`\uFEFF${HEADER.replaceAll(',', ';')}\r\n76543210-3;"Comercial; Ejemplo ""SpA""";Ana;ana@x.cl;contabilidad;Plan;2026-01-01;\r\n\r\n1-9;B;C;c@x.cl;;;;\r\n`));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rows.map((x) => x.line)).toEqual([2, 4]);
    expect(r.rows[0]!.values.razon_social).toBe('Comercial; Ejemplo "SpA"');
  });

  it('refuses a file that is not UTF-8, lacks columns, or has unclosed quotes, saying where', () => {
    expect(parseImportCsv(new Uint8Array([0x72, 0x75, 0x74, 0xe9, 0x0a]))).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/UTF-8/) }] });
    const missing = parseImportCsv(enc('rut,nombre\n1-9,x\n'));
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.problems.map((p) => p.column)).toEqual(expect.arrayContaining(['nombre', 'razon_social', 'sistema']));
    expect(parseImportCsv(enc(`${HEADER}\n1-9,"sin cerrar\n`))).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/comillas/) }] });
  });

  it('the template parses', () => {
    expect(parseImportCsv(enc(importTemplate())).ok).toBe(true);
  });
});

describe('runImport', () => {
  it('one bad row: every problem listed with line and column, nothing written (run kept as invalid); then the fixed file writes everything and queues the mails', async () => {
    const rutA = newRut();
    const rutB = newRut();
    const body = String(Number(rutA.split('-')[0]) + 7);
    const wrongDv = `${body}-${rutCheckDigit(body) === '0' ? '1' : '0'}`;
    const before = { customers: await count('customers'), contracts: await count('contracts'), outbox: await count('outbox'), users: await count('users') };
    const bad = [
      HEADER,
      `${rutA},Alfa SpA,Ana Alfa,ana@alfa.cl,contabilidad,Plan Pyme,2026-01-01,2026-12-31`,
      `${rutA},Alfa SpA,,,remuneraciones,Plan Full,01-03-2026,`,
      `${rutB},Beta Ltda,Bruno Beta,bruno@beta.cl,contabilidad,Plan Pyme,2026-01-01,`,
      `${wrongDv},Gamma,Gabriela,no-es-correo,inexistente,Plan,2026-02-30,2025-01-01`,
      `${rutA},Alfa SpA,,,contabilidad,Otro,2026-01-01,`,
    ].join('\n');
    const invalid = await runImport(rt.deps, actor, { fileName: 'clientes.csv', bytes: enc(bad) });
    expect(invalid.status).toBe('invalid');
    const run = await findImportRun(rt.deps.db, invalid.id, rt.clock.now());
    expect(run.totalRows).toBe(5);
    const where = run.problems.map((p) => `${p.line}:${p.column}`);
    expect(where).toEqual(expect.arrayContaining(['5:rut', '5:sistema', '5:desde', '6:desde']));
    expect(run.problems.find((p) => p.line === 6)!.message).toMatch(/línea 2/);
    expect({ customers: await count('customers'), contracts: await count('contracts'), outbox: await count('outbox'), users: await count('users') }).toEqual(before);

    const good = bad.split('\n').filter((_, i) => i !== 4 && i !== 5).join('\n');
    const done = await runImport(rt.deps, actor, { fileName: 'clientes.csv', bytes: enc(good) });
    expect(done.status).toBe('done');
    const ok = await findImportRun(rt.deps.db, done.id, rt.clock.now());
    expect(ok).toMatchObject({ status: 'done', totalRows: 3, doneRows: 3, summary: { customersCreated: 2, contractsAdded: 3, mailsQueued: 2 } });
    expect(await count('customers')).toBe(before.customers + 2);
    expect(await count('contracts')).toBe(before.contracts + 3);
    const mails = await rt.deps.db.selectFrom('outbox').select(['to_address', 'kind']).where('to_address', 'in', ['ana@alfa.cl', 'bruno@beta.cl']).execute();
    expect(mails.map((m) => m.kind)).toEqual(['credentials', 'credentials']);
    const audit = await rt.deps.db.selectFrom('audit_events').select(['action', 'actor_kind', 'actor_staff_id']).where('actor_staff_id', '=', actor.staffId).execute();
    expect(audit.filter((a) => a.action === 'customer.created')).toHaveLength(2);
    expect(audit.filter((a) => a.action === 'contract.added')).toHaveLength(3);
    expect(audit.filter((a) => a.action === 'customer.imported')).toHaveLength(1);

    // The same file again: its customers exist now, and so do its contracts.
    const again = await runImport(rt.deps, actor, { fileName: 'clientes.csv', bytes: enc(good) });
    expect(again.status).toBe('invalid');
    expect((await findImportRun(rt.deps.db, again.id, rt.clock.now())).problems.some((p) => /ya existe|ya tiene ese contrato/.test(p.message))).toBe(true);
  });

  it('adds a contract to an existing customer when the name matches, and refuses a different name', async () => {
    const c = await createCustomerWithAdmin(rt.deps, { name: 'Ferretería Aurora' });
    const mismatch = await runImport(rt.deps, actor, { fileName: 'x.csv', text: `${HEADER}\n${c.rut},Otra Cosa,,,contabilidad,Plan,2026-01-01,` });
    expect(mismatch.status).toBe('invalid');
    expect((await findImportRun(rt.deps.db, mismatch.id, rt.clock.now())).problems[0]).toMatchObject({ line: 2, column: 'razon_social' });
    const added = await runImport(rt.deps, actor, { fileName: 'x.csv', text: `${HEADER}\n${c.rut},ferreteria aurora,,,contabilidad,Plan,2026-01-01,` });
    expect(added.status).toBe('done');
    expect(await rt.deps.db.selectFrom('contracts').select('id').where('customer_id', '=', c.id).execute()).toHaveLength(1);
  });

  it('two imports of the same new customers at once: never a duplicate; the loser writes nothing', async () => {
    const rut = newRut();
    const file = `${HEADER}\n${rut},Delta SpA,Dina,dina@delta.cl,contabilidad,Plan,2026-01-01,\n${newRut()},Épsilon SpA,Eva,eva@e.cl,,,,`;
    const before = await count('customers');
    const [a, b] = await Promise.all([runImport(rt.deps, actor, { fileName: 'a.csv', text: file }), runImport(rt.deps, actor, { fileName: 'b.csv', text: file })]);
    // The second one loses at the write (unique RUT: failed) or, if it checked after the first committed, at the check (invalid).
    expect([a.status, b.status]).toContain('done');
    expect([a.status, b.status].filter((s) => s !== 'done')).toHaveLength(1);
    expect(await count('customers')).toBe(before + 2);
  });

  it('a RUT taken between the check and the write rolls the whole run back and says so', async () => {
    const rut = newRut();
    const other = newRut();
    const real = rt.deps.hasher;
    let raced = false;
    // The passwords are hashed after the check and before the write: another person's customer lands right then.
    const hasher = Object.assign(Object.create(real), {
      hash: async (p: string) => {
        if (!raced) {
          raced = true;
          await rt.deps.db.insertInto('customers').values({ id: randomUUID(), rut, name: 'Llegó antes', disabled_at: null, created_at: rt.clock.now().toISOString() }).execute();
        }
        return real.hash(p);
      },
    });
    const before = await count('customers');
    const run = await runImport({ ...rt.deps, hasher }, actor, { fileName: 'carrera.csv', text: `${HEADER}\n${other},Otra SpA,Olga,olga@o.cl,,,,\n${rut},Delta SpA,Dina,dina@delta.cl,,,,` });
    expect(run.status).toBe('failed');
    expect(await count('customers')).toBe(before + 1);
    expect(await rt.deps.db.selectFrom('customers').select('id').where('rut', '=', other).execute()).toHaveLength(0);
    const failed = await findImportRun(rt.deps.db, run.id, rt.clock.now());
    expect(failed.summary?.failure).toMatch(/No se escribió nada/);
    expect(await rt.deps.db.selectFrom('outbox').select('id').where('to_address', '=', 'olga@o.cl').execute()).toHaveLength(0);
  });

  it('refuses a contract the database got between the check and the write (existing customer, same contract)', async () => {
    const c = await createCustomerWithAdmin(rt.deps, { name: 'Zeta' });
    const file = `${HEADER}\n${c.rut},Zeta,,,remuneraciones,Plan,2026-05-01,`;
    const [a, b] = await Promise.all([runImport(rt.deps, actor, { fileName: 'a.csv', text: file }), runImport(rt.deps, actor, { fileName: 'b.csv', text: file })]);
    expect([a.status, b.status]).toContain('done');
    expect(await rt.deps.db.selectFrom('contracts').select('id').where('customer_id', '=', c.id).execute()).toHaveLength(1);
  });
});
