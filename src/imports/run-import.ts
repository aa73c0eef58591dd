import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type StaffPrincipal } from '../auth/principal.ts';
import { generateTemporaryPassword } from '../auth/temporary-password.ts';
import { insertCustomerWithAdmin } from '../customers/insert-customer-with-admin.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import { emitContractEvent } from '../webhooks/webhook-subjects.ts';
import { withoutRefusedCharacters } from '../domain/plain-text.ts';
import { checkImport, type PlannedCustomer } from './check-import.ts';
import { parseImportCsv, parseImportText, type ImportProblem } from './parse-import-csv.ts';

export type ImportStatus = 'invalid' | 'running' | 'done' | 'failed';

export interface ImportSummary {
  customersCreated: number;
  contractsAdded: number;
  mailsQueued: number;
  /** Why a run that was checked could not be written (it was rolled back whole). */
  failure?: string;
}

/** Something that changed between the check and the write (another import, another person): the whole run is rolled back. */
class ImportConflict extends Error {}

/** Hashing is slow on purpose: a few at a time, not 5,000 at once. */
async function mapLimited<T, R>(items: T[], limit: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  }));
  return out;
}

/** How often a running import says it is alive while it prepares credentials. */
const PROGRESS_EVERY = 10;

/** Background imports of this process, so closing the runtime waits for them instead of cutting their database. */
const inFlight = new Set<Promise<unknown>>();

/** Wait for this process's background imports (runtime close, tests). */
export async function settleImports(): Promise<void> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
}

/**
 * A CSV of customers and contracts, checked whole first (every problem with
 * its line, nothing written while there is one: the run is kept as
 * 'invalid'). A file without problems gets a 'running' run at once and is
 * written in the background (`done`): the administrators' credentials are
 * prepared first (a slow hash each, counted in the run for its page), then
 * everything is written in one transaction (customers, administrators with
 * their credentials mails, contracts, audit rows); a run that fails there is
 * rolled back whole and kept as 'failed' with why.
 */
export async function startImport(
  deps: Deps,
  actor: StaffPrincipal,
  input: { fileName: string; bytes?: Uint8Array; text?: string },
): Promise<{ id: string; status: 'invalid' | 'running'; done: Promise<ImportStatus> }> {
  const { db, clock } = deps;
  const id = randomUUID();
  const fileName = withoutRefusedCharacters(input.fileName).trim().slice(0, 200) || 'archivo.csv';
  const created = clock.now();
  const parsed = input.bytes ? parseImportCsv(input.bytes) : parseImportText(input.text ?? '');
  const plan = parsed.ok ? await checkImport(db, parsed.rows) : parsed;
  const totalRows = parsed.ok ? parsed.rows.length : 0;
  if (!plan.ok) {
    await db.insertInto('import_runs').values({
      id, staff_id: actor.staffId, file_name: fileName, status: 'invalid', total_rows: totalRows, done_rows: 0,
      problems: JSON.stringify(plan.problems.slice(0, 1000) satisfies ImportProblem[]), summary: JSON.stringify({ problemCount: plan.problems.length }),
      created_at: created.toISOString(), finished_at: created.toISOString(),
    }).execute();
    return { id, status: 'invalid', done: Promise.resolve('invalid') };
  }

  const fresh = plan.customers.filter((c) => c.existingId === null);
  await db.insertInto('import_runs').values({
    id, staff_id: actor.staffId, file_name: fileName, status: 'running', total_rows: totalRows, done_rows: 0, problems: null, summary: null, created_at: created.toISOString(), finished_at: null,
    prepared: 0, to_prepare: fresh.length, progress_at: created.toISOString(),
  }).execute();
  const done = writeImport(deps, actor, { id, fileName, totalRows, plan, fresh }).catch((err: unknown) => {
    // writeImport records its own failures; this is for what happened while recording them (the database gone): the run will read as interrupted.
    deps.log.error({ err, importRunId: id }, 'import could not record its outcome');
    return 'failed' as const;
  });
  inFlight.add(done);
  void done.finally(() => inFlight.delete(done));
  return { id, status: 'running', done };
}

/** The whole import awaited: check, then write (tests). */
export async function runImport(deps: Deps, actor: StaffPrincipal, input: { fileName: string; bytes?: Uint8Array; text?: string }): Promise<{ id: string; status: ImportStatus }> {
  const started = await startImport(deps, actor, input);
  return { id: started.id, status: await started.done };
}

type CheckedPlan = Extract<Awaited<ReturnType<typeof checkImport>>, { ok: true }>;

