/**
 * When a contract ("servicio") is in force. Dates are calendar days in the
 * vendor's time zone (America/Santiago), stored as "YYYY-MM-DD"; a contract
 * is in force from its first day through its last day, both included.
 */

export const VENDOR_TIME_ZONE = 'America/Santiago';
export const ENDING_SOON_DAYS = 30;

const dayFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: VENDOR_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

// Every help page asks, and Intl formatting is slow next to the rest of a
// page: the answer is kept for the minute. Exact, since Santiago's midnight
// (its offsets are whole hours, DST changes included) falls on a minute's
// first instant; but only since September 1927: until then Santiago Mean Time
// (-4:42:45) put midnight mid-minute, so a test clock set that far back is
// answered by Intl every time (contracts.test.ts compares them second by second).
const WHOLE_HOUR_OFFSETS_SINCE = Date.UTC(1927, 8, 2);
let lastMinute = NaN;
let lastDay = '';

/** The calendar day it is in Santiago at `now`, as YYYY-MM-DD. */
export function vendorToday(now: Date = new Date()): string {
  const ms = now.getTime();
  if (ms < WHOLE_HOUR_OFFSETS_SINCE) return dayFormatter.format(now);
  const minute = Math.floor(ms / 60_000);
  if (minute !== lastMinute) {
    lastDay = dayFormatter.format(now);
    lastMinute = minute;
  }
  return lastDay;
}

export interface ContractDates {
  startsOn: string;
  endsOn: string | null;
}

export type ContractStatus = 'upcoming' | 'in-force' | 'ended';

export function contractStatus(c: ContractDates, today: string): ContractStatus {
  if (c.startsOn > today) return 'upcoming';
  if (c.endsOn !== null && c.endsOn < today) return 'ended';
  return 'in-force';
}

export function isInForce(c: ContractDates, today: string): boolean {
  return contractStatus(c, today) === 'in-force';
}

/** Whole days from `today` to `day` (negative when `day` is past). */
export function daysBetween(today: string, day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** Days left when an in-force contract ends within ENDING_SOON_DAYS, else null. */
export function endsSoon(c: ContractDates, today: string): number | null {
  if (!isInForce(c, today) || c.endsOn === null) return null;
  const left = daysBetween(today, c.endsOn);
  return left <= ENDING_SOON_DAYS ? left : null;
}

/** The calendar day `n` days after `day` (before, when n is negative). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A day a contract can start or end on: a calendar day in years 1900–2999.
 * "0000-01-01" or "9999-12-31" (a spreadsheet's "forever") is a typo or a
 * placeholder, not a date: an open-ended contract leaves its end empty.
 */
export function isContractDay(s: string): boolean {
  return isCalendarDay(s) && s >= '1900-01-01' && s <= '2999-12-31';
}

export function isCalendarDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const longDate = new Intl.DateTimeFormat('es-CL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

const formattedDays = new Map<string, string>();

/** "2026-03-01" → "1 de marzo de 2026" */
export function formatDay(day: string): string {
  // Intl formatting is slow next to the rest of a page, and pages show the same few days over and over.
  let text = formattedDays.get(day);
  if (text === undefined) {
    text = longDate.format(new Date(`${day}T00:00:00Z`));
    if (formattedDays.size >= 1000) formattedDays.clear();
    formattedDays.set(day, text);
  }
  return text;
}
