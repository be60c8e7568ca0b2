/**
 * split.ts against docs/design/secureboost.md sections 4.5 and 4.6: gains computed by hand,
 * missing values sent both ways, the default direction, the child constraints, gamma, the tie
 * rule, and leaf weights with their clip.
 */
import { describe, expect, it } from 'vitest';
import { bestSplit, leafWeight, splitGain, type BinHist } from '../../models/trees/split.js';

/** Real values = the integers: gains read as written below. */
const Q0 = { sg: 0, sh: 0 };
const P = { lambda: 1, gamma: 0, minChildWeight: 0, minChildCount: 1, learningRate: 0.1 };

function hist(G: number[], H: number[], count: number[], missing = -1): BinHist {
  return { G: Float64Array.from(G), H: Float64Array.from(H), count: Uint32Array.from(count), missing };
}

function totals(h: BinHist, hidden = { G: 0, H: 0, count: 0 }): { G: number; H: number; count: number } {
  const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((s, x) => s + x, 0);
  return { G: sum(h.G) + hidden.G, H: sum(h.H) + hidden.H, count: sum(h.count) + hidden.count };
}

describe('gain', () => {
  it('is 1/2 [GL^2/(HL+l) + GR^2/(HR+l) - G^2/(H+l)] - gamma in real values', () => {
    // GL = -4, HL = 2, GR = 4, HR = 4, G = 0: 1/2 (16/3 + 16/5) = 64/15.
    expect(splitGain(-4, 2, 0, 6, Q0, P)).toBeCloseTo(64 / 15, 12);
    expect(splitGain(-4, 2, 0, 6, Q0, { ...P, gamma: 1 })).toBeCloseTo(64 / 15 - 1, 12);
    // The same sums at sg = 1, sh = 3: integers doubled and multiplied by 8, same real gain.
    expect(splitGain(-8, 16, 0, 48, { sg: 1, sh: 3 }, P)).toBe(splitGain(-4, 2, 0, 6, Q0, P));
  });
});

