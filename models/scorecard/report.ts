/**
 * The scorecard's section of the evaluation report (issue 15 "Report"): per characteristic its
 * bins, counts, event rates, WOE, IV and points, as far as each reader may see them
 * (models/scorecard/README.md, "The report: who sees what").
 *
 * The bank writes this section: it holds the labels and its own bins, so its characteristics go
 * in whole. Bins are named without their values, "bin 3 of 8" or "missing" (bin edges never leave
 * a site); a categorical characteristic's bins keep their level names, which are the public
 * schema's (docs/feature-tables.md), not data. Per-bin counts, events and event rates are
 * aggregates of the bank's own labels over bins of at least the minimum bin size (50 and 5% by
 * default), the same kind of aggregate as the report's calibration deciles; a bin under the
 * report's minimum cell size would show its count only (it cannot happen at the floor of 20).
 * Points are before the Platt recalibration (scoring multiplies every bin's points by its slope).
 *
 * A passive site's characteristics are not in this section: the bank does not know them, and the
 * coordinator may not learn their counts, WOE, IV or points. The model's metadata lists them by
 * name (chosen or dropped, and the number of bins: `sites[].transforms`), and `formatScorecard`
 * prints them as rows held at their site.
 */
import { DEFAULT_MIN_CELL_SIZE } from '../../evaluation/model-evaluation.js';
import { Shape, fields, oneOf } from '../../evaluation/stored-form.js';
import type { Characteristic } from './binning.js';
import type { ScorecardPart, StoredCharacteristic } from './part.js';

export interface ScorecardReportBin {
  /** "bin k of n", "missing", or a categorical characteristic's level name(s). */
  readonly bin: string;
  readonly count: number;
  /** Defaults in the bin, and their rate; null for a bin under the report's minimum cell size. */
  readonly events: number | null;
  readonly eventRate: number | null;
  readonly woe: number | null;
  readonly points: number | null;
}

export interface ScorecardReportCharacteristic {
  readonly name: string;
  readonly type: 'numeric' | 'categorical';
  readonly iv: number;
  /** The joint LR's weight of its standardized WOE. */
  readonly weight: number;
  readonly bins: readonly ScorecardReportBin[];
  /** Points of a value the training split never showed (WOE 0). */
  readonly unseenPoints: number;
}

export interface ScorecardReport {
  /** The site that wrote it (the bank). */
  readonly site: string;
  /** Smallest bin of the job: max(minBinCount, minBinShare x training enterprises). */
  readonly minBinSize: number;
  /** The bank's constant points (intercept), before recalibration. */
  readonly constantPoints: number;
  readonly characteristics: readonly ScorecardReportCharacteristic[];
  /** The bank's characteristics not in the model, and why (in words, without the site's numbers). */
  readonly dropped: readonly { readonly name: string; readonly why: string }[];
  /** What the report's bank-only baseline is: the bank's own scorecard (same bins, WOE, selection), or LR on its values when it chose no characteristic. */
  readonly bankOnly: 'bank-scorecard' | 'bank-lr';
}

/** The report's name of each bin of a characteristic: no bin edge, ever. */
export function binNames(c: Characteristic): string[] {
  if (c.type === 'categorical') return [...c.labels];
  const valueBins = c.labels.filter((l) => l !== 'missing').length;
  let k = 0;
  return c.labels.map((l) => (l === 'missing' ? 'missing' : `bin ${++k} of ${valueBins}`));
}

/** Why a characteristic was dropped, in words without a number of the site's. */
export function dropReason(reason: string): string {
  if (/^IV .* below /.test(reason)) return 'dropped: IV below the job\'s minimum';
  if (/beyond the \d+ strongest/.test(reason)) return 'dropped: not among the strongest by IV';
  if (/^no two bins/.test(reason)) return 'dropped: fewer than two bins of the minimum size';
  if (/^VIF /.test(reason)) return 'dropped: VIF above the job\'s maximum (collinear with the site\'s other characteristics)';
  if (/differs from one of/.test(reason)) return 'withheld: a bin nearly equal to another characteristic\'s (differencing screen)';
  return 'dropped';
}

