import { describe, expect, it } from 'vitest';
import { addCounts, binIndex, countInto, driftLevel, referenceFrom, stabilityIndex, worstLevel, type BinnedReference } from '../../monitoring/drift.js';
import { mulberry32 } from '../helpers/seeded.js';

const rng = mulberry32;

describe('drift: PSI and CSI', () => {
  it('matches a three-bin example computed by hand', () => {
    const reference: BinnedReference = { feature: 'x', edges: [10, 20], shares: [0.2, 0.5, 0.3], missingShare: 0, count: 1000 };
    // Run: 30 %, 40 %, 30 %.
    const counts = { bins: [300, 400, 300], missing: 0 };
    const byHand = (0.3 - 0.2) * Math.log(0.3 / 0.2) + (0.4 - 0.5) * Math.log(0.4 / 0.5) + 0;
    expect(byHand).toBeCloseTo(0.062861, 5);
    expect(stabilityIndex(reference, counts)).toBeCloseTo(byHand, 12);
  });

  it('counts the missing bin on either side and floors empty bins at 1e-4', () => {
    const reference: BinnedReference = { feature: 'x', edges: [5], shares: [0.45, 0.45], missingShare: 0.1, count: 100 };
    const counts = { bins: [50, 50], missing: 0 };
    const byHand = (0.5 - 0.45) * Math.log(0.5 / 0.45) * 2 + (1e-4 - 0.1) * Math.log(1e-4 / 0.1);
    expect(stabilityIndex(reference, counts)).toBeCloseTo(byHand, 12);
    expect(stabilityIndex(reference, counts)).toBeGreaterThan(0.25);
  });

  it('bins as the scorecard does: (previous edge, edge], ties in one bin, NaN missing', () => {
    expect(binIndex([10, 20], 10)).toBe(0);
    expect(binIndex([10, 20], 10.0001)).toBe(1);
    expect(binIndex([10, 20], 20)).toBe(1);
    expect(binIndex([10, 20], 21)).toBe(2);
    expect(binIndex([], 5)).toBe(0);
    expect(countInto({ edges: [10, 20] }, [1, 10, 15, 20, 25, NaN])).toEqual({ bins: [2, 2, 1], missing: 1 });
    const a = { bins: [1, 2, 3], missing: 1 };
    addCounts(a, { bins: [1, 1, 1], missing: 2 });
    expect(a).toEqual({ bins: [2, 3, 4], missing: 3 });
  });

  it('a reference from rows has at most ten bins, none under 1 % of the rows, shares summing to 1', () => {
    const r = rng(7);
    const values = Float64Array.from({ length: 5000 }, (_, i) => (i % 20 === 0 ? NaN : Math.exp(3 * r())));
    const ref = referenceFrom(values, 'kwh', 20);
    expect(ref.edges.length).toBeLessThanOrEqual(9);
    expect(ref.edges.length).toBeGreaterThanOrEqual(8);
    expect(ref.shares).toHaveLength(ref.edges.length + 1);
    expect(ref.missingShare).toBeCloseTo(0.05, 10);
    expect(ref.shares.reduce((a, b) => a + b, 0) + ref.missingShare).toBeCloseTo(1, 10);
    for (const s of ref.shares) expect(s).toBeGreaterThanOrEqual(0.01);
    // Heavy ties (a flag column) give two bins, not a split tie; a constant column one bin.
    expect(referenceFrom(Float64Array.from({ length: 1000 }, (_, i) => (i < 700 ? 0 : 1)), 'flag', 20).edges).toEqual([0]);
    expect(referenceFrom(new Float64Array(1000).fill(3), 'const', 20)).toMatchObject({ edges: [], shares: [1] });
    expect(() => referenceFrom([1, 2], 'x', 0)).toThrow(/minimum cell size/);
  });

  it('stays stable on a fresh draw from the same distribution and alarms on a shifted one', () => {
    const r = rng(11);
    const draw = (n: number, shift: number) => Float64Array.from({ length: n }, () => Math.log(1 + 99 * r()) + shift);
    const ref = referenceFrom(draw(2000, 0), 'score', 20);
    const same = stabilityIndex(ref, countInto(ref, draw(2000, 0)));
    // (B - 1)(1/n + 1/m) = 9 * 2 / 2000 = 0.009 expected under no drift.
    expect(same).toBeLessThan(0.05);
    expect(driftLevel(same, 2000)).toBe('stable');
    const moved = stabilityIndex(ref, countInto(ref, draw(2000, 0.8)));
    expect(driftLevel(moved, 2000)).toBe('alarm');
    const little = stabilityIndex(ref, countInto(ref, draw(2000, 0.3)));
    expect(little).toBeGreaterThan(same);
  });

  it('levels: thresholds 0.10 and 0.25, fewer than 500 items insufficient', () => {
    expect(driftLevel(0.0999, 500)).toBe('stable');
    expect(driftLevel(0.1, 500)).toBe('warn');
    expect(driftLevel(0.2499, 10_000)).toBe('warn');
    expect(driftLevel(0.25, 10_000)).toBe('alarm');
    expect(driftLevel(3, 499)).toBe('insufficient');
    expect(driftLevel(NaN, 1000)).toBe('insufficient');
    expect(worstLevel(['stable', 'insufficient', 'warn'])).toBe('warn');
    expect(worstLevel([])).toBe('insufficient');
  });

  it('refuses counts that do not fit the reference', () => {
    const reference: BinnedReference = { feature: 'x', edges: [10], shares: [0.5, 0.5], missingShare: 0, count: 10 };
    expect(() => stabilityIndex(reference, { bins: [1, 2, 3], missing: 0 })).toThrow(/3 run bins against 2/);
  });
});
