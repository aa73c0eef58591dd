import { VENDOR_TIME_ZONE } from '../../domain/contracts.ts';

/** The digest goes out from Monday at this hour in Santiago (or later that week, after an outage). */
export const DIGEST_HOUR = 8;

const wallClock = new Intl.DateTimeFormat('en-CA', {
  timeZone: VENDOR_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function santiagoParts(at: Date): { y: number; m: number; d: number; hour: number; minute: number } {
  const p = Object.fromEntries(wallClock.formatToParts(at).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), hour: Number(p.hour), minute: Number(p.minute) };
}

export interface DigestWeek {
  /** "help-digest:2026-W10": the ISO week of the Santiago date, the job_runs key of its run. */
  key: string;
  /** Monday DIGEST_HOUR:00 in Santiago of that week, as an instant. */
  dueAt: Date;
}

/** The ISO week `at` falls in (on Santiago's calendar) and when its digest is due. */
export function digestWeek(at: Date): DigestWeek {
  const { y, m, d } = santiagoParts(at);
  // Calendar arithmetic on a UTC date that only stands for the Santiago day.
  const day = new Date(Date.UTC(y, m - 1, d));
  const weekday = (day.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const monday = new Date(day.getTime() - weekday * 86_400_000);
  const thursday = new Date(monday.getTime() + 3 * 86_400_000);
  const isoYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / (7 * 86_400_000)) + 1;
  return { key: `help-digest:${isoYear}-W${String(week).padStart(2, '0')}`, dueAt: santiagoMondayAt(monday) };
}

/**
 * Monday DIGEST_HOUR:00 on Santiago's clocks. Chile is UTC-3 in summer and
 * UTC-4 in winter and changes at midnight, never on a Monday morning, so one
 * of the two offsets gives that wall-clock time.
 */
function santiagoMondayAt(mondayUtcDate: Date): Date {
  for (const offset of [3, 4]) {
    const at = new Date(mondayUtcDate.getTime() + (DIGEST_HOUR + offset) * 3_600_000);
    const p = santiagoParts(at);
    if (p.hour === DIGEST_HOUR && p.minute === 0 && p.d === mondayUtcDate.getUTCDate()) return at;
  }
  throw new Error('Santiago is neither UTC-3 nor UTC-4 that Monday');
}
