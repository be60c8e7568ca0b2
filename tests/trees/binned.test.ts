/**
 * binned.ts (docs/design/secureboost.md section 1): the scorecard's quantile bins (same cuts as
 * binning.ts for the value bins), the missing bin last and never merged even when small
 * (flagged), validation rows in the training bins, an unexpected missing value in the most
 * populous bin; and bank-alone.ts, the report's trees baseline: the bank's columns through
 * plain.ts, validation logits that beat chance on a bank signal and equal predictPlain's.
 */
import { describe, expect, it } from 'vitest';
import { auc } from '../../evaluation/metrics.js';
import { binNumeric } from '../../models/scorecard/binning.js';
import { trainBankAloneTrees } from '../../models/trees/bank-alone.js';
import { applyBins, binColumns, siteColumns } from '../../models/trees/binned.js';
import { sigmoid } from '../../models/trees/grow.js';
import { treeParams } from '../../models/trees/params.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 2 ** 32);
}

describe('binColumns / applyBins', () => {
  const rnd = lcg(9);
  // a: continuous with 3% missing (under minBinCount 50 at 1,000 rows); b: integer codes 0..4 (heavy ties); c: constant.
  const rows = Array.from({ length: 1000 }, () => Float64Array.of(rnd() < 0.03 ? NaN : rnd() * 100, Math.floor(rnd() * 5), 7));
  const bins = { bins: 32, minBinCount: 50 };
  const binned = binColumns(['a', 'b', 'c'], rows, bins);

  it("uses the scorecard's value bins, keeps a small missing bin last and flags it", () => {
    const [a, b, c] = binned as [typeof binned[0], typeof binned[0], typeof binned[0]];
    const sc = binNumeric('a', 0, rows, { bins: 32, minSize: 50 })!;
    expect(a.cuts).toEqual(sc.cuts);
    // The scorecard merges the small missing bin into a value bin; trees keep it apart.
    expect(sc.missingBin).toBeLessThan(sc.cuts.length + 1);
    expect(a.missing).toBe(a.cuts.length + 1);
    expect(a.binCount).toBe(a.cuts.length + 2);
    expect(a.smallMissing).toBe(true);
    const missingRows = rows.filter((r) => Number.isNaN(r[0]!)).length;
    expect(missingRows).toBeGreaterThan(0);
    expect(a.bins.filter((x) => x === a.missing).length).toBe(missingRows);
    // Every value bin holds at least minBinCount rows; ties are whole (b has 5 values, so at most 5 bins).
    for (let k = 0; k < a.cuts.length + 1; k++) expect(a.bins.filter((x) => x === k).length).toBeGreaterThanOrEqual(50);
    expect(b.binCount).toBeLessThanOrEqual(5);
    expect(b.missing).toBe(-1);
    rows.forEach((r, i) => expect(b.bins[i]).toBe(b.cuts.findIndex((cut) => r[1]! <= cut) === -1 ? b.cuts.length : b.cuts.findIndex((cut) => r[1]! <= cut)));
    expect(c.binCount).toBe(1);
    expect([...c.bins].every((x) => x === 0)).toBe(true);
  });

  it('puts validation rows in the training bins; a missing value never seen in training goes to the largest bin', () => {
    const later = [Float64Array.of(-5, 4, 7), Float64Array.of(1e9, NaN, 7), Float64Array.of(NaN, 0, NaN)];
    const [a, b, c] = applyBins(binned, later) as [Uint8Array, Uint8Array, Uint8Array];
    expect([...a]).toEqual([0, binned[0]!.cuts.length, binned[0]!.missing]);
    expect(b[1]).toBe(binned[1]!.fallback);
    expect(c[2]).toBe(0);
    const counts = Array.from({ length: binned[1]!.binCount }, (_, k) => binned[1]!.bins.filter((x) => x === k).length);
    expect(counts[binned[1]!.fallback]).toBe(Math.max(...counts));
    // The same row binned alone or among the training rows lands in the same bin.
    expect([...applyBins(binned, rows.slice(0, 50))[0]!]).toEqual([...binned[0]!.bins.slice(0, 50)]);
    const cols = siteColumns('tax', ['a', 'b', 'c'], rows, later, bins);
    expect(cols[0]!.bins.length).toBe(1003);
    expect(cols[0]!.owner).toBe('tax');
    expect([...cols[0]!.bins.slice(1000)]).toEqual([...a]);
  });

  it('refuses rows that do not match the feature list', () => {
    expect(() => binColumns(['a', 'b'], [Float64Array.of(1)], bins)).toThrow(/row 0 has 1 values but there are 2 features/);
    expect(() => binColumns(['a'], [], bins)).toThrow(/no training rows/);
    expect(() => binColumns(['a'], [Float64Array.of(1)], { bins: 256, minBinCount: 50 })).toThrow(/bins must be a whole number from 2 to 255/);
    // More bins than the scorecard allows (100) are the trees' to choose: 200 bins of 1-row ties.
    const many = binColumns(['a'], Array.from({ length: 400 }, (_, i) => Float64Array.of(i)), { bins: 200, minBinCount: 1 });
    expect(many[0]!.binCount).toBe(200);
  });
});

describe('trainBankAloneTrees', () => {
  it("trains on the bank's columns with the job's parameters and returns the kept trees' validation logits", () => {
    const rnd = lcg(21);
    const make = (n: number) => {
      const rows = Array.from({ length: n }, () => Float64Array.of(rnd() * 10, rnd() < 0.1 ? NaN : rnd(), rnd()));
      // Non-monotone in x0 (risky in the middle), missing x1 risky.
      const labels = rows.map((r) => (rnd() < sigmoid((Math.abs(r[0]! - 5) < 2 ? 1.5 : -1.5) + (Number.isNaN(r[1]!) ? 1 : 0)) ? 1 : 0));
      return { rows, labels };
    };
    const train = make(3000);
    const validation = make(1000);
    const params = treeParams({ jobSeed: 5, trees: 20, depth: 3, earlyStoppingRounds: 5 });
    const { validationLogits, info } = trainBankAloneTrees({
      features: ['x0', 'x1', 'x2'], trainRows: train.rows, trainLabels: train.labels, validationRows: validation.rows, validationLabels: validation.labels, params,
    });
    expect(validationLogits.length).toBe(1000);
    expect(info).toMatchObject({ method: 'joint-trees-bank-alone', features: 3, trainSamples: 3000, validationSamples: 1000 });
    expect(info.bestTree).toBeLessThan(info.treesGrown);
    const a = auc(validationLogits, validation.labels);
    console.log(`bank-alone trees on a non-monotone signal: validation AUC ${a.toFixed(4)}, ${info.treesGrown} trees grown, kept 0..${info.bestTree}`);
    expect(a).toBeGreaterThan(0.75);
    // Deterministic for the job's seed.
    const again = trainBankAloneTrees({ features: ['x0', 'x1', 'x2'], trainRows: train.rows, trainLabels: train.labels, validationRows: validation.rows, validationLabels: validation.labels, params });
    expect([...again.validationLogits]).toEqual([...validationLogits]);
    expect(() => trainBankAloneTrees({ features: ['x0'], trainRows: train.rows, trainLabels: train.labels, validationRows: [], validationLabels: [], params })).toThrow(/has 3 features but the bank has 1/);
  });
});
