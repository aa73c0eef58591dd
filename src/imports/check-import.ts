import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ContractPlan } from '../customers/add-contract.ts';
import { CustomerName } from '../customers/create-customer.ts';
import { NewUserFields } from '../customers/user-fields.ts';
import { isContractDay } from '../domain/contracts.ts';
import { formatRut, parseRut, RUT_MESSAGES } from '../domain/rut.ts';
import type { ImportProblem, ImportRow } from './parse-import-csv.ts';

export interface PlannedContract {
  line: number;
  systemId: string;
  system: string;
  plan: string;
  startsOn: string;
  endsOn: string | null;
}

export interface PlannedCustomer {
  line: number;
  rut: string;
  name: string;
  /** Null: the customer exists already (its id), and only gets contracts. */
  existingId: string | null;
  admin: { name: string; email: string } | null;
  contracts: PlannedContract[];
}

export type ImportPlan = { ok: true; customers: PlannedCustomer[] } | { ok: false; problems: ImportProblem[] };

/** A day as people type it in a spreadsheet: 2026-03-01, or 01-03-2026 / 01/03/2026. */
function parseDay(s: string): string | null {
  const dmy = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$/.exec(s);
  const iso = dmy ? `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}` : s;
  return isContractDay(iso) ? iso : null;
}

/** Names compared as a person would: case, accents aside, and runs of spaces do not make another company. */
const sameName = (a: string, b: string) => a.localeCompare(b, 'es', { sensitivity: 'base' }) === 0 || a.replace(/\s+/g, ' ').toLowerCase() === b.replace(/\s+/g, ' ').toLowerCase();

const CHUNK = 500;

/**
 * Every row checked against the rules and the database before anything is
 * written; every problem listed with its line and column. The database is
 * read in a few queries (systems, the file's RUTs, their contracts), not
 * once per row.
 */
