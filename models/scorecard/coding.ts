/**
 * A site's scorecard columns, as pure functions of its own rows (no transport, no keys): the
 * binning it releases (binning.ts, with the differencing screen at a passive site) and, once its
 * bins' event counts are known, WOE, IV selection and the WOE-coded rows LR trains on (woe.ts).
 * kind-site.ts runs them inside the protocol; the quality test runs them on pooled data to build
 * the centralized scorecard with the same bins and the same selection.
 */
import { assignBins, binSite, minBinSize, screenDifferences, type Characteristic } from './binning.js';
import type { ScorecardParams } from './params.js';
import { selectByIv, woeRows, woeTable, type Selection, type WoeTable } from './woe.js';

/** A characteristic the site does not bin or release, and why. */
export interface Withheld { readonly name: string; readonly reason: string }

export interface SiteBins {
  readonly minSize: number;
  readonly binned: readonly Characteristic[];
  readonly withheld: readonly Withheld[];
  /** Bin of every training row, per binned characteristic. */
  readonly trainBins: readonly Int32Array[];
}

export function binForSite(role: 'bank' | 'passive', features: readonly string[], train: readonly ArrayLike<number>[], params: ScorecardParams): SiteBins {
  const minSize = minBinSize(train.length, params.minBinCount, params.minBinShare);
  const all = binSite(features, train, { bins: params.bins, minSize });
  let binned = all.binned;
  let trainBins = binned.map((c) => assignBins(c, train));
  const withheld: Withheld[] = all.unbinnable.map((name) => ({ name, reason: `no two bins of at least ${minSize} enterprises` }));
  if (role === 'passive') {
    // What a passive site releases must not difference down to fewer than minBinCount
    // enterprises (binning.ts): the absolute floor, not the 5% share, which bounds bins, not
    // differences (with 100k enterprises it would withhold every pair of correlated columns).
    const screen = screenDifferences(binned, trainBins, params.minBinCount);
    withheld.push(...screen.withheld.map((w) => ({ name: binned[w.index]!.name, reason: w.reason })));
    binned = screen.kept.map((j) => binned[j]!);
    trainBins = screen.kept.map((j) => trainBins[j]!);
  }
  return { minSize, binned, withheld, trainBins };
}

export interface SiteCoding {
  readonly tables: readonly WoeTable[];
  readonly selection: Selection;
  readonly chosen: readonly Characteristic[];
  readonly train: Float64Array[];
  readonly validation: Float64Array[];
}

/** WOE and IV from each bin's event counts, IV selection, and the coded rows of the chosen characteristics. */
export function codeForSite(bins: SiteBins, events: readonly (readonly number[])[], params: ScorecardParams, train: readonly ArrayLike<number>[], validation: readonly ArrayLike<number>[]): SiteCoding {
  const tables = bins.binned.map((c, j) => woeTable(c.counts, events[j]!));
  const selection = selectByIv(tables, params.minIv, params.maxCharacteristics);
  const chosen = selection.chosen.map((j) => bins.binned[j]!);
  const chosenTables = selection.chosen.map((j) => tables[j]!);
  return {
    tables, selection, chosen,
    train: woeRows(train, chosen, chosenTables, selection.chosen.map((j) => bins.trainBins[j]!)),
    validation: woeRows(validation, chosen, chosenTables, chosen.map((c) => assignBins(c, validation))),
  };
}
