import { describe, expect, it } from 'vitest';
import { digestWeek } from './digest-week.ts';

describe('digestWeek', () => {
  it('names the ISO week of the Santiago date and its Monday 08:00 in Santiago', () => {
    // Summer time (UTC-3): Monday 9 March 2026, 08:00 in Santiago is 11:00 UTC.
    expect(digestWeek(new Date('2026-03-09T11:00:00Z'))).toEqual({ key: 'help-digest:2026-W11', dueAt: new Date('2026-03-09T11:00:00Z') });
    expect(digestWeek(new Date('2026-03-15T20:00:00Z')).key).toBe('help-digest:2026-W11');
    // Sunday 23:00 in Santiago is already Monday in UTC: still the week before.
    expect(digestWeek(new Date('2026-03-09T02:00:00Z')).key).toBe('help-digest:2026-W10');
    // Winter time (UTC-4): Monday 1 June 2026, 08:00 is 12:00 UTC.
    expect(digestWeek(new Date('2026-06-03T15:00:00Z'))).toEqual({ key: 'help-digest:2026-W23', dueAt: new Date('2026-06-01T12:00:00Z') });
  });

  it('counts weeks across the turn of the year as ISO does', () => {
    // 2026 has 53 ISO weeks (it starts on a Thursday); 1 January 2027 belongs to its last one.
    expect(digestWeek(new Date('2027-01-01T15:00:00Z')).key).toBe('help-digest:2026-W53');
    expect(digestWeek(new Date('2027-01-04T15:00:00Z')).key).toBe('help-digest:2027-W01');
    expect(digestWeek(new Date('2026-01-01T15:00:00Z')).key).toBe('help-digest:2026-W01');
    expect(digestWeek(new Date('2025-12-29T15:00:00Z'))).toEqual({ key: 'help-digest:2026-W01', dueAt: new Date('2025-12-29T11:00:00Z') });
  });
});
