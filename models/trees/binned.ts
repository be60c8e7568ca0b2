/**
 * A site's feature rows as the binned columns boosted trees split on (docs/design/secureboost.md
 * section 1): the scorecard's binning (models/scorecard/binning.ts `valueBins`: equal-frequency
 * cuts over the training rows, ties never split, bins under `minBinCount` merged with their
 * smaller neighbour), with one difference the trees need: the missing cells are a bin of their
 * own, the last index, **never merged** into a value bin, whatever their count: it is what the
 * default direction is learned from. A missing bin under `minBinCount` is kept and flagged
 * `smallMissing` (section 4.4 then keeps it out of any released cell under `minCellCount`).
 *
 * Cuts come from the training rows only; `applyBins` puts validation and scoring rows in the
 * same bins. A value bin holds (previous cut, cut], as binning.ts's `binOf`. A missing value in a
 * feature whose training rows had none has no missing bin to go to: it falls in the value bin
 * with the most training rows, which is where a split's default direction (the child with more
 * hessian when a node has no missing rows, split.ts) most often sends it.
 *
 * Every column is binned as a number, one-hot `col=level` columns included (a 0/1 column gives two
 * bins); section 1's "one characteristic per categorical group, levels ordered by name" is not
 * built here (models/trees/README.md, open points).
 */
import { valueBins } from '../scorecard/binning.js';
import type { BinnedColumn } from './plain.js';

export interface BinnedFeature {
  readonly name: string;
  /** Bin index per row, 0..binCount-1 (binCount <= 255: section 1's Uint8Array). */
  readonly bins: Uint8Array;
  /** Value bins (cuts.length + 1) plus the missing bin when the training rows had missing cells. */
  readonly binCount: number;
  /** The missing bin (binCount - 1) or -1 when no training row was missing. */
  readonly missing: number;
  /** Value bin b holds (cuts[b-1], cuts[b]]; the last value bin everything above the last cut. */
  readonly cuts: readonly number[];
  /** The missing bin holds fewer than `minBinCount` training rows (kept anyway, see above). */
  readonly smallMissing: boolean;
  /** Value bin with the most training rows: where an unexpected missing value goes. */
  readonly fallback: number;
}

export interface BinOptions {
  /** Equal-frequency bins per feature before merging (section 9 `bins`, default 32). */
  readonly bins: number;
  /** Fewest training rows in a value bin (section 9 `minBinCount`, default 50). */
  readonly minBinCount: number;
}

/** The bins of one value under a feature's training cuts. */
export function binOfValue(f: Pick<BinnedFeature, 'cuts' | 'missing' | 'fallback'>, v: number | undefined): number {
  if (v === undefined || Number.isNaN(v)) return f.missing >= 0 ? f.missing : f.fallback;
  // Cuts are few (<= bins): a linear scan, as binning.ts's binOf.
  for (let i = 0; i < f.cuts.length; i++) if (v <= f.cuts[i]!) return i;
  return f.cuts.length;
}

function checkRows(fn: string, features: readonly string[], rows: readonly ArrayLike<number>[]): void {
  rows.forEach((r, i) => {
    if (r.length !== features.length) throw new RangeError(`${fn}: row ${i} has ${r.length} values but there are ${features.length} features; pass rows in the site's feature order`);
  });
}

/**
 * Bins every feature of a site from its training rows: one entry per feature, in order (a
 * constant feature gets a single value bin and can only split value against missing).
 */
export function binColumns(features: readonly string[], rows: readonly ArrayLike<number>[], bins: BinOptions): BinnedFeature[] {
  if (!Number.isInteger(bins.bins) || bins.bins < 2 || bins.bins > 255) throw new RangeError(`binColumns: bins must be a whole number from 2 to 255, got ${bins.bins}`);
  if (!Number.isInteger(bins.minBinCount) || bins.minBinCount < 1) throw new RangeError(`binColumns: minBinCount must be a positive whole number, got ${bins.minBinCount}`);
  if (rows.length === 0) throw new RangeError('binColumns: no training rows; bin a site with at least one row');
  checkRows('binColumns', features, rows);
  return features.map((name, j) => {
    const { cuts, counts, missing } = valueBins(j, rows, { bins: bins.bins, minSize: bins.minBinCount });
    const valueCount = Math.max(1, cuts.length + 1);
    const binCount = valueCount + (missing > 0 ? 1 : 0);
    if (binCount > 255) throw new RangeError(`binColumns: feature ${name} has ${binCount} bins with its missing bin; at most 255 fit a bin index (ask for fewer bins)`);
    let fallback = 0;
    for (let b = 1; b < counts.length; b++) if (counts[b]! > counts[fallback]!) fallback = b;
    const f = { name, cuts, missing: missing > 0 ? valueCount : -1, fallback };
    const out = new Uint8Array(rows.length);
    rows.forEach((r, i) => (out[i] = binOfValue(f, r[j])));
    return { ...f, bins: out, binCount, smallMissing: missing > 0 && missing < bins.minBinCount };
  });
}

/** Validation or scoring rows in the training bins of `binned` (same feature order). */
export function applyBins(binned: readonly BinnedFeature[], rows: readonly ArrayLike<number>[]): Uint8Array[] {
  checkRows('applyBins', binned.map((f) => f.name), rows);
  return binned.map((f, j) => {
    const out = new Uint8Array(rows.length);
    rows.forEach((r, i) => (out[i] = binOfValue(f, r[j])));
    return out;
  });
}

/**
 * One site's training and validation rows as plain.ts's columns over the pooled rows (training
 * rows first, then validation rows), binned on the training rows only.
 */
export function siteColumns(owner: string, features: readonly string[], train: readonly ArrayLike<number>[], validation: readonly ArrayLike<number>[], bins: BinOptions): BinnedColumn[] {
  const binned = binColumns(features, train, bins);
  const later = applyBins(binned, validation);
  return binned.map((f, j) => {
    const all = new Uint8Array(train.length + validation.length);
    all.set(f.bins, 0);
    all.set(later[j]!, train.length);
    return { owner, name: f.name, bins: all, binCount: f.binCount, missing: f.missing };
  });
}
