/**
 * grow.ts against docs/design/secureboost.md sections 4, 4.3 and 4.6: heap numbering, the
 * smaller child, routing, histogram subtraction (equal to building the sibling directly, also
 * after cell merging), gradients, base score and the margin update.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeCells, mergeRootCells } from '../../models/trees/cells.js';
import {
  ROOT, applySplit, baseScore, coarsenHist, depthOf, goesLeft, gradients, leftChild, levelNodes, parentOf, rawHist, releasedHist,
  rightChild, siblingOf, smallerChild, subtractHist, updateMargins,
} from '../../models/trees/grow.js';

describe('tree structure', () => {
  it('numbers nodes as a heap', () => {
    expect([leftChild(ROOT), rightChild(ROOT), leftChild(2), rightChild(2)]).toEqual([1, 2, 5, 6]);
    expect([parentOf(1), parentOf(2), parentOf(5), parentOf(6)]).toEqual([0, 0, 2, 2]);
    expect([siblingOf(1), siblingOf(2), siblingOf(5), siblingOf(6)]).toEqual([2, 1, 6, 5]);
    expect([0, 1, 2, 3, 6, 7, 14, 15, 254].map(depthOf)).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 7]);
    expect(levelNodes(0)).toEqual({ first: 0, last: 0 });
    expect(levelNodes(3)).toEqual({ first: 7, last: 14 });
    for (let d = 0; d < 8; d++) {
      const { first, last } = levelNodes(d);
      expect(depthOf(first)).toBe(d);
      expect(depthOf(last)).toBe(d);
      expect(depthOf(last + 1)).toBe(d + 1);
    }
    expect(() => parentOf(0)).toThrow(/no parent/);
    expect(() => siblingOf(0)).toThrow(/no sibling/);
    expect(() => depthOf(-1)).toThrow(RangeError);
  });

  it('builds the child with fewer training rows, the left one on a tie', () => {
    expect(smallerChild(0, 10, 20)).toBe(1);
    expect(smallerChild(0, 20, 10)).toBe(2);
    expect(smallerChild(2, 7, 7)).toBe(5);
  });

  it('routes missing by the stored direction and values by the threshold', () => {
    expect(goesLeft(3, 3, 9, false)).toBe(true);
    expect(goesLeft(4, 3, 9, true)).toBe(false);
    expect(goesLeft(9, 3, 9, true)).toBe(true);
    expect(goesLeft(9, 8, 9, false)).toBe(false);
    // A feature without a missing bin (-1): every bin is a value.
    expect(goesLeft(0, 0, -1, false)).toBe(true);
  });

  it('moves a node\'s rows to its children', () => {
    const positions = Uint32Array.from([0, 0, 0, 0]);
    const split = applySplit(positions, 0, Uint32Array.from([0, 1, 2, 3]), (i) => i % 2 === 0);
    expect(Array.from(split.left)).toEqual([0, 2]);
    expect(Array.from(split.right)).toEqual([1, 3]);
    expect(Array.from(positions)).toEqual([1, 2, 1, 2]);
    expect(() => applySplit(positions, 0, Uint32Array.from([0]), () => true)).toThrow(/not at node 0/);
  });
});

describe('histograms', () => {
  it('the sibling is the parent minus the built child, bin for bin, with and without merging', () => {
    fc.assert(
      fc.property(fc.integer({ min: 50, max: 2000 }), fc.integer({ min: 2, max: 33 }), fc.boolean(), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n, binCount, hasMissing, minCell, seed) => {
        let s = seed;
        const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 2 ** 32);
        const missing = hasMissing ? binCount - 1 : -1;
        const bins = Uint8Array.from({ length: n }, () => Math.floor(rnd() ** 2 * binCount));
        const G = Float64Array.from({ length: n }, () => Math.round((rnd() * 2 - 1) * 64));
        const H = Float64Array.from({ length: n }, () => Math.round(rnd() * 64));
        const rows = Uint32Array.from({ length: n }, (_, i) => i);
        const rootRaw = rawHist(bins, binCount, rows, G, H);
        const rootMap = mergeRootCells(rootRaw.count, missing, minCell);
        const root = releasedHist(rootRaw, rootMap, missing);
        const cut = rnd();
        const l = rows.filter((i) => rnd() < cut);
        const r = rows.filter((i) => !l.includes(i));
        const lRaw = rawHist(bins, binCount, l, G, H);
        const rRaw = rawHist(bins, binCount, r, G, H);
        for (const map of [rootMap, mergeCells(rootMap, lRaw.count, rRaw.count, missing, minCell)]) {
          const built = releasedHist(lRaw, map, missing);
          const direct = releasedHist(rRaw, map, missing);
          expect(subtractHist(coarsenHist(root, rootMap, map), built)).toEqual(direct);
        }
      }),
      { numRuns: 150, seed: 43 },
    );
  });

  it('refuses a pair map that is not a union of the parent\'s bins', () => {
    const parent = releasedHist(rawHist(Uint8Array.of(0, 1, 2), 3, Uint32Array.of(0, 1, 2), [1, 1, 1], [1, 1, 1]), Int16Array.of(0, 0, 1), -1);
    expect(() => coarsenHist(parent, Int16Array.of(0, 0, 1), Int16Array.of(0, 1, 1))).toThrow(/split between/);
    expect(() => subtractHist(parent, releasedHist(rawHist(Uint8Array.of(0), 3, Uint32Array.of(0), [1], [1]), Int16Array.of(0, 1, 2), -1))).toThrow(/coarsen/);
  });
});

describe('margins', () => {
  it('computes logistic g and h, the base score and the update', () => {
    const { g, h } = gradients(Float64Array.of(0, Math.log(3)), [1, 0]);
    expect(g[0]).toBeCloseTo(-0.5, 15);
    expect(h[0]).toBeCloseTo(0.25, 15);
    expect(g[1]).toBeCloseTo(0.75, 15);
    expect(h[1]).toBeCloseTo(0.1875, 15);
    expect(baseScore([1, 0, 0, 0])).toBeCloseTo(Math.log(1 / 3), 15);
    expect(baseScore([1, 0, 0, 1], Uint32Array.of(0, 1, 2))).toBeCloseTo(Math.log(1 / 2), 15);
    expect(() => baseScore([0, 0])).toThrow(/both classes/);
    const F = Float64Array.of(0, 0, 0);
    updateMargins(F, Uint32Array.of(1, 2, 1), new Map([[1, 0.5], [2, -0.25]]));
    expect(Array.from(F)).toEqual([0.5, -0.25, 0.5]);
    expect(() => updateMargins(F, Uint32Array.of(3, 2, 1), new Map([[1, 0.5], [2, -0.25]]))).toThrow(/no leaf weight/);
  });
});
