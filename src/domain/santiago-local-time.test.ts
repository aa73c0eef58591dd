import { describe, expect, it } from 'vitest';
import { formatSantiagoInstant, santiagoToInstant, santiagoWallClock } from './santiago-local-time.ts';

const at = (day: string, time: string) => {
  const r = santiagoToInstant(day, time);
  if (!r.ok) throw new Error(`${day} ${time}: ${r.reason}`);
  return r;
};

describe('santiagoToInstant (2026: summer time ends Sunday 5 April, starts Sunday 6 September)', () => {
  it('uses UTC-3 in summer and UTC-4 in winter', () => {
    expect(at('2026-03-02', '12:00').at.toISOString()).toBe('2026-03-02T15:00:00.000Z');
    expect(at('2026-07-01', '12:00').at.toISOString()).toBe('2026-07-01T16:00:00.000Z');
  });

  it('takes the first of the two 23:30 on the night the clocks go back', () => {
    const r = at('2026-04-04', '23:30');
    expect(r.at.toISOString()).toBe('2026-04-05T02:30:00.000Z');
    expect(r.ambiguous).toBe(true);
    // The hour before it happens once, and midnight after it is already winter time.
    expect(at('2026-04-04', '22:59')).toMatchObject({ ambiguous: false });
    expect(at('2026-04-04', '22:59').at.toISOString()).toBe('2026-04-05T01:59:00.000Z');
    expect(at('2026-04-05', '00:00').at.toISOString()).toBe('2026-04-05T04:00:00.000Z');
  });

  it('refuses the hour the clocks skip on the night they go forward', () => {
    expect(santiagoToInstant('2026-09-06', '00:00')).toEqual({ ok: false, reason: 'nonexistent' });
    expect(santiagoToInstant('2026-09-06', '00:59')).toEqual({ ok: false, reason: 'nonexistent' });
    expect(at('2026-09-05', '23:59').at.toISOString()).toBe('2026-09-06T03:59:00.000Z');
    expect(at('2026-09-06', '01:00').at.toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('refuses what is not a date and a time', () => {
    for (const [d, t] of [['2026-02-30', '10:00'], ['2026-13-01', '10:00'], ['2026-1-01', '10:00'], ['2026-03-02', '24:00'], ['2026-03-02', '9:00'], ['', ''], ['2026-03-02', '10:00:00']]) {
      expect(santiagoToInstant(d!, t!)).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('reads back what it converts, every quarter hour of both nights', () => {
    for (const day of ['2026-04-04', '2026-04-05', '2026-09-05', '2026-09-06']) {
      for (let m = 0; m < 24 * 60; m += 15) {
        const time = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
        const r = santiagoToInstant(day, time);
        if (r.ok) expect(santiagoWallClock(r.at)).toEqual({ day, time });
        else expect(day === '2026-09-06' && m < 60).toBe(true);
      }
    }
  });

  it('formats an instant in Spanish with the zone named', () => {
    expect(formatSantiagoInstant(new Date('2026-04-05T02:30:00Z'))).toBe('sábado, 4 de abril de 2026, 23:30 (hora de Santiago)');
  });
});
