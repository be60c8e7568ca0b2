import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE, missedFire, nextFire, parseSchedule } from '../../monitoring/schedule.js';

const at = (s: string) => Date.parse(s);
const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

describe('monitoring schedule (cron subset, UTC)', () => {
  it('the default fires at 02:00 UTC on the first of each month', () => {
    const s = parseSchedule(DEFAULT_SCHEDULE);
    expect(iso(nextFire(s, at('2026-12-05T01:52:00Z')))).toBe('2027-01-01T02:00:00.000Z');
    expect(iso(nextFire(s, at('2027-01-01T01:59:59Z')))).toBe('2027-01-01T02:00:00.000Z');
    // Strictly after: a fire at exactly `after` is not the next one.
    expect(iso(nextFire(s, at('2027-01-01T02:00:00Z')))).toBe('2027-02-01T02:00:00.000Z');
  });

  it('steps, ranges and lists', () => {
    const s = parseSchedule('*/15 9-17 * * 1-5');
    expect(iso(nextFire(s, at('2026-12-05T10:00:00Z')))).toBe('2026-12-07T09:00:00.000Z'); // Saturday -> Monday
    expect(iso(nextFire(s, at('2026-12-07T09:00:00Z')))).toBe('2026-12-07T09:15:00.000Z');
    expect(iso(nextFire(s, at('2026-12-07T17:45:00Z')))).toBe('2026-12-08T09:00:00.000Z');
    const l = parseSchedule('5,35 0 1,15 1-12/3 *');
    expect(iso(nextFire(l, at('2027-01-15T00:35:00Z')))).toBe('2027-04-01T00:05:00.000Z');
    expect(iso(nextFire(parseSchedule('10/20 * * * *'), at('2027-01-01T00:11:00Z')))).toBe('2027-01-01T00:30:00.000Z');
  });

  it('day of month and day of week: either matches when both are restricted; 7 is Sunday', () => {
    const s = parseSchedule('0 0 13 * 5'); // the 13th, or any Friday
    expect(iso(nextFire(s, at('2026-12-05T00:00:00Z')))).toBe('2026-12-11T00:00:00.000Z'); // a Friday
    expect(iso(nextFire(s, at('2026-12-11T00:00:00Z')))).toBe('2026-12-13T00:00:00.000Z'); // the 13th (a Sunday)
    expect(iso(nextFire(parseSchedule('0 0 * * 7'), at('2026-12-05T00:00:00Z')))).toBe('2026-12-06T00:00:00.000Z');
  });

  it('29 February fires in the next leap year', () => {
    expect(iso(nextFire(parseSchedule('0 0 29 2 *'), at('2026-12-05T00:00:00Z')))).toBe('2028-02-29T00:00:00.000Z');
  });

  it('names what is wrong in a bad spec', () => {
    expect(() => parseSchedule('0 2 1 *')).toThrow(/4 fields, not 5/);
    expect(() => parseSchedule('')).toThrow(/0 fields/);
    expect(() => parseSchedule('60 2 1 * *')).toThrow(/minute 60 is outside 0-59/);
    expect(() => parseSchedule('0 24 1 * *')).toThrow(/hour 24 is outside 0-23/);
    expect(() => parseSchedule('0 2 0 * *')).toThrow(/day of month 0 is outside 1-31/);
    expect(() => parseSchedule('0 2 1 JAN *')).toThrow(/month field has "JAN"/);
    expect(() => parseSchedule('0 2 5-1 * *')).toThrow(/runs backwards/);
    expect(() => parseSchedule('*/0 2 1 * *')).toThrow(/step "\/0"/);
    expect(() => parseSchedule('0 0 30 2 *')).toThrow(/names no day that exists/);
    try {
      parseSchedule('0 2 1 * mon');
    } catch (e) {
      expect((e as { code: string }).code).toBe('CONFIG_INVALID');
    }
  });

  it('a coordinator that was down runs a missed fire once, the last one', () => {
    const s = parseSchedule(DEFAULT_SCHEDULE);
    expect(iso(missedFire(s, at('2026-10-01T02:00:00Z'), at('2026-12-05T00:00:00Z')))).toBe('2026-12-01T02:00:00.000Z');
    expect(missedFire(s, at('2026-12-01T02:00:00Z'), at('2026-12-05T00:00:00Z'))).toBeUndefined();
    // Every minute, a year down: still answers at once with the last minute.
    const every = parseSchedule('* * * * *');
    expect(iso(missedFire(every, at('2025-12-01T00:00:00Z'), at('2026-12-05T00:00:30Z')))).toBe('2026-12-05T00:00:00.000Z');
  });
});