describe('bestSplit', () => {
  const h3 = hist([-4, 1, 3], [2, 2, 2], [5, 5, 5]);

  it('scans the cumulative sums and keeps the best threshold (hand-computed)', () => {
    // After bin 0: 64/15; after bin 1: GL = -3, HL = 4, GR = 3, HR = 2: 1/2 (9/5 + 9/3) = 2.4.
    const c = bestSplit([{ owner: 'bank', slot: 0, hist: h3 }], totals(h3), Q0, P, 'bank');
    expect(c).toMatchObject({ owner: 'bank', slot: 0, bin: 0, GL: -4, HL: 2, countL: 5 });
    expect(c!.gain).toBeCloseTo(64 / 15, 12);
  });

  it('without missing rows sends missing to the child with more hessian', () => {
    expect(bestSplit([{ owner: 'b', slot: 0, hist: h3 }], totals(h3), Q0, P)!.missingLeft).toBe(false); // HL 2 < HR 4
    const heavyLeft = hist([-4, 1, 3], [5, 1, 1], [5, 5, 5]);
    const c = bestSplit([{ owner: 'b', slot: 0, hist: heavyLeft }], totals(heavyLeft), Q0, P)!;
    expect(c.bin).toBe(0);
    expect(c.missingLeft).toBe(true); // HL 5 > HR 2
    // Equal hessian on both sides: right.
    const even = hist([-3, 3], [2, 2], [5, 5]);
    expect(bestSplit([{ owner: 'b', slot: 0, hist: even }], totals(even), Q0, P)).toMatchObject({ bin: 0, missingLeft: false });
    // A missing bin with no row at this node is "no missing rows": the same rule.
    const emptyMissing = hist([-4, 1, 3, 0], [5, 1, 1, 0], [5, 5, 5, 0], 3);
    expect(bestSplit([{ owner: 'b', slot: 0, hist: emptyMissing }], totals(emptyMissing), Q0, P)).toEqual(c);
  });

  it('tries a released missing bin on both sides: missing left wins here (hand-computed)', () => {
    const h = hist([-4, 1, 3, -2], [2, 2, 2, 1], [5, 5, 5, 3], 3);
    // b0 right 2.75, b0 left 1/2 (36/4 + 16/5 - 4/8) = 5.85, b1 right 0.775, b1 left 10/3, b2 right 0.75.
    const c = bestSplit([{ owner: 'tax', slot: 2, hist: h }], totals(h), Q0, P)!;
    expect(c).toMatchObject({ bin: 0, missingLeft: true, GL: -6, HL: 3, countL: 8 });
    expect(c.gain).toBeCloseTo(5.85, 12);
  });

  it('tries a released missing bin on both sides: missing right wins here (hand-computed)', () => {
    const h = hist([4, -1, -3, -2], [2, 2, 2, 1], [5, 5, 5, 3], 3);
    // b0 right 1/2 (16/3 + 36/6 - 4/8) = 65/12, b0 left 1.85, b1 right 3.775, b1 left 4/3, b2 right 0.75.
    const c = bestSplit([{ owner: 'tax', slot: 2, hist: h }], totals(h), Q0, P)!;
    expect(c).toMatchObject({ bin: 0, missingLeft: false, GL: 4, HL: 2, countL: 5 });
    expect(c.gain).toBeCloseTo(65 / 12, 12);
  });

  it('splits values from missing at the last value bin, missing right', () => {
    // All the signal is in missing: values G 1, 1; missing G -6.
    const h = hist([1, 1, -6], [2, 2, 2], [5, 5, 5], 2);
    const c = bestSplit([{ owner: 'tax', slot: 0, hist: h }], totals(h), Q0, P)!;
    expect(c).toMatchObject({ bin: 1, missingLeft: false, GL: 2, HL: 4, countL: 10 });
    // 1/2 (4/5 + 36/3 - 16/7)
    expect(c.gain).toBeCloseTo(0.5 * (4 / 5 + 12 - 16 / 7), 12);
  });

  it('counts missing rows that were not released on the right, and stores missing right', () => {
    const h = hist([-4, 1, 3], [5, 1, 1], [5, 5, 5]);
    const hidden = { G: -2, H: 1, count: 3 };
    const c = bestSplit([{ owner: 'tax', slot: 0, hist: h }], totals(h, hidden), Q0, P)!;
    // Without the hidden rows the heavier child (left) would get missing; with them, right.
    expect(c.missingLeft).toBe(false);
    expect(c.bin).toBe(0);
    // b0: GL -4 HL 5 / GR 2 HR 3, G -2 H 8: 1/2 (16/6 + 4/4 - 4/9)
    expect(c.gain).toBeCloseTo(0.5 * (16 / 6 + 1 - 4 / 9), 12);
    // The last value bin is no threshold: it would split released rows from unreleased ones.
    // Here "released values left, hidden rows right" would gain 1/2 (16/3 + 16/2) = 6.67.
    const values = hist([1, -5], [1, 1], [5, 5]);
    const d = bestSplit([{ owner: 'tax', slot: 0, hist: values }], totals(values, { G: 4, H: 1, count: 5 }), Q0, P)!;
    expect(d).toMatchObject({ bin: 0, missingLeft: false });
    expect(d.gain).toBeCloseTo(0.5 * (1 / 2 + 1 / 3), 12);
  });

  it('respects minChildCount and minChildWeight (in real hessian)', () => {
    const h = hist([-4, 1, 3], [2, 2, 2], [1, 9, 5]);
    // b0 (gain 64/15) has 1 row on the left: with minChildCount 2, b1 (2.4) wins.
    expect(bestSplit([{ owner: 'b', slot: 0, hist: h }], totals(h), Q0, { ...P, minChildCount: 2 })).toMatchObject({ bin: 1, countL: 10 });
    expect(bestSplit([{ owner: 'b', slot: 0, hist: h }], totals(h), Q0, { ...P, minChildCount: 6 })).toBeUndefined();
    // HL = 2 passes minChildWeight 2, HR = 2 of b1 too; 2.5 rules out both.
    expect(bestSplit([{ owner: 'b', slot: 0, hist: h3 }], totals(h3), Q0, { ...P, minChildWeight: 2 })).toMatchObject({ bin: 0 });
    expect(bestSplit([{ owner: 'b', slot: 0, hist: h3 }], totals(h3), Q0, { ...P, minChildWeight: 2.5 })).toBeUndefined();
    // Real values: H = 16 at sh = 3 is 2.
    const q = { sg: 0, sh: 3 };
    const scaled = hist([-4, 1, 3], [16, 16, 16], [5, 5, 5]);
    expect(bestSplit([{ owner: 'b', slot: 0, hist: scaled }], totals(scaled), q, { ...P, minChildWeight: 2 })).toMatchObject({ bin: 0 });
    expect(bestSplit([{ owner: 'b', slot: 0, hist: scaled }], totals(scaled), q, { ...P, minChildWeight: 2.01 })).toBeUndefined();
  });

  it('needs a gain above 0 after gamma', () => {
    expect(bestSplit([{ owner: 'b', slot: 0, hist: h3 }], totals(h3), Q0, { ...P, gamma: 64 / 15 })).toBeUndefined();
    const c = bestSplit([{ owner: 'b', slot: 0, hist: h3 }], totals(h3), Q0, { ...P, gamma: 4 })!;
    expect(c.gain).toBeCloseTo(64 / 15 - 4, 12);
    const flat = hist([1, 1, 1], [1, 1, 1], [5, 5, 5]);
    expect(bestSplit([{ owner: 'b', slot: 0, hist: flat }], totals(flat), Q0, P)).toBeUndefined();
  });

  it('breaks ties: bank features first, then sites by name, then slot, then bin, then missing right', () => {
    const same = (owner: string, slot: number) => ({ owner, slot, hist: h3 });
    // The bank wins by role, not by name ("zeta" sorts last).
    expect(bestSplit([same('power', 0), same('zeta', 1), same('tax', 0)], totals(h3), Q0, P, 'zeta')).toMatchObject({ owner: 'zeta', slot: 1 });
    expect(bestSplit([same('tax', 0), same('power', 3)], totals(h3), Q0, P, 'zeta')).toMatchObject({ owner: 'power', slot: 3 });
    expect(bestSplit([same('tax', 4), same('tax', 1), same('tax', 2)], totals(h3), Q0, P, 'bank')).toMatchObject({ owner: 'tax', slot: 1 });
    // Symmetric sums: bins 0 and 1 have exactly equal gains; bin 0 wins.
    const sym = hist([-3, 0, 3], [2, 2, 2], [5, 5, 5]);
    expect(splitGain(-3, 2, 0, 6, Q0, P)).toBe(splitGain(-3, 4, 0, 6, Q0, P));
    expect(bestSplit([{ owner: 'b', slot: 0, hist: sym }], totals(sym), Q0, P)).toMatchObject({ bin: 0 });
    // A missing bin with rows but no gradient: both directions gain the same; right wins.
    const zeroMissing = hist([-4, 1, 3, 0], [2, 2, 2, 0], [5, 5, 5, 4], 3);
    expect(bestSplit([{ owner: 'b', slot: 0, hist: zeroMissing }], totals(zeroMissing), Q0, P)).toMatchObject({ bin: 0, missingLeft: false });
  });

  it('refuses malformed histograms', () => {
    expect(() => bestSplit([{ owner: 'b', slot: 0, hist: hist([1], [1, 2], [1]) }], { G: 0, H: 0, count: 0 }, Q0, P)).toThrow(/one of each/);
    expect(() => bestSplit([{ owner: 'b', slot: 0, hist: hist([1, 2], [1, 2], [1, 2], 2) }], { G: 0, H: 0, count: 0 }, Q0, P)).toThrow(/missing bin/);
  });
});

describe('leafWeight', () => {
  it('is -eta G / (H + lambda) in real values, clipped to [-1, 1]', () => {
    expect(leafWeight(-4, 3, Q0, P)).toBeCloseTo(0.1, 15);
    expect(leafWeight(-16, 48, { sg: 2, sh: 4 }, P)).toBeCloseTo(0.1, 15);
    expect(leafWeight(6, 2, Q0, { learningRate: 0.5, lambda: 1 })).toBeCloseTo(-1, 15);
    expect(leafWeight(-10, 0, Q0, { learningRate: 1, lambda: 1 })).toBe(1);
    expect(leafWeight(10, 0, Q0, { learningRate: 1, lambda: 1 })).toBe(-1);
    expect(leafWeight(10, 0, Q0, { learningRate: 1, lambda: 0 })).toBe(0);
    expect(Object.is(leafWeight(0, 5, Q0, P), 0)).toBe(true);
  });
});
