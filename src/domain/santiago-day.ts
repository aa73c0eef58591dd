import { vendorToday } from './contracts.ts';

/**
 * The first instant of a calendar day in Santiago, as an ISO string: what a
 * "from this day" filter compares stored instants with. Santiago is UTC-3 or
 * UTC-4 and changes at midnight (a day may start at 01:00), so the instant
 * is searched for, not computed from a fixed offset.
 */
export function santiagoDayStart(day: string): string {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  // Midnight in Santiago falls between 00:00Z and 06:00Z of the same date: the first minute whose Santiago day is `day`.
  let lo = utcMidnight;
  let hi = utcMidnight + 6 * 3_600_000;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 2 / 60_000) * 60_000;
    if (vendorToday(new Date(mid)) >= day) hi = mid;
    else lo = mid;
  }
  return new Date(vendorToday(new Date(lo)) >= day ? lo : hi).toISOString();
}
