import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import type { ImportProblem } from './parse-import-csv.ts';
import type { ImportStatus, ImportSummary } from './run-import.ts';

export interface ImportRunView {
  id: string;
  fileName: string;
  status: ImportStatus;
  totalRows: number;
  doneRows: number;
  problems: ImportProblem[];
  problemCount: number;
  summary: ImportSummary | null;
  createdAt: string;
  finishedAt: string | null;
  staffName: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function view(r: { id: string; file_name: string; status: string; total_rows: number; done_rows: number; problems: string | null; summary: string | null; created_at: string; finished_at: string | null; name: string | null }): ImportRunView {
  const problems = r.problems ? (JSON.parse(r.problems) as ImportProblem[]) : [];
  const summary = r.summary ? (JSON.parse(r.summary) as ImportSummary & { problemCount?: number }) : null;
  return {
    id: r.id, fileName: r.file_name, status: r.status as ImportStatus, totalRows: r.total_rows, doneRows: r.done_rows, problems,
    problemCount: summary?.problemCount ?? problems.length, summary: r.status === 'invalid' ? null : summary, createdAt: r.created_at, finishedAt: r.finished_at, staffName: r.name,
  };
}

const base = (db: Kysely<Database>) =>
  db.selectFrom('import_runs as r').leftJoin('staff as s', 's.id', 'r.staff_id')
    .select(['r.id', 'r.file_name', 'r.status', 'r.total_rows', 'r.done_rows', 'r.problems', 'r.summary', 'r.created_at', 'r.finished_at', 's.name']);

/** One import run, for its page; an unknown id is a 404. */
export async function findImportRun(db: Kysely<Database>, id: string): Promise<ImportRunView> {
  if (!UUID.test(id)) throw notFound();
  const r = await base(db).where('r.id', '=', id).executeTakeFirst();
  if (!r) throw notFound();
  return view(r);
}

/** The latest runs, newest first (one query, the staff member joined). */
export async function listImportRuns(db: Kysely<Database>, limit = 10): Promise<ImportRunView[]> {
  return (await base(db).orderBy('r.created_at', 'desc').orderBy('r.id').limit(limit).execute()).map(view);
}
