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
import { mergeBins, remapBins } from './merge.js';
import { screenVif } from './vif.js';

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
  /** The characteristics after merging by event counts (merge.ts): what the site stores and scores by. */
  readonly binned: readonly Characteristic[];
  /** Bin of every training row after merging, per characteristic. */
  readonly trainBins: readonly Int32Array[];
  readonly tables: readonly WoeTable[];
  readonly selection: Selection;
  readonly chosen: readonly Characteristic[];
  readonly train: Float64Array[];
  readonly validation: Float64Array[];
}

/**
 * Merging by the bins' event counts (the job's binning method: the site's own counts at the bank,
 * the released ones at a passive site, merge.ts), WOE and IV, IV selection, the VIF screen on the
 * site's own WOE columns (vif.ts, `maxVif` 0 = off), and the coded rows of the chosen characteristics.
 */
export function codeForSite(bins: SiteBins, events: readonly (readonly number[])[], params: ScorecardParams, train: readonly ArrayLike<number>[], validation: readonly ArrayLike<number>[]): SiteCoding {
  const merged = bins.binned.map((c, j) => mergeBins(c, events[j]!, params.binningMethod ?? 'quantile'));
  const binned = merged.map((m) => m.characteristic);
  const trainBins = merged.map((m, j) => (m.characteristic === bins.binned[j] ? bins.trainBins[j]! : remapBins(bins.trainBins[j]!, m.map)));
  const tables = merged.map((m) => woeTable(m.characteristic.counts, m.events));
  let selection: Selection = selectByIv(tables, params.minIv, params.maxCharacteristics);
  const maxVif = params.maxVif ?? 0;
  if (maxVif > 0 && selection.chosen.length > 1) {
    const chosen = selection.chosen;
    const columns = chosen.map((j) => Float64Array.from(trainBins[j]!, (b) => (b < 0 ? tables[j]!.neutral : tables[j]!.coded[b]!)));
    const screen = screenVif(columns, chosen.map((j) => tables[j]!.iv), maxVif);
    selection = {
      chosen: screen.kept.map((k) => chosen[k]!),
      dropped: [...selection.dropped, ...screen.dropped.map((d) => ({ index: chosen[d.index]!, reason: `VIF ${Number.isFinite(d.vif) ? d.vif.toFixed(2) : 'infinite'} above ${maxVif}` }))],
    };
  }
  const chosen = selection.chosen.map((j) => binned[j]!);
  const chosenTables = selection.chosen.map((j) => tables[j]!);
  return {
    binned, trainBins, tables, selection, chosen,
    train: woeRows(train, chosen, chosenTables, selection.chosen.map((j) => trainBins[j]!)),
    validation: woeRows(validation, chosen, chosenTables, chosen.map((c) => assignBins(c, validation))),
  };
}
