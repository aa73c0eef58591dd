import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, useCliDatabase } from '../../tests/cli-harness.ts';
import { article, writeHelpFolder } from '../../tests/help-folder.ts';
import { createDb, type Db } from '../db/create-db.ts';

// What the operator's terminal receives: typed options with control or bidi
// characters are refused in Spanish, and values stored before that rule
// (inserted here directly) are printed with those characters as visible
// escapes by every command that prints them. On the test database: a SQLite
// file, or a schema of its own on PostgreSQL.

useCliDatabase('portal-cli-text-', { testDatabase: 'clitext' });
let handle: Db;

/** Anything a terminal would obey: C0 but LF, DEL, C1, bidi controls, separators. */
const OBEYED = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;
const REFUSED = 'contiene caracteres no permitidos (caracteres de control o de dirección del texto).';

beforeAll(async () => {
  expect((await cli('help', 'import')).code).toBe(0);
  handle = createDb(process.env.DATABASE_URL!); // set by useCliDatabase's beforeAll, which runs first
});
// Before the harness's own afterAll (hooks unwind in reverse): the schema is dropped after this handle closes.
afterAll(async () => {
  await handle.close();
});

describe('the CLI and control characters', () => {
  it.each([
    ['terminal escapes in the customer name', ['--name', 'Ferretería\u001b]0;pwned\u0007\u001b[2J'], `La razón social ${REFUSED}`],
    ['CR LF in the administrator name', ['--admin-name', 'Rosa\r\nSoto'], `El nombre ${REFUSED}`],
    ['a bidi override in the administrator name', ['--admin-name', 'Rosa \u202eotoS'], `El nombre ${REFUSED}`],
    ['a C1 control in the administrator e-mail', ['--admin-email', 'rosa\u0085@sur.cl'], `El correo ${REFUSED}`],
    ['a control character in the RUT', ['--rut', '11.111.111-1\u001b[2J'], `El RUT ${REFUSED}`],
  ])('customer create refuses %s with a Spanish message and creates nothing', async (_, over, message) => {
    const base: Record<string, string> = { '--rut': '11.111.111-1', '--name': 'Ferretería Sur', '--admin-name': 'Rosa Soto', '--admin-email': 'rosa@sur.cl' };
    base[over[0]!] = over[1]!;
    const r = await cli('customer', 'create', ...Object.entries(base).flat());
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(OBEYED);
    expect((await cli('customer', 'list')).out).not.toContain('11.111.111-1');
  });

  it('accepts accents, ñ and emoji, and refuses a plan with a control character', async () => {
    const created = await cli('customer', 'create', '--rut', '22.222.222-2', '--name', 'Ferretería Ñandú 🔩 Ltda.', '--admin-name', 'José Peña 👷🏽', '--admin-email', 'jose@nandu.cl');
    expect(created.code).toBe(0);
    expect((await cli('customer', 'list')).out).toContain('Ferretería Ñandú 🔩 Ltda.');
    expect((await cli('user', 'list', '--rut', '22.222.222-2')).out).toMatch(/jose@nandu\.cl\s+José Peña 👷🏽\s+administrador/);

    const plan = await cli('contract', 'add', '--rut', '22.222.222-2', '--system', 'contabilidad', '--plan', 'Plan\u001b[31m Pyme', '--from', '2026-01-01');
    expect(plan.code).toBe(1);
    expect(plan.err).toContain(`El plan ${REFUSED}`);
    expect((await cli('contract', 'list', '--rut', '22.222.222-2')).out).toBe('El cliente no tiene contratos.');
  });

  it('prints rows stored before the rule with their control and bidi characters escaped, in every list', async () => {
    const { db } = handle;
    const now = new Date().toISOString();
    const customerId = randomUUID();
    const userId = randomUUID();
    await db.insertInto('customers').values({ id: customerId, rut: '33333333-3', name: 'Ferretería\u001b]0;pwned\u0007\u001b[2J', disabled_at: null, created_at: now }).execute();
    await db
      .insertInto('users')
      .values({
        id: userId, customer_id: customerId, email: 'rosa\u009b@sur.cl', name: 'Rosa\r\nSoto \u202eotoS', role: 'technical', password_hash: 'x',
        must_change_password: 0, temp_password_expires_at: null, disabled_at: null, last_sign_in_at: null, password_changed_at: now, created_by: 'test', created_at: now,
      })
      .execute();
    const system = await db.selectFrom('systems').select('id').where('slug', '=', 'contabilidad').executeTakeFirstOrThrow();
    await db.insertInto('contracts').values({ id: randomUUID(), customer_id: customerId, system_id: system.id, plan: 'Plan\u001b[31m Rojo', starts_on: '2026-01-01', ends_on: null, created_at: now }).execute();
    await db
      .insertInto('audit_events')
      .values({ id: randomUUID(), at: now, action: 'user.created', actor_user_id: null, actor_label: 'op\u001b[8m', customer_id: customerId, target_user_id: userId, target_label: 'rosa\u2066@sur.cl', ip: null, detail: null })
      .execute();
    await db.insertInto('help_search_misses').values({ query: 'sueldo\u001b[2J', system_slug: '', count: 3, first_at: now, last_at: now }).execute();
    const articleRow = await db
      .selectFrom('help_articles')
      .innerJoin('systems', 'systems.id', 'help_articles.system_id')
      .select('help_articles.id')
      .where('systems.slug', '=', 'contabilidad')
      .where('help_articles.slug', '=', 'cierre-mensual')
      .executeTakeFirstOrThrow();
    await db.insertInto('help_votes').values({ user_id: userId, article_id: articleRow.id, helpful: 0, comment: 'Falta\u001b[2J \u202eesto', created_at: now, updated_at: now }).execute();

    const outputs = {
      customers: await cli('customer', 'list'),
      users: await cli('user', 'list', '--rut', '33.333.333-3'),
      contracts: await cli('contract', 'list', '--rut', '33.333.333-3'),
      audit: await cli('audit', 'list', '--rut', '33.333.333-3'),
      misses: await cli('help', 'misses'),
      feedback: await cli('help', 'feedback', '--system', 'contabilidad', '--article', 'cierre-mensual'),
      disable: await cli('customer', 'disable', '--rut', '33.333.333-3'),
    };
    for (const [name, r] of Object.entries(outputs)) {
      expect(r.code, name).toBe(0);
      expect(r.out, name).not.toMatch(OBEYED);
    }
    expect(outputs.customers.out).toContain('Ferretería\\x1b]0;pwned\\x07\\x1b[2J');
    expect(outputs.users.out).toContain('rosa\\x9b@sur.cl');
    expect(outputs.users.out).toContain('Rosa\\x0d\\x0aSoto \\u202eotoS');
    expect(outputs.contracts.out).toContain('Plan\\x1b[31m Rojo');
    expect(outputs.audit.out).toContain('op\\x1b[8m');
    expect(outputs.audit.out).toContain('rosa\\u2066@sur.cl');
    expect(outputs.misses.out).toContain('sueldo\\x1b[2J');
    expect(outputs.feedback.out).toContain('Falta\\x1b[2J \\u202eesto');
    expect(outputs.disable.out).toBe('Ferretería\\x1b]0;pwned\\x07\\x1b[2J quedó deshabilitado.');
    // A table stays one line per row.
    expect(outputs.users.out.split('\n')).toHaveLength(3);
  });

  it('escapes what it echoes from the options and from help files', async () => {
    expect((await cli('customer', 'create', '--rut', '44.444.444-4', '--name', 'Eco Ltda.', '--admin-name', 'Eva Eco', '--admin-email', 'eva@eco.cl')).code).toBe(0);
    const unknown = await cli('contract', 'add', '--rut', '44.444.444-4', '--system', 'conta\u001b[2J', '--plan', 'Plan', '--from', '2026-01-01');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('No existe el sistema "conta\\x1b[2J".');
    expect(unknown.err).not.toMatch(OBEYED);

    const help = writeHelpFolder({
      'contabilidad/cierre/malo.md': article({ system: 'contabilidad', category: 'cierre', slug: 'malo', title: 'Cierre \u202emensual' }, 'Texto.\n'),
      'contabilidad/cierre/linea.md': '---\ntitle: Línea\n\u001b]0;pwned\u0007\n---\nTexto.\n',
    });
    try {
      const r = await cli('help', 'import', help.dir);
      expect(r.code).toBe(1);
      expect(r.err).toContain('contabilidad/cierre/malo.md:5: "title" contiene caracteres no permitidos (caracteres de control o de dirección del texto): U+202E en la columna 15.');
      expect(r.err).toContain('contabilidad/cierre/linea.md:3: Línea no válida en el encabezado: "\\x1b]0;pwned\\x07".');
      expect(r.err).not.toMatch(OBEYED);
    } finally {
      help.remove();
    }
  });
});
