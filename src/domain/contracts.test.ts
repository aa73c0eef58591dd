import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contractStatus, endsSoon, formatDay, isCalendarDay, isInForce, vendorToday } from './contracts.ts';

describe('contracts in force', () => {
  it('uses the calendar day of Santiago, not UTC', () => {
    // 2026-01-01 02:00 UTC is still Dec 31 in Santiago (UTC-3 in summer)
    expect(vendorToday(new Date('2026-01-01T02:00:00Z'))).toBe('2025-12-31');
    expect(vendorToday(new Date('2026-01-01T03:30:00Z'))).toBe('2026-01-01');
    // winter: UTC-4
    expect(vendorToday(new Date('2026-07-01T03:30:00Z'))).toBe('2026-06-30');
  });

  it('kept for the minute, answers what Intl answers at every second around midnights, DST changes (2026-04-05, 2026-09-06), before 1910 (offset -4:42:45) and with a clock that jumps back', () => {
    const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Santiago', year: 'numeric', month: '2-digit', day: '2-digit' });
    const midnights = ['2026-03-03T03:00:00Z', '2026-04-05T04:00:00Z', '2026-04-05T03:00:00Z', '2026-09-06T04:00:00Z', '2026-09-07T03:00:00Z', '1905-06-01T04:42:45Z'];
    for (const m of midnights) {
      const at = Date.parse(m);
      // Second by second through the minute (each asked right after the one before), then the
      // same with an instant of another day between two (a test's clock set back and forth).
      for (const jump of [false, true]) {
        for (let s = -90; s <= 90; s++) {
          if (jump) vendorToday(new Date(at - 86_400_000 * 3));
          for (const t of [at + s * 1000, at + s * 1000 + 999]) expect(vendorToday(new Date(t)), new Date(t).toISOString()).toBe(intl.format(new Date(t)));
        }
      }
    }
  });

  it('is in force from the first through the last day, both included', () => {
    const c = { startsOn: '2026-03-01', endsOn: '2026-03-31' };
    expect(contractStatus(c, '2026-02-28')).toBe('upcoming');
    expect(contractStatus(c, '2026-03-01')).toBe('in-force');
    expect(contractStatus(c, '2026-03-31')).toBe('in-force');
    expect(contractStatus(c, '2026-04-01')).toBe('ended');
    expect(isInForce({ startsOn: '2020-01-01', endsOn: null }, '2099-12-31')).toBe(true);
  });

  it('warns when an in-force contract ends within 30 days', () => {
    expect(endsSoon({ startsOn: '2026-01-01', endsOn: '2026-03-31' }, '2026-03-01')).toBe(30);
    expect(endsSoon({ startsOn: '2026-01-01', endsOn: '2026-03-31' }, '2026-02-28')).toBeNull();
    expect(endsSoon({ startsOn: '2026-01-01', endsOn: '2026-03-31' }, '2026-03-31')).toBe(0);
    expect(endsSoon({ startsOn: '2026-01-01', endsOn: null }, '2026-03-31')).toBeNull();
    expect(endsSoon({ startsOn: '2026-01-01', endsOn: '2026-03-31' }, '2026-04-01')).toBeNull();
  });

  it('validates calendar days', () => {
    expect(isCalendarDay('2026-02-28')).toBe(true);
    expect(isCalendarDay('2026-02-30')).toBe(false);
    expect(isCalendarDay('26-2-1')).toBe(false);
  });

  it('formats days in Chilean Spanish', () => {
    expect(formatDay('2026-03-01')).toBe('1 de marzo de 2026');
  });

  it('property: exactly one status for any contract and day', () => {
    const day = fc.date({ min: new Date('2000-01-01'), max: new Date('2040-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, fc.option(day), (today, start, end) => {
        fc.pre(end === null || end >= start);
        const s = contractStatus({ startsOn: start, endsOn: end }, today);
        expect(s === 'in-force').toBe(start <= today && (end === null || today <= end));
      }),
    );
  });
});
