/**
 * Local binning at one site (issue 15): every characteristic of the site is cut into bins from
 * the site's own training rows, in the clear, before anything leaves the site. Bin edges never
 * leave the site: only sums of the bank's (encrypted) labels over whole bins are ever released
 * (models/scorecard/README.md), and only over bins of at least the minimum size, so the minimum
 * is enforced here, before any label enters.
 *
 * - A numeric column is cut at equal frequency (quantiles) into at most `bins` bins. Cuts are
 *   values of the column and a bin is (previous cut, cut]: equal values always fall in one bin,
 *   so heavy ties (integer codes, many zeros) give fewer bins, never a split tie.
 * - Missing cells (NaN) form a bin of their own.
 * - The one-hot columns of a categorical column (`column=level`, docs/feature-tables.md) form
 *   one characteristic with a bin per level; a row with no level set (or NaN) is missing.
 * - Small bins are merged until every bin holds at least `minSize` training rows: a numeric bin
 *   with its smaller neighbour, a level (or the missing bin) with the smallest other bin. The
 *   merge looks at counts only: no label is involved, so it can run before any is released.
 *   A characteristic left with a single bin carries no information and is not binned at all.
 *
 * Where an enterprise falls is a pure function of the stored characteristic (`binOf`), used for
 * the training rows, the validation rows and for scoring one enterprise later. A value the
 * training rows never showed (a level with no training row, a missing cell when no training row
 * had one) falls in no bin: `binOf` answers NEUTRAL and the scorecard gives it WOE 0, the
 * population's own odds.
 */
import { FedcreditError } from '../../lib/errors.js';

/** Where a value the training rows never showed falls: no bin (WOE 0). */
export const NEUTRAL = -1;

export interface BinningOptions {
  /** Bins per numeric characteristic before merging (equal frequency). */
  readonly bins: number;
  /** Fewest training rows a bin may hold. */
  readonly minSize: number;
}

export const DEFAULT_BINS = 10;
export const DEFAULT_MIN_BIN_COUNT = 50;
export const DEFAULT_MIN_BIN_SHARE = 0.05;

/** The minimum bin size for `samples` training rows: at least `count` rows and `share` of them. */
export function minBinSize(samples: number, count = DEFAULT_MIN_BIN_COUNT, share = DEFAULT_MIN_BIN_SHARE): number {
  return Math.max(count, Math.ceil(share * samples));
}

/** A numeric characteristic: bin i holds (cuts[i-1], cuts[i]]; the last bin everything above the last cut. */
export interface NumericCharacteristic {
  readonly type: 'numeric';
  readonly name: string;
  /** Index of its column among the site's features. */
  readonly columns: readonly number[];
  readonly cuts: readonly number[];
  /** Bin of a missing cell: its own (the last bin), a merged one, or NEUTRAL when no training row was missing. */
  readonly missingBin: number;
  /** Training rows per bin. */
  readonly counts: readonly number[];
  /** Human-readable bin labels, for the site's own report (never sent). */
  readonly labels: readonly string[];
}

/** A categorical characteristic: the one-hot columns `name=level`, a bin per level (after merging). */
export interface CategoricalCharacteristic {
  readonly type: 'categorical';
  readonly name: string;
  readonly columns: readonly number[];
  /** Bin of each column's level (NEUTRAL for a level no training row had). */
  readonly levelBins: readonly number[];
  readonly missingBin: number;
  readonly counts: readonly number[];
  readonly labels: readonly string[];
}

export type Characteristic = NumericCharacteristic | CategoricalCharacteristic;

/** Group a site's features into characteristics: `col=level` columns by `col`, each other column alone. */
export function characteristicsOf(features: readonly string[]): { name: string; columns: number[]; categorical: boolean }[] {
  const out: { name: string; columns: number[]; categorical: boolean }[] = [];
  const groups = new Map<string, { name: string; columns: number[]; categorical: boolean }>();
  features.forEach((f, i) => {
    const eq = f.indexOf('=');
    if (eq <= 0) {
      out.push({ name: f, columns: [i], categorical: false });
      return;
    }
    const name = f.slice(0, eq);
    let g = groups.get(name);
    if (!g) {
      g = { name, columns: [], categorical: true };
      groups.set(name, g);
      out.push(g);
    }
    g.columns.push(i);
  });
  return out;
}

/** The bin of one row (a site's feature vector in the site's feature order). */
export function binOf(c: Characteristic, row: ArrayLike<number>): number {
  if (c.type === 'numeric') {
    const v = row[c.columns[0]!];
    if (v === undefined || Number.isNaN(v)) return c.missingBin;
    // First cut at or above v; cuts are few (<= bins), a linear scan is fastest.
    for (let i = 0; i < c.cuts.length; i++) if (v <= c.cuts[i]!) return i;
    return c.cuts.length;
  }
  let level = -1;
  for (let k = 0; k < c.columns.length; k++) {
    const v = row[c.columns[k]!];
    if (v === 1) {
      level = k;
      break;
    }
  }
  return level < 0 ? c.missingBin : c.levelBins[level]!;
}