/** The bank's section, from its stored part. */
export function bankScorecardReport(site: string, part: ScorecardPart, minBinSize: number, bankOnly: ScorecardReport['bankOnly']): ScorecardReport {
  const row = (c: StoredCharacteristic): ScorecardReportCharacteristic => {
    const names = binNames(c);
    return {
      name: c.name, type: c.type, iv: c.iv, weight: c.weight, unseenPoints: c.neutralPoints,
      bins: c.counts.map((n, b) => {
        const shown = n >= DEFAULT_MIN_CELL_SIZE;
        return {
          bin: names[b]!, count: n, events: shown ? c.events[b]! : null, eventRate: shown ? c.events[b]! / n : null,
          woe: shown ? c.woe[b]! : null, points: shown ? c.points[b]! : null,
        };
      }),
    };
  };
  return {
    site, minBinSize, constantPoints: part.constantPoints ?? 0, characteristics: part.characteristics.map(row),
    dropped: part.dropped.map((d) => ({ name: d.name, why: dropReason(d.reason) })), bankOnly,
  };
}

function finite(s: Shape, v: unknown, o: { min?: number; max?: number; int?: boolean; nullable?: boolean } = {}): number | null {
  if (v === null && o.nullable) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) s.fail(`must be a finite number${o.nullable ? ' or null' : ''}, got ${JSON.stringify(v)}`);
  if (o.int && !Number.isInteger(v)) s.fail(`must be an integer, got ${v}`);
  if (o.min !== undefined && v < o.min) s.fail(`must be >= ${o.min}, got ${v}`);
  if (o.max !== undefined && v > o.max) s.fail(`must be <= ${o.max}, got ${v}`);
  return v;
}

function text(s: Shape, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 400) s.fail('must be a string of 1 to 400 characters');
  return v;
}

function listOf(s: Shape, v: unknown, max: number, item: (s: Shape, v: unknown) => unknown): unknown[] {
  if (!Array.isArray(v)) s.fail('must be an array');
  if (v.length > max) s.fail(`has ${v.length} entries, at most ${max} allowed`);
  return v.map((x, i) => item(s.at(i), x));
}

/** Shape check of a stored section (evaluation/report.ts parseEvaluationReport): no unknown field, bins of at least the minimum size. */
export function checkScorecardReport(s: Shape, v: unknown): ScorecardReport {
  const r = fields(s, v, {
    site: text,
    minBinSize: (s2, v2) => finite(s2, v2, { int: true, min: 1 }),
    constantPoints: (s2, v2) => finite(s2, v2),
    characteristics: (s2, v2) => listOf(s2, v2, 1000, (s3, v3) => fields(s3, v3, {
      name: text, type: oneOf(['numeric', 'categorical'] as const), iv: (s4, v4) => finite(s4, v4, { min: 0 }), weight: (s4, v4) => finite(s4, v4),
      bins: (s4, v4) => listOf(s4, v4, 200, (s5, v5) => fields(s5, v5, {
        bin: text, count: (s6, v6) => finite(s6, v6, { int: true, min: 1 }), events: (s6, v6) => finite(s6, v6, { int: true, min: 0, nullable: true }),
        eventRate: (s6, v6) => finite(s6, v6, { min: 0, max: 1, nullable: true }), woe: (s6, v6) => finite(s6, v6, { nullable: true }), points: (s6, v6) => finite(s6, v6, { nullable: true }),
      })),
      unseenPoints: (s4, v4) => finite(s4, v4),
    })),
    dropped: (s2, v2) => listOf(s2, v2, 1000, (s3, v3) => fields(s3, v3, { name: text, why: text })),
    bankOnly: oneOf(['bank-scorecard', 'bank-lr'] as const),
  }) as unknown as ScorecardReport;
  r.characteristics.forEach((c, j) => c.bins.forEach((b, k) => {
    const at = s.at('characteristics').at(j).at('bins').at(k);
    if (b.count < r.minBinSize) at.at('count').fail(`is ${b.count}, under the job's minimum bin size ${r.minBinSize}`);
    if (b.events !== null && b.events > b.count) at.at('events').fail(`is ${b.events}, more than the bin's ${b.count} enterprises`);
  }));
  return r;
}