export async function checkImport(db: Kysely<Database>, rows: ImportRow[]): Promise<ImportPlan> {
  const problems: ImportProblem[] = [];
  const add = (line: number, column: string | null, message: string) => problems.push({ line, column, message });

  const systems = new Map((await db.selectFrom('systems').select(['id', 'slug']).execute()).map((s) => [s.slug, s.id]));
  const ruts = [...new Set(rows.map((r) => parseRut(r.values.rut)).flatMap((r) => (r.ok ? [r.rut] : [])))];
  const existing = new Map<string, { id: string; name: string }>();
  for (let i = 0; i < ruts.length; i += CHUNK) {
    for (const c of await db.selectFrom('customers').select(['id', 'rut', 'name']).where('rut', 'in', ruts.slice(i, i + CHUNK)).execute()) existing.set(c.rut, c);
  }
  const existingContracts = new Set<string>();
  const ids = [...existing.values()].map((c) => c.id);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const found = await db.selectFrom('contracts').select(['customer_id', 'system_id', 'starts_on']).where('customer_id', 'in', ids.slice(i, i + CHUNK)).execute();
    for (const k of found) existingContracts.add(`${k.customer_id}|${k.system_id}|${k.starts_on}`);
  }

  const planned = new Map<string, PlannedCustomer>();
  const contractLines = new Map<string, number>();
  for (const { line, values: v } of rows) {
    const rut = parseRut(v.rut);
    if (!rut.ok) add(line, 'rut', RUT_MESSAGES[rut.reason]);
    const name = CustomerName.safeParse(v.razon_social);
    if (!name.success) add(line, 'razon_social', name.error.issues[0]!.message);

    // The contract columns: all empty (no contract) or a whole contract.
    let contract: PlannedContract | null = null;
    if (v.sistema || v.plan || v.desde || v.hasta) {
      const systemId = systems.get(v.sistema.toLowerCase());
      if (!v.sistema) add(line, 'sistema', 'Falta el sistema del contrato.');
      else if (!systemId) add(line, 'sistema', `No existe el sistema «${v.sistema}». Los sistemas son: ${[...systems.keys()].join(', ')}.`);
      const plan = ContractPlan.safeParse(v.plan);
      if (!plan.success) add(line, 'plan', plan.error.issues[0]!.message);
      const startsOn = parseDay(v.desde);
      if (!startsOn) add(line, 'desde', v.desde ? `«${v.desde}» no es un día válido: escríbalo como AAAA-MM-DD o DD-MM-AAAA.` : 'Falta el primer día del contrato (desde).');
      const endsOn = v.hasta ? parseDay(v.hasta) : null;
      if (v.hasta && !endsOn) add(line, 'hasta', `«${v.hasta}» no es un día válido: escríbalo como AAAA-MM-DD o DD-MM-AAAA.`);
      else if (startsOn && endsOn && endsOn < startsOn) add(line, 'hasta', 'El último día del contrato no puede ser anterior al primero.');
      if (systemId && plan.success && startsOn && (!v.hasta || endsOn)) contract = { line, systemId, system: v.sistema.toLowerCase(), plan: plan.data, startsOn, endsOn };
    }
    if (!rut.ok || !name.success) continue;

    const known = existing.get(rut.rut);
    const hasAdmin = v.admin_nombre !== '' || v.admin_correo !== '';
    let target = planned.get(rut.rut);
    if (known) {
      if (!sameName(known.name, name.data)) add(line, 'razon_social', `El RUT ${formatRut(rut.rut)} ya es el cliente «${known.name}»: la razón social no coincide.`);
      if (hasAdmin) add(line, 'admin_correo', `El cliente ${formatRut(rut.rut)} ya existe: deje vacíos admin_nombre y admin_correo (sus administradores se cambian en su ficha).`);
      if (!v.sistema && !v.plan && !v.desde && !v.hasta) add(line, 'sistema', `El cliente ${formatRut(rut.rut)} ya existe y esta fila no le agrega un contrato.`);
      target ??= { line, rut: rut.rut, name: known.name, existingId: known.id, admin: null, contracts: [] };
    } else if (!target) {
      const admin = NewUserFields.safeParse({ name: v.admin_nombre, email: v.admin_correo });
      if (!admin.success) {
        for (const issue of admin.error.issues) add(line, issue.path[0] === 'name' ? 'admin_nombre' : 'admin_correo', `${issue.message} (el administrador del cliente nuevo va en su primera fila)`);
      }
      target = { line, rut: rut.rut, name: name.data, existingId: null, admin: admin.success ? admin.data : null, contracts: [] };
    } else {
      if (!sameName(target.name, name.data)) add(line, 'razon_social', `La razón social no coincide con la de la línea ${target.line} para el mismo RUT.`);
      if (hasAdmin && target.admin) {
        const admin = NewUserFields.safeParse({ name: v.admin_nombre, email: v.admin_correo });
        if (!admin.success || admin.data.email !== target.admin.email || admin.data.name !== target.admin.name) {
          add(line, 'admin_correo', `El administrador no coincide con el de la línea ${target.line}: déjelo vacío en las filas siguientes de un mismo cliente.`);
        }
      }
    }
    planned.set(rut.rut, target);

    if (contract) {
      const key = `${rut.rut}|${contract.systemId}|${contract.startsOn}`;
      const earlier = contractLines.get(key);
      if (earlier !== undefined) add(line, 'desde', `Contrato repetido: el de la línea ${earlier} tiene el mismo RUT, sistema y primer día.`);
      else if (known && existingContracts.has(`${known.id}|${contract.systemId}|${contract.startsOn}`)) {
        add(line, 'desde', `El cliente ${formatRut(rut.rut)} ya tiene ese contrato (${contract.system} desde ${contract.startsOn}).`);
      } else {
        contractLines.set(key, line);
        target.contracts.push(contract);
      }
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, customers: [...planned.values()] };
}
