/**
 * Local binning (models/scorecard/binning.ts), property style: for random columns with heavy
 * ties, skew and missing cells, every bin holds at least the minimum, no tie is split, every row
 * falls in exactly one bin, the counts add up, and missing cells get a bin of their own when
 * there are enough of them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NEUTRAL, assignBins, binCategorical, binNumeric, binSite, characteristicsOf, minBinSize, screenDifferences } from '../../models/scorecard/binning.js';
import { mulberry32 } from '../helpers/seeded.js';

const column = fc.record({
  // Small value sets give heavy ties; wide ones near-continuous values.
  distinct: fc.integer({ min: 1, max: 400 }),
  skew: fc.integer({ min: 1, max: 4 }),
  missingShare: fc.constantFrom(0, 0, 0.01, 0.1, 0.3),
  n: fc.integer({ min: 20, max: 1500 }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  bins: fc.integer({ min: 2, max: 20 }),
  minSize: fc.integer({ min: 1, max: 120 }),
});

const rng = mulberry32;

function makeRows(p: { distinct: number; skew: number; missingShare: number; n: number; seed: number }): Float64Array[] {
  const r = rng(p.seed);
  return Array.from({ length: p.n }, () => Float64Array.of(r() < p.missingShare ? NaN : Math.floor(r() ** p.skew * p.distinct) * 1.5 - 7));
}

describe('numeric binning', () => {
  it('never splits equal values, keeps every bin at the minimum, puts each row in one bin', () => {
    fc.assert(fc.property(column, (p) => {
      const rows = makeRows(p);
      const c = binNumeric('x', 0, rows, { bins: p.bins, minSize: p.minSize });
      if (!c) return;
      const bins = assignBins(c, rows);
      const counts = new Array<number>(c.counts.length).fill(0);
      for (const b of bins) {
        expect(b).toBeGreaterThanOrEqual(0);
        counts[b]!++;
      }
      expect(counts).toEqual(c.counts);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(rows.length);
      for (const k of c.counts) expect(k).toBeGreaterThanOrEqual(p.minSize);
      expect(c.counts.length).toBeGreaterThanOrEqual(2);
      expect(c.cuts.length + 1).toBeLessThanOrEqual(p.bins);
      // Ties: every present value maps to one bin, whichever row holds it.
      const seen = new Map<number, number>();
      rows.forEach((row, i) => {
        const v = row[0]!;
        if (Number.isNaN(v)) return;
        if (seen.has(v)) expect(bins[i]).toBe(seen.get(v));
        seen.set(v, bins[i]!);
      });
      // Bins are ordered by value: a larger value never falls in an earlier numeric bin.
      const present = rows.map((r, i) => [r[0]!, bins[i]!] as const).filter(([v, b]) => !Number.isNaN(v) && b <= c.cuts.length).sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < present.length; i++) expect(present[i]![1]).toBeGreaterThanOrEqual(present[i - 1]![1]);
      const missing = rows.filter((r) => Number.isNaN(r[0]!)).length;
      if (missing >= p.minSize) {
        expect(c.missingBin).toBe(c.cuts.length + 1);
        expect(c.counts[c.missingBin]).toBe(missing);
      }
      if (missing === 0) expect(c.missingBin).toBe(NEUTRAL);
    }), { numRuns: 150, seed: 15 });
  });

  it('gives equal-frequency bins on distinct values and a missing bin of its own', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => Float64Array.of(i < 100 ? NaN : i));
    const c = binNumeric('x', 0, rows, { bins: 10, minSize: 50 })!;
    expect(c.counts).toEqual([90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 100]);
    expect(c.missingBin).toBe(10);
    expect(c.labels[10]).toBe('missing');
    expect(c.labels[0]).toBe('<= 189');
  });

  it('a column that is one value (or too few rows) is not binned; values unseen in training still fall in a bin', () => {
    expect(binNumeric('x', 0, Array.from({ length: 500 }, () => Float64Array.of(3)), { bins: 10, minSize: 50 })).toBeUndefined();
    expect(binNumeric('x', 0, Array.from({ length: 60 }, (_, i) => Float64Array.of(i)), { bins: 10, minSize: 50 })).toBeUndefined();
    const c = binNumeric('x', 0, Array.from({ length: 500 }, (_, i) => Float64Array.of(i)), { bins: 5, minSize: 50 })!;
    expect(assignBins(c, [Float64Array.of(-1e9), Float64Array.of(1e9), Float64Array.of(NaN)])).toEqual(Int32Array.of(0, 4, NEUTRAL));
  });

  it('a few missing cells join the smallest bin instead of forming one under the minimum', () => {
    const rows = [...Array.from({ length: 400 }, (_, i) => Float64Array.of(i % 4)), ...Array.from({ length: 10 }, () => Float64Array.of(NaN))];
    const c = binNumeric('x', 0, rows, { bins: 4, minSize: 50 })!;
    expect(c.counts.length).toBe(4);
    expect(c.counts[c.missingBin]).toBe(110);
    expect(c.labels[c.missingBin]).toMatch(/or missing$/);
  });

  it('the minimum size is 50 enterprises and 5% of the sample by default', () => {
    expect(minBinSize(400)).toBe(50);
    expect(minBinSize(10_000)).toBe(500);
  });
});

describe('categorical binning', () => {
  it('groups the one-hot columns of a column into one characteristic', () => {
    expect(characteristicsOf(['a', 'rating=A', 'b', 'rating=B', 'rating=M'])).toEqual([
      { name: 'a', columns: [0], categorical: false },
      { name: 'rating', columns: [1, 3, 4], categorical: true },
      { name: 'b', columns: [2], categorical: false },
    ]);
  });

  it('a bin per level, small levels merged, every bin at the minimum, every row in one bin', () => {
    fc.assert(fc.property(fc.record({
      levels: fc.integer({ min: 1, max: 12 }), n: fc.integer({ min: 30, max: 1200 }), seed: fc.integer({ min: 1, max: 2 ** 30 }),
      minSize: fc.integer({ min: 1, max: 100 }), missingShare: fc.constantFrom(0, 0.05, 0.2),
    }), (p) => {
      const r = rng(p.seed);
      const rows = Array.from({ length: p.n }, () => {
        const row = new Float64Array(p.levels);
        if (r() >= p.missingShare) row[Math.floor(r() ** 2 * p.levels)] = 1;
        return row;
      });
      const levels = Array.from({ length: p.levels }, (_, k) => `L${k}`);
      const c = binCategorical('cat', levels.map((_, k) => k), levels, rows, { bins: 10, minSize: p.minSize });
      if (!c) return;
      const bins = assignBins(c, rows);
      const counts = new Array<number>(c.counts.length).fill(0);
      for (const b of bins) counts[b]!++;
      expect(counts).toEqual(c.counts);
      for (const k of c.counts) expect(k).toBeGreaterThanOrEqual(p.minSize);
      // Rows of one level always share a bin.
      for (let k = 0; k < p.levels; k++) {
        const of = rows.map((row, i) => (row[k] === 1 ? bins[i]! : -2)).filter((b) => b !== -2);
        expect(new Set(of).size).toBeLessThanOrEqual(1);
      }
    }), { numRuns: 150, seed: 15 });
  });

  it('large levels keep their own bins; a level no training row had is neutral', () => {
    const rows = [
      ...Array.from({ length: 200 }, () => Float64Array.of(1, 0, 0, 0)),
      ...Array.from({ length: 150 }, () => Float64Array.of(0, 1, 0, 0)),
      ...Array.from({ length: 30 }, () => Float64Array.of(0, 0, 1, 0)),
      ...Array.from({ length: 60 }, () => Float64Array.of(NaN, NaN, NaN, NaN)),
    ];
    const { binned, unbinnable } = binSite(['r=A', 'r=B', 'r=C', 'r=D'], rows, { bins: 10, minSize: 50 });
    expect(unbinnable).toEqual([]);
    const c = binned[0]!;
    expect(c.name).toBe('r');
    expect(c.counts).toEqual([200, 150, 90]);
    expect(c.labels).toEqual(['A', 'B', 'C, missing']);
    expect(c.type === 'categorical' && c.levelBins[3]).toBe(NEUTRAL);
  });
});

describe('differencing screen', () => {
  it('withholds a characteristic whose bins differ from a kept one by fewer than the minimum, and keeps identical or unrelated ones', () => {
    const n = 600;
    const r = rng(7);
    // x; x twice (identical bins); x with 20 rows moved across a cut; an unrelated column.
    const rows = Array.from({ length: n }, (_, i) => Float64Array.of(i, i, i < 20 ? i + 250 : i, Math.floor(r() * 1000)));
    const { binned } = binSite(['x', 'x_copy', 'x_nudged', 'other'], rows, { bins: 5, minSize: 50 });
    expect(binned.map((c) => c.name)).toEqual(['x', 'x_copy', 'x_nudged', 'other']);
    const screen = screenDifferences(binned, binned.map((c) => assignBins(c, rows)), 50);
    expect(screen.kept).toEqual([0, 1, 3]);
    expect(screen.withheld.map((w) => w.index)).toEqual([2]);
    expect(screen.withheld[0]!.reason).toMatch(/differs from one of x by \d+ enterprises, fewer than 50/);
  });

  it('every pair of kept characteristics differs by 0 or at least the minimum (random columns with ties)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 2 ** 30 }), { minLength: 2, maxLength: 5 }), (seeds) => {
      const n = 400;
      const base = rng(seeds[0]!);
      const shared = Array.from({ length: n }, () => Math.floor(base() * 30));
      const rows = Array.from({ length: n }, (_, i) => Float64Array.from(seeds, (sd, j) => (j === 0 ? shared[i]! : (rng(sd + i)() < 0.1 ? Math.floor(rng(sd * 7 + i)() * 30) : shared[i]!))));
      const { binned } = binSite(seeds.map((_, j) => `c${j}`), rows, { bins: 6, minSize: 40 });
      const bins = binned.map((c) => assignBins(c, rows));
      const { kept } = screenDifferences(binned, bins, 40);
      for (const a of kept) for (const b of kept) {
        if (a >= b) continue;
        for (let x = 0; x < binned[a]!.counts.length; x++) for (let y = 0; y < binned[b]!.counts.length; y++) {
          let diff = 0;
          for (let i = 0; i < n; i++) if ((bins[a]![i] === x) !== (bins[b]![i] === y)) diff++;
          expect(diff === 0 || diff >= 40).toBe(true);
        }
      }
    }), { numRuns: 40, seed: 15 });
  });
});
