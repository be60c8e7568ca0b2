/**
 * When the coordinator re-scores the portfolios (issue 21, docs/design/monitoring.md 2.1): a
 * five-field cron subset, `minute hour day-of-month month day-of-week`, in UTC only.
 *
 * Each field is `*`, a number, a range `a-b`, a step `*\/n` or `a-b/n`, or a comma list of
 * those. Day of week is 0-6 with 0 = Sunday (7 is accepted as Sunday too). As in Vixie cron,
 * when both day fields are restricted a day matches if either does ("the 1st and every
 * Monday"); when one is `*` only the other counts. No names (`JAN`, `MON`), no `@monthly`, no
 * time zones: UTC has no daylight-saving gaps, so a fire is never skipped or doubled.
 *
 * Our own ~120 lines rather than a dependency: the npm cron parsers bring time zones and
 * seconds fields we must then refuse, and the semantics above fit on one screen.
 */
import { FedcreditError } from '../lib/errors.js';

export interface Schedule {
  /** The spec as written, for messages and reports. */
  readonly spec: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
}

/** The default: 02:00 UTC on the first of every month. */
export const DEFAULT_SCHEDULE = '0 2 1 * *';

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

function invalid(spec: string, why: string): FedcreditError {
  return new FedcreditError(
    'CONFIG_INVALID',
    `monitoring schedule "${spec}": ${why}. Write five fields "minute hour day-of-month month day-of-week" in UTC, e.g. "${DEFAULT_SCHEDULE}" (02:00 on the 1st of each month)`,
  );
}

function parseField(spec: string, text: string, f: (typeof FIELDS)[number]): { values: Set<number>; restricted: boolean } {
  const values = new Set<number>();
  const num = (s: string): number => {
    if (!/^\d{1,2}$/.test(s)) throw invalid(spec, `the ${f.name} field has "${s}" where a number from ${f.min} to ${f.max} belongs`);
    const n = Number(s);
    if (n < f.min || n > f.max) throw invalid(spec, `the ${f.name} ${n} is outside ${f.min}-${f.max}`);
    return n;
  };
  for (const part of text.split(',')) {
    const m = /^([^/]+)(?:\/(.+))?$/.exec(part);
    if (!m) throw invalid(spec, `the ${f.name} field has an empty item in "${text}"`);
    const [, range, stepText] = m;
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = f.min;
      hi = f.name === 'day of week' ? 6 : f.max;
    } else if (range!.includes('-')) {
      const [a, b, ...rest] = range!.split('-');
      if (rest.length > 0 || a === undefined || b === undefined) throw invalid(spec, `the ${f.name} range "${range}" is not "a-b"`);
      lo = num(a);
      hi = num(b);
      if (lo > hi) throw invalid(spec, `the ${f.name} range "${range}" runs backwards`);
    } else {
      lo = num(range!);
      hi = stepText === undefined ? lo : f.name === 'day of week' ? 6 : f.max;
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d{1,2}$/.test(stepText) || Number(stepText) < 1) throw invalid(spec, `the ${f.name} step "/${stepText}" must be a whole number of at least 1`);
      step = Number(stepText);
    }
    for (let v = lo; v <= hi; v += step) values.add(f.name === 'day of week' && v === 7 ? 0 : v);
  }
  return { values, restricted: text !== '*' };
}

/** Parses a schedule; a bad one is `CONFIG_INVALID` naming the field and what to write. */
export function parseSchedule(spec: string): Schedule {
  const fields = spec.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0] === '') throw invalid(spec, `it has ${fields[0] === '' ? 0 : fields.length} fields, not 5`);
  const [mi, ho, dom, mo, dow] = fields.map((t, i) => parseField(spec, t, FIELDS[i]!));
  const schedule: Schedule = {
    spec: spec.trim(),
    minutes: mi!.values,
    hours: ho!.values,
    daysOfMonth: dom!.values,
    months: mo!.values,
    daysOfWeek: dow!.values,
    domRestricted: dom!.restricted,
    dowRestricted: dow!.restricted,
  };
  // "0 0 30 2 *" parses but never fires: say so now rather than wait forever.
  if (nextFire(schedule, Date.UTC(2000, 0, 1)) === undefined) throw invalid(spec, 'it names no day that exists (e.g. 30 February)');
  return schedule;
}

function dayMatches(s: Schedule, d: Date): boolean {
  const dom = s.daysOfMonth.has(d.getUTCDate());
  const dow = s.daysOfWeek.has(d.getUTCDay());
  if (s.domRestricted && s.dowRestricted) return dom || dow;
  if (s.domRestricted) return dom;
  if (s.dowRestricted) return dow;
  return true;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * The first fire strictly after `afterMs` (UTC), or undefined when none falls in the next
 * eight years (only a spec naming a day that never exists). Walks days, then the day's hours and
 * minutes: at most ~2,900 days, whatever the spec.
 */
export function nextFire(s: Schedule, afterMs: number): number | undefined {
  const start = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
  let day = Math.floor(start / DAY) * DAY;
  for (let i = 0; i < 8 * 366; i++, day += DAY) {
    const d = new Date(day);
    if (!s.months.has(d.getUTCMonth() + 1) || !dayMatches(s, d)) continue;
    for (let h = 0; h < 24; h++) {
      if (!s.hours.has(h)) continue;
      for (let m = 0; m < 60; m++) {
        if (!s.minutes.has(m)) continue;
        const t = day + h * 3_600_000 + m * MINUTE;
        if (t >= start) return t;
      }
    }
  }
  return undefined;
}

/** The last fire at or before `atMs` (UTC), or undefined when none falls in the eight years before. */
export function previousFire(s: Schedule, atMs: number): number | undefined {
  const end = Math.floor(atMs / MINUTE) * MINUTE;
  let day = Math.floor(end / DAY) * DAY;
  for (let i = 0; i < 8 * 366; i++, day -= DAY) {
    const d = new Date(day);
    if (!s.months.has(d.getUTCMonth() + 1) || !dayMatches(s, d)) continue;
    for (let h = 23; h >= 0; h--) {
      if (!s.hours.has(h)) continue;
      for (let m = 59; m >= 0; m--) {
        if (!s.minutes.has(m)) continue;
        const t = day + h * 3_600_000 + m * MINUTE;
        if (t <= end) return t;
      }
    }
  }
  return undefined;
}

/**
 * The fire a coordinator that was down missed, if any: the last fire in (lastRunMs, nowMs].
 * Several missed fires run once, not once each (design 2.1).
 */
export function missedFire(s: Schedule, lastRunMs: number, nowMs: number): number | undefined {
  const last = previousFire(s, nowMs);
  return last !== undefined && last > lastRunMs ? last : undefined;
}