/** Bin every row: the bin index of each row (NEUTRAL where the value is unseen). */
export function assignBins(c: Characteristic, rows: readonly ArrayLike<number>[]): Int32Array {
  const out = new Int32Array(rows.length);
  rows.forEach((r, i) => (out[i] = binOf(c, r)));
  return out;
}

function checkOptions(o: BinningOptions): void {
  if (!Number.isInteger(o.bins) || o.bins < 2 || o.bins > 100) throw new FedcreditError('BAD_REQUEST', `scorecard: bins must be a whole number from 2 to 100, got ${o.bins}`);
  if (!Number.isInteger(o.minSize) || o.minSize < 1) throw new FedcreditError('BAD_REQUEST', `scorecard: the minimum bin size must be a positive whole number, got ${o.minSize}`);
}

/** Equal-frequency cuts of sorted present values, ties kept whole. */
function quantileCuts(sorted: Float64Array, bins: number): number[] {
  const cuts: number[] = [];
  const n = sorted.length;
  for (let j = 1; j < bins; j++) {
    const at = Math.round((j * n) / bins);
    if (at <= 0 || at >= n) continue;
    const cut = sorted[at - 1]!;
    // A cut equal to the largest value would leave the last bin empty.
    if (cut >= sorted[n - 1]!) continue;
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]!) cuts.push(cut);
  }
  return cuts;
}

