/**
 * Drift (issue 21, docs/design/monitoring.md section 5): how far a monitoring run's population
 * has moved from the one the model was validated on.
 *
 * - **PSI**, the population stability index of the joint score, computed by the coordinator
 *   (it sees every joint score already) against the score deciles captured at training.
 * - **CSI**, the same statistic per feature, computed by each site over its own features of the
 *   run's enterprises against bins captured from its own training split. Only the number (and
 *   its level) may leave the site: the bins and their shares never do.
 *
 * With `e_i` the reference share and `a_i` the run's share of bin `i`, each floored at 1e-4 so
 * an empty bin gives a large finite term rather than infinity:
 *
 *     PSI = sum_i (a_i - e_i) * ln(a_i / e_i)
 *
 * Levels follow the practice banks act on (and FATE's and SecretFlow's PSI components): below
 * 0.10 stable, from 0.10 warn (investigate), from 0.25 alarm (the population has moved:
 * re-validate or retrain). Under no drift PSI behaves like a chi-square statistic over
 * `(B - 1)(1/n + 1/m)` for B bins, n run items and m reference items: 0.0225 at n = 500,
 * m = 2,000 and 10 bins, well clear of 0.10; below 500 items a run is `insufficient`, no level.
 *
 * Bins follow models/scorecard/binning.ts: edges are values, bin i holds (edges[i-1], edges[i]],
 * ties stay in one bin, a bin under `minShare` of the rows joins its smaller neighbour. Missing
 * values (NaN) have a bin of their own.
 */
import { FedcreditError } from '../lib/errors.js';
import { binNumeric } from '../models/scorecard/binning.js';

/** A feature's (or the score's) distribution at training, as stored in the model. */
export interface BinnedReference {
  readonly feature: string;
  /** Ascending bin edges: bin i holds (edges[i-1], edges[i]], the last bin everything above. */
  readonly edges: readonly number[];
  /** Share of the present (non-missing) reference rows per bin, edges.length + 1 of them, over all rows. */
  readonly shares: readonly number[];
  /** Share of reference rows that were missing. */
  readonly missingShare: number;
  /** Reference rows. */
  readonly count: number;
}

export interface BinCounts {
  readonly bins: number[];
  readonly missing: number;
}

export type DriftLevel = 'stable' | 'warn' | 'alarm' | 'insufficient';

/** The fixed levels (documented in monitoring/README.md): at or above `warn`, at or above `alarm`. */
export const DRIFT_THRESHOLDS = { warn: 0.1, alarm: 0.25 } as const;
/** Fewest run items (CSI: items the site covers) for a level at all. */
export const MIN_DRIFT_COUNT = 500;
/** Bins of a reference before merging (deciles). */
export const REFERENCE_BINS = 10;
/** A reference bin under this share of the rows joins its neighbour. */
export const MIN_REFERENCE_SHARE = 0.01;
/**
 * Fewest training rows in a feature's reference bin at a site. The reference never leaves the
 * site, so this is for a stable statistic, not for privacy (the score deciles in the report
 * follow the report's minCellSize).
 */
export const REFERENCE_MIN_CELL = 20;
const FLOOR = 1e-4;

/**
 * The reference of one column from the training (or validation) rows: deciles of the present
 * values, small bins merged, plus the missing share. `minCell` is the fewest rows a bin may
 * hold (the report's minimum cell size), on top of `MIN_REFERENCE_SHARE`.
 */
export function referenceFrom(values: ArrayLike<number>, feature: string, minCell: number): BinnedReference {
  if (!Number.isInteger(minCell) || minCell < 1) throw new FedcreditError('BAD_REQUEST', `drift reference for ${feature}: the minimum cell size must be a positive whole number, got ${minCell}`);
  const present: number[][] = [];
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) missing++;
    else present.push([v]);
  }
  const count = values.length;
  if (count === 0) return { feature, edges: [], shares: [0], missingShare: 0, count: 0 };
  const minSize = Math.max(minCell, Math.ceil(MIN_REFERENCE_SHARE * present.length));
  // A column whose present values cannot fill two bins of minSize is one bin (binNumeric says
  // so by returning undefined): drift then shows only in its missing share.
  const binned = present.length > 0 ? binNumeric(feature, 0, present, { bins: REFERENCE_BINS, minSize }) : undefined;
  const edges = binned ? [...binned.cuts] : [];
  const counts = binned ? binned.counts.slice(0, edges.length + 1) : [present.length];
  return { feature, edges, shares: counts.map((c) => c / count), missingShare: missing / count, count };
}

/** Which bin of `edges` a present value falls in. */
export function binIndex(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v > edges[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts of a run's values in a reference's bins. */
export function countInto(reference: Pick<BinnedReference, 'edges'>, values: ArrayLike<number>): BinCounts {
  const bins = new Array<number>(reference.edges.length + 1).fill(0);
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) missing++;
    else bins[binIndex(reference.edges, v)]!++;
  }
  return { bins, missing };
}

/** Adds one run's counts into another's (a site counts batch by batch during a run). */
export function addCounts(into: BinCounts, more: BinCounts): void {
  if (into.bins.length !== more.bins.length) throw new Error(`addCounts: ${into.bins.length} bins and ${more.bins.length} bins`);
  for (let i = 0; i < more.bins.length; i++) into.bins[i] = into.bins[i]! + more.bins[i]!;
  (into as { missing: number }).missing = into.missing + more.missing;
}

/**
 * PSI (or CSI) of run counts against a reference. The missing bin takes part when either side
 * has missing values. An empty run is 0 (and `driftLevel` calls it insufficient).
 */
export function stabilityIndex(reference: BinnedReference, counts: BinCounts): number {
  if (counts.bins.length !== reference.shares.length) {
    throw new Error(`stabilityIndex(${reference.feature}): ${counts.bins.length} run bins against ${reference.shares.length} reference bins`);
  }
  const total = counts.bins.reduce((a, b) => a + b, 0) + counts.missing;
  if (total === 0) return 0;
  const term = (e: number, a: number): number => {
    const ef = Math.max(e, FLOOR);
    const af = Math.max(a, FLOOR);
    return (af - ef) * Math.log(af / ef);
  };
  let psi = 0;
  for (let i = 0; i < counts.bins.length; i++) psi += term(reference.shares[i]!, counts.bins[i]! / total);
  if (reference.missingShare > 0 || counts.missing > 0) psi += term(reference.missingShare, counts.missing / total);
  return psi;
}

/** The level of a PSI or CSI over `n` run items. */
export function driftLevel(x: number, n: number, minCount = MIN_DRIFT_COUNT): DriftLevel {
  if (n < minCount || !Number.isFinite(x)) return 'insufficient';
  if (x >= DRIFT_THRESHOLDS.alarm) return 'alarm';
  if (x >= DRIFT_THRESHOLDS.warn) return 'warn';
  return 'stable';
}

/** The highest level of several (insufficient lowest): a run's or a site's overall level. */
export function worstLevel(levels: Iterable<DriftLevel>): DriftLevel {
  const rank: Record<DriftLevel, number> = { insufficient: 0, stable: 1, warn: 2, alarm: 3 };
  let worst: DriftLevel = 'insufficient';
  for (const l of levels) if (rank[l] > rank[worst]) worst = l;
  return worst;
}
