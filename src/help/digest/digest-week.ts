import { santiagoToInstant, santiagoWallClock } from '../../domain/santiago-local-time.ts';

/** The digest goes out from Monday at this time in Santiago (or later that week, after an outage). */
export const DIGEST_TIME = '08:00';

export interface DigestWeek {
  /** "help-digest:2026-W10": the ISO week of the Santiago date, the job_runs key of its run. */
  key: string;
  /** Monday DIGEST_TIME in Santiago of that week, as an instant. */
  dueAt: Date;
}

/** The ISO week `at` falls in (on Santiago's calendar) and when its digest is due. */
export function digestWeek(at: Date): DigestWeek {
  const [y, m, d] = santiagoWallClock(at).day.split('-').map(Number) as [number, number, number];
  // Calendar arithmetic on a UTC date that only stands for the Santiago day.
  const day = Date.UTC(y, m - 1, d);
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const monday = new Date(day - weekday * 86_400_000);
  const thursday = new Date(monday.getTime() + 3 * 86_400_000);
  const isoYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / (7 * 86_400_000)) + 1;
  // Chile changes its clocks at midnight between Saturday and Sunday, never on a Monday morning: the time always exists, once.
  const due = santiagoToInstant(monday.toISOString().slice(0, 10), DIGEST_TIME);
  if (!due.ok) throw new Error(`Monday ${DIGEST_TIME} does not exist in Santiago that week`);
  return { key: `help-digest:${isoYear}-W${String(week).padStart(2, '0')}`, dueAt: due.at };
}