/** Counts per bin of sorted values for these cuts. */
function countBetween(sorted: Float64Array, cuts: readonly number[]): number[] {
  const counts = new Array<number>(cuts.length + 1).fill(0);
  let b = 0;
  for (const v of sorted) {
    while (b < cuts.length && v > cuts[b]!) b++;
    counts[b]!++;
  }
  return counts;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/**
 * The value bins of one numeric column of the training rows: quantile cuts, ties whole, small
 * bins merged with their smaller neighbour; the missing cells counted apart (the scorecard then
 * merges a small missing bin, boosted trees keep it: models/trees/binned.ts). The caller checks
 * the options against its own ranges (the scorecard's bins go to 100, the trees' to 255).
 */
export function valueBins(column: number, rows: readonly ArrayLike<number>[], o: BinningOptions): { cuts: number[]; counts: number[]; missing: number } {
  const present: number[] = [];
  let missing = 0;
  for (const r of rows) {
    const v = r[column];
    if (v === undefined || Number.isNaN(v)) missing++;
    else present.push(v);
  }
  const sorted = Float64Array.from(present).sort();
  const cuts = present.length > 0 ? quantileCuts(sorted, o.bins) : [];
  const counts = present.length > 0 ? countBetween(sorted, cuts) : [];
  // Merge a small bin with its smaller neighbour, smallest first, until all qualify.
  for (;;) {
    if (counts.length <= 1) break;
    let smallest = 0;
    for (let b = 1; b < counts.length; b++) if (counts[b]! < counts[smallest]!) smallest = b;
    if (counts[smallest]! >= o.minSize) break;
    const left = smallest - 1;
    const right = smallest + 1;
    const into = right >= counts.length || (left >= 0 && counts[left]! <= counts[right]!) ? left : right;
    // Merging bins b and b+1 removes the cut between them.
    const lo = Math.min(into, smallest);
    cuts.splice(lo, 1);
    counts[lo] = counts[lo]! + counts[lo + 1]!;
    counts.splice(lo + 1, 1);
  }
  return { cuts, counts, missing };
}

/** Bin one numeric column of the training rows. */
export function binNumeric(name: string, column: number, rows: readonly ArrayLike<number>[], o: BinningOptions): NumericCharacteristic | undefined {
  checkOptions(o);
  const { cuts, counts: valueCounts, missing } = valueBins(column, rows, o);
  let counts = valueCounts;
  // The missing cells: a bin of their own when large enough, else merged with the smallest bin.
  let missingBin = NEUTRAL;
  if (missing > 0) {
    if (missing >= o.minSize || counts.length === 0) {
      counts = [...counts, missing];
      missingBin = counts.length - 1;
    } else {
      missingBin = counts.indexOf(Math.min(...counts));
      counts[missingBin] = counts[missingBin]! + missing;
    }
  }
  if (counts.length < 2 || counts.some((c) => c < o.minSize)) return undefined;
  return { type: 'numeric', name, columns: [column], cuts, missingBin, counts, labels: numericLabels(cuts, missingBin) };
}

/** A numeric characteristic's bin labels, for the site's own report (never sent). */
export function numericLabels(cuts: readonly number[], missingBin: number): string[] {
  const numericBins = cuts.length + 1;
  const labels = Array.from({ length: numericBins }, (_, b) => {
    const range = numericBins === 1 ? 'any value' : b === 0 ? `<= ${fmt(cuts[0]!)}` : b === cuts.length ? `> ${fmt(cuts[b - 1]!)}` : `(${fmt(cuts[b - 1]!)}, ${fmt(cuts[b]!)}]`;
    return missingBin === b ? `${range} or missing` : range;
  });
  if (missingBin === numericBins) labels.push('missing');
  return labels;
}

/** Bin one categorical characteristic (its one-hot columns) of the training rows. */
export function binCategorical(name: string, columns: readonly number[], levelNames: readonly string[], rows: readonly ArrayLike<number>[], o: BinningOptions): CategoricalCharacteristic | undefined {
  checkOptions(o);
  // Groups: one per level, and the missing group last.
  const groupCounts = new Array<number>(columns.length + 1).fill(0);
  for (const r of rows) {
    let level = columns.length;
    for (let k = 0; k < columns.length; k++) {
      if (r[columns[k]!] === 1) {
        level = k;
        break;
      }
    }
    groupCounts[level]!++;
  }
  // Each non-empty group is a bin; an empty one stays NEUTRAL. Bins are sets of groups.
  let bins: number[][] = [];
  groupCounts.forEach((c, g) => {
    if (c > 0) bins.push([g]);
  });
  const size = (b: number[]): number => b.reduce((s, g) => s + groupCounts[g]!, 0);
  // Merge the smallest bin into the next smallest, until all qualify.
  while (bins.length > 1) {
    const order = bins.map((b, i) => ({ i, n: size(b) })).sort((a, b) => a.n - b.n || a.i - b.i);
    if (order[0]!.n >= o.minSize) break;
    const [a, b] = [order[0]!.i, order[1]!.i].sort((x, y) => x - y) as [number, number];
    bins[a] = [...bins[a]!, ...bins[b]!].sort((x, y) => x - y);
    bins = bins.filter((_, i) => i !== b);
  }
  if (bins.length < 2 || bins.some((b) => size(b) < o.minSize)) return undefined;
  const binOfGroup = new Array<number>(columns.length + 1).fill(NEUTRAL);
  bins.forEach((b, i) => b.forEach((g) => (binOfGroup[g] = i)));
  return {
    type: 'categorical', name, columns: [...columns],
    levelBins: binOfGroup.slice(0, columns.length), missingBin: binOfGroup[columns.length]!,
    counts: bins.map(size),
    labels: bins.map((b) => b.map((g) => (g === columns.length ? 'missing' : levelNames[g]!)).join(', ')),
  };
}

/** Bin every characteristic of a site; those that do not give two bins of the minimum size are listed apart. */
export function binSite(features: readonly string[], rows: readonly ArrayLike<number>[], o: BinningOptions): { binned: Characteristic[]; unbinnable: string[] } {
  checkOptions(o);
  const binned: Characteristic[] = [];
  const unbinnable: string[] = [];
  for (const g of characteristicsOf(features)) {
    const c = g.categorical
      ? binCategorical(g.name, g.columns, g.columns.map((i) => features[i]!.slice(g.name.length + 1)), rows, o)
      : binNumeric(g.name, g.columns[0]!, rows, o);
    if (c) binned.push(c);
    else unbinnable.push(g.name);
  }
  return { binned, unbinnable };
}

/**
 * Differencing screen (README.md, residual risks): the minimum bounds each released bin, but two
 * bins A and B of different characteristics whose symmetric difference is small would let the
 * site subtract their released sums and learn the labels of the few enterprises in between. A
 * characteristic with a bin that differs from an already kept bin by 1 to minSize - 1
 * enterprises is withheld (kept in order; identical bins release nothing new and pass). Pairwise
 * only: a combination of three or more bins is not screened.
 */
export function screenDifferences(binned: readonly Characteristic[], bins: readonly Int32Array[], minSize: number): { kept: number[]; withheld: { index: number; reason: string }[] } {
  const kept: number[] = [];
  const withheld: { index: number; reason: string }[] = [];
  for (let j = 0; j < binned.length; j++) {
    const a = binned[j]!;
    let clash: string | undefined;
    for (const k of kept) {
      const b = binned[k]!;
      // Contingency of the two characteristics' bins over the training rows.
      const inter = new Int32Array(a.counts.length * b.counts.length);
      const bj = bins[j]!;
      const bk = bins[k]!;
      for (let i = 0; i < bj.length; i++) if (bj[i]! >= 0 && bk[i]! >= 0) inter[bj[i]! * b.counts.length + bk[i]!]!++;
      for (let x = 0; x < a.counts.length && !clash; x++) {
        for (let y = 0; y < b.counts.length; y++) {
          const diff = a.counts[x]! + b.counts[y]! - 2 * inter[x * b.counts.length + y]!;
          if (diff > 0 && diff < minSize) {
            clash = `a bin differs from one of ${b.name} by ${diff} enterprises, fewer than ${minSize}`;
            break;
          }
        }
      }
      if (clash) break;
    }
    if (clash) withheld.push({ index: j, reason: clash });
    else kept.push(j);
  }
  return { kept, withheld };
}
