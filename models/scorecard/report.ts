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
import type { ScorecardReport, ScorecardReportCharacteristic } from './report-shape.js';
import type { Characteristic } from './binning.js';
import type { ScorecardPart, StoredCharacteristic } from './part.js';

export { checkScorecardReport, type ScorecardReport, type ScorecardReportBin, type ScorecardReportCharacteristic } from './report-shape.js';

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