async function writeImport(
  deps: Deps,
  actor: StaffPrincipal,
  run: { id: string; fileName: string; totalRows: number; plan: CheckedPlan; fresh: PlannedCustomer[] },
): Promise<ImportStatus> {
  const { db, clock } = deps;
  const { id, fileName, totalRows, plan, fresh } = run;
  let prepared = 0;
  const summary: ImportSummary = { customersCreated: fresh.length, contractsAdded: plan.customers.reduce((n, c) => n + c.contracts.length, 0), mailsQueued: fresh.length };
  try {
    const credentials = await mapLimited(fresh, 4, async () => {
      const temporary = generateTemporaryPassword();
      const hash = await deps.hasher.hash(temporary);
      if (++prepared % PROGRESS_EVERY === 0 || prepared === fresh.length) {
        await db.updateTable('import_runs').set({ prepared, progress_at: clock.now().toISOString() }).where('id', '=', id).execute();
      }
      return { temporary, hash };
    });
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      // The first statement writes: on SQLite it takes the write lock, so no other import interleaves from here on.
      await trx.updateTable('import_runs').set({ done_rows: 0, progress_at: now.toISOString() }).where('id', '=', id).execute();
      const existing = plan.customers.filter((c): c is PlannedCustomer & { existingId: string } => c.existingId !== null);
      if (existing.length > 0) await recheckExisting(trx, deps.dialect, existing);
      for (const [i, c] of fresh.entries()) {
        const customerId = randomUUID();
        await insertCustomerWithAdmin(trx, deps.config, actor, {
          customerId, rut: c.rut, name: c.name, admin: { id: randomUUID(), ...c.admin! }, temporaryPassword: credentials[i]!.temporary, passwordHash: credentials[i]!.hash, now,
        }, { importRunId: id });
        c.existingId = customerId;
      }
      for (const c of plan.customers) {
        for (const k of c.contracts) {
          const contractId = randomUUID();
          await trx.insertInto('contracts').values({ id: contractId, customer_id: c.existingId!, system_id: k.systemId, plan: k.plan, starts_on: k.startsOn, ends_on: k.endsOn, created_at: now.toISOString() }).execute();
          await recordAuditEvent(trx, {
            action: 'contract.added', at: now, ...auditActor(actor), customerId: c.existingId, targetLabel: `${k.system} · ${k.plan}`,
            detail: { contractId, system: k.system, plan: k.plan, startsOn: k.startsOn, endsOn: k.endsOn, importRunId: id },
          });
          await emitContractEvent(trx, 'contract.created', contractId, now);
        }
      }
      await recordAuditEvent(trx, { action: 'customer.imported', at: now, ...auditActor(actor), customerId: null, targetLabel: fileName, detail: { importRunId: id, rows: totalRows, ...summary } });
      await trx.updateTable('import_runs').set({ status: 'done', done_rows: totalRows, summary: JSON.stringify(summary), finished_at: now.toISOString() }).where('id', '=', id).execute();
    });
  } catch (err) {
    let failure: string;
    if (isUniqueViolation(err)) failure = 'Mientras se importaba, otra persona u otra importación creó uno de estos clientes (un RUT ya existe). No se escribió nada: vuelva a subir el archivo para ver qué filas sobran.';
    else if (err instanceof ImportConflict) failure = err.message;
    else {
      deps.log.error({ err, importRunId: id }, 'import failed while writing: rolled back');
      failure = 'La importación falló al escribir y se deshizo entera: no se escribió nada. Inténtelo de nuevo en unos minutos.';
    }
    await db.updateTable('import_runs').set({ status: 'failed', summary: JSON.stringify({ customersCreated: 0, contractsAdded: 0, mailsQueued: 0, failure } satisfies ImportSummary), finished_at: clock.now().toISOString() }).where('id', '=', id).execute();
    return 'failed';
  }
  deps.mailQueued();
  return 'done';
}

/**
 * Customers that existed at the check: still there, and still without the
 * contracts about to be added (another import of the same file may have
 * added them meanwhile). On PostgreSQL their rows are locked first, so a
 * second import waits here and then sees the first one's contracts.
 */
async function recheckExisting(trx: Kysely<Database>, dialect: Deps['dialect'], existing: Array<PlannedCustomer & { existingId: string }>) {
  const ids = existing.map((c) => c.existingId);
  const lock = dialect === 'postgres' ? sql` for update` : sql``;
  const rows = await sql<{ id: string }>`select id from customers where id in (${sql.join(ids)})${lock}`.execute(trx);
  if (rows.rows.length !== ids.length) throw new ImportConflict('Uno de los clientes del archivo se eliminó mientras se importaba. No se escribió nada: vuelva a subir el archivo.');
  const found = await trx.selectFrom('contracts').select(['customer_id', 'system_id', 'starts_on']).where('customer_id', 'in', ids).execute();
  const have = new Set(found.map((k) => `${k.customer_id}|${k.system_id}|${k.starts_on}`));
  for (const c of existing) {
    for (const k of c.contracts) {
      if (have.has(`${c.existingId}|${k.systemId}|${k.startsOn}`)) {
        throw new ImportConflict(`Mientras se importaba, otra importación agregó el contrato de la línea ${k.line}. No se escribió nada: vuelva a subir el archivo para ver qué filas sobran.`);
      }
    }
  }
}
