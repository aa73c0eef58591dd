import type { Kysely } from 'kysely';
import { isUuid } from '../customers/find-customer.ts';
import type { Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import type { ImportProblem } from './parse-import-csv.ts';
import type { ImportStatus, ImportSummary } from './run-import.ts';

/** A running run that has not moved for this long was cut off (its process stopped): nothing was written, the write being one transaction. */
const IMPORT_STALL_MS = 5 * 60_000;

const INTERRUPTED = 'La importación se interrumpió (el servidor se detuvo) antes de terminar, y no se escribió nada. Vuelva a subir el archivo.';

export interface ImportRunView {
  id: string;
  fileName: string;
  status: ImportStatus;
  /** Administrators' credentials prepared so far, of toPrepare (a running run's progress). */
  prepared: number;
  toPrepare: number;
  totalRows: number;
  doneRows: number;
  problems: ImportProblem[];
  problemCount: number;
  summary: ImportSummary | null;
  createdAt: string;
  finishedAt: string | null;
  staffName: string | null;
}

type RunRow = {
  id: string; file_name: string; status: string; total_rows: number; done_rows: number; problems: string | null; summary: string | null;
  created_at: string; finished_at: string | null; name: string | null; prepared: number; to_prepare: number; progress_at: string | null;
};

function view(r: RunRow, now: Date): ImportRunView {
  const problems = r.problems ? (JSON.parse(r.problems) as ImportProblem[]) : [];
  let summary = r.summary ? (JSON.parse(r.summary) as ImportSummary & { problemCount?: number }) : null;
  let status = r.status as ImportStatus;
  if (status === 'running' && Date.parse(r.progress_at ?? r.created_at) + IMPORT_STALL_MS <= now.getTime()) {
    status = 'failed';
    summary = { customersCreated: 0, contractsAdded: 0, mailsQueued: 0, failure: INTERRUPTED };
  }
  return {
    id: r.id, fileName: r.file_name, status, prepared: r.prepared, toPrepare: r.to_prepare, totalRows: r.total_rows, doneRows: r.done_rows, problems,
    problemCount: summary?.problemCount ?? problems.length, summary: r.status === 'invalid' ? null : summary, createdAt: r.created_at, finishedAt: r.finished_at, staffName: r.name,
  };
}

const base = (db: Kysely<Database>) =>
  db.selectFrom('import_runs as r').leftJoin('staff as s', 's.id', 'r.staff_id')
    .select(['r.id', 'r.file_name', 'r.status', 'r.total_rows', 'r.done_rows', 'r.problems', 'r.summary', 'r.created_at', 'r.finished_at', 's.name', 'r.prepared', 'r.to_prepare', 'r.progress_at']);

/** One import run, for its page; an unknown id is a 404. */
export async function findImportRun(db: Kysely<Database>, id: string, now: Date): Promise<ImportRunView> {
  if (!isUuid(id)) throw notFound();
  const r = await base(db).where('r.id', '=', id).executeTakeFirst();
  if (!r) throw notFound();
  return view(r, now);
}

/** The latest runs, newest first (one query, the staff member joined). */
export async function listImportRuns(db: Kysely<Database>, now: Date, limit = 10): Promise<ImportRunView[]> {
  return (await base(db).orderBy('r.created_at', 'desc').orderBy('r.id').limit(limit).execute()).map((r) => view(r, now));
}
