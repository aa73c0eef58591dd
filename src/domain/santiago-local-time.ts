import { VENDOR_TIME_ZONE } from './contracts.ts';

/**
 * A wall-clock date and time in Santiago turned into an instant, and back.
 * Chile moves its clocks twice a year (in 2026: back an hour at the end of
 * Saturday 4 April, forward an hour at the end of Saturday 5 September), so a
 * local time may not exist (the skipped hour) or exist twice (the repeated
 * hour). Both are answered here, from the zone data Node carries, rather than
 * with a fixed offset that would be wrong half the year.
 */

const partsFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: VENDOR_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The date (YYYY-MM-DD) and time (HH:MM) on Santiago's clocks at `at`. */
export function santiagoWallClock(at: Date): { day: string; time: string } {
  const p = Object.fromEntries(partsFormatter.formatToParts(at).map((x) => [x.type, x.value]));
  return { day: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

export type SantiagoInstant =
  | { ok: true; at: Date; /** The time happens twice that night: `at` is the first. */ ambiguous: boolean }
  | { ok: false; reason: 'invalid' | 'nonexistent' };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The instant Santiago's clocks show `day` `time`, or why there is none. */
export function santiagoToInstant(day: string, time: string): SantiagoInstant {
  const d = DAY.exec(day);
  const t = TIME.exec(time);
  if (!d || !t) return { ok: false, reason: 'invalid' };
  const [y, m, dd] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const asUtc = Date.UTC(y, m - 1, dd, Number(t[1]), Number(t[2]));
  const check = new Date(asUtc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== dd) return { ok: false, reason: 'invalid' };
  // Santiago's offset is whole hours between UTC-5 and UTC-2 in every rule it has had; try each and keep those that read back.
  const matches: number[] = [];
  for (let offsetHours = 2; offsetHours <= 5; offsetHours++) {
    const candidate = new Date(asUtc + offsetHours * 3_600_000);
    const wall = santiagoWallClock(candidate);
    if (wall.day === day && wall.time === time) matches.push(candidate.getTime());
  }
  if (matches.length === 0) return { ok: false, reason: 'nonexistent' };
  matches.sort((a, b) => a - b);
  return { ok: true, at: new Date(matches[0]!), ambiguous: matches.length > 1 };
}

/** "sábado 4 de abril de 2026, 23:30 (hora de Santiago)": how the console shows a scheduled instant. */
export function formatSantiagoInstant(at: Date): string {
  const text = new Intl.DateTimeFormat('es-CL', {
    timeZone: VENDOR_TIME_ZONE,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return `${text} (hora de Santiago)`;
}
