/**
 * The stored form of the scorecard's report section (models/scorecard/report.ts writes it): its
 * types and the shape check evaluation/report.ts runs when it reads a report. Apart from
 * report.ts so that reading a report does not import the kind's parts (an import circle through
 * training/model-kind.ts).
 */
import { Shape, fields, num, oneOf } from '../../evaluation/stored-form.js';

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
    minBinSize: (s2, v2) => num(s2, v2, { int: true, min: 1 }),
    constantPoints: (s2, v2) => num(s2, v2),
    characteristics: (s2, v2) => listOf(s2, v2, 1000, (s3, v3) => fields(s3, v3, {
      name: text, type: oneOf(['numeric', 'categorical'] as const), iv: (s4, v4) => num(s4, v4, { min: 0 }), weight: (s4, v4) => num(s4, v4),
      bins: (s4, v4) => listOf(s4, v4, 200, (s5, v5) => fields(s5, v5, {
        bin: text, count: (s6, v6) => num(s6, v6, { int: true, min: 1 }), events: (s6, v6) => num(s6, v6, { int: true, min: 0, nullable: true }),
        eventRate: (s6, v6) => num(s6, v6, { min: 0, max: 1, nullable: true }), woe: (s6, v6) => num(s6, v6, { nullable: true }), points: (s6, v6) => num(s6, v6, { nullable: true }),
      })),
      unseenPoints: (s4, v4) => num(s4, v4),
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
