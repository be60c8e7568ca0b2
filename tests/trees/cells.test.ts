/**
 * cells.ts against docs/design/secureboost.md section 4.4: every released cell holds at least
 * minCell rows in both siblings, a pair's bins are unions of its parent's (down several levels),
 * the missing bin is never merged into a value bin, and the merge rule is binning.ts's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binNumeric } from '../../models/scorecard/binning.js';
import { NOT_RELEASED, mergeCells, mergeRootCells, mergeSmallest, releasedCount } from '../../models/trees/cells.js';

const u32 = (a: number[]): Uint32Array => Uint32Array.from(a);
const i16 = (a: number[]): Int16Array => Int16Array.from(a);

/** Checks the properties of section 4.4 for one pair; returns nothing, throws on a violation. */
function checkPair(parent: Int16Array, child: Uint32Array, sibling: Uint32Array, missing: number, minCell: number, out: Int16Array): void {
  const cells = new Map<number, { child: number; sibling: number; raw: number[] }>();
  for (let r = 0; r < out.length; r++) {
    const b = out[r]!;
    if (parent[r] === NOT_RELEASED) expect(b).toBe(NOT_RELEASED);
    if (b === NOT_RELEASED) continue;
    const c = cells.get(b) ?? { child: 0, sibling: 0, raw: [] };
    c.child += child[r]!;
    c.sibling += sibling[r]!;
    c.raw.push(r);
    cells.set(b, c);
  }
  // Every released cell is at least minCell in both siblings.
  for (const c of cells.values()) {
    expect(c.child).toBeGreaterThanOrEqual(minCell);
    expect(c.sibling).toBeGreaterThanOrEqual(minCell);
  }
  // Released bins are numbered 0..k-1 in raw order, the missing bin last.
  const seen = [...out].filter((b) => b !== NOT_RELEASED);
  expect([...new Set(seen)]).toEqual(Array.from({ length: cells.size }, (_, k) => k));
  expect(releasedCount(out)).toBe(cells.size);
  // The missing bin is alone and last, or merged into a value cell (then that cell has value bins).
  if (missing >= 0 && out[missing] !== NOT_RELEASED) {
    const raw = cells.get(out[missing]!)!.raw;
    if (raw.length === 1) expect(out[missing]).toBe(cells.size - 1);
    else expect(raw.some((r) => r !== missing)).toBe(true);
  }
  // Nothing under minCell is learned by subtraction: the rows in no released cell (the node's
  // totals minus the released cells, which the bank can compute) are 0 or >= minCell per sibling.
  let hiddenChild = 0;
  let hiddenSibling = 0;
  for (let r = 0; r < out.length; r++) {
    if (out[r] !== NOT_RELEASED) continue;
    hiddenChild += child[r]!;
    hiddenSibling += sibling[r]!;
  }
  // (When nothing is released the hidden rows are the whole node, whose totals are known anyway.)
  if (cells.size > 0 && hiddenChild > 0) expect(hiddenChild).toBeGreaterThanOrEqual(minCell);
  if (cells.size > 0 && hiddenSibling > 0) expect(hiddenSibling).toBeGreaterThanOrEqual(minCell);
  // A pair's bins are unions of the parent's: all raw bins of a parent bin land together.
  const into = new Map<number, number>();
  for (let r = 0; r < out.length; r++) {
    const p = parent[r]!;
    if (p === NOT_RELEASED) continue;
    if (into.has(p)) expect(out[r]).toBe(into.get(p));
    else into.set(p, out[r]!);
  }
  // Cells are contiguous in raw order (adjacent merging only).
  for (const c of cells.values()) {
    const values = c.raw.filter((r) => r !== missing);
    if (values.length > 0) {
      for (let r = values[0]!; r <= values[values.length - 1]!; r++) if (r !== missing && parent[r] !== NOT_RELEASED) expect(values).toContain(r);
    }
  }
}

describe('mergeSmallest', () => {
  it('is binning.ts\'s rule: binNumeric\'s merged counts equal it on the same unmerged counts', () => {
    let merging = 0;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 20, maxLength: 400 }), fc.integer({ min: 2, max: 20 }), fc.integer({ min: 2, max: 60 }), (values, bins, minSize) => {
        const rows = values.map((v) => [v]);
        const unmerged = binNumeric('x', 0, rows, { bins, minSize: 1 });
        const merged = binNumeric('x', 0, rows, { bins, minSize });
        if (!unmerged || !merged) return;
        const ours = mergeSmallest(unmerged.counts, (c) => c, (a, b) => a + b, minSize);
        expect(ours).toEqual(merged.counts);
        if (ours.length < unmerged.counts.length) merging++;
      }),
      { numRuns: 300, seed: 16 },
    );
    // The comparison is only worth something where merging happened.
    expect(merging).toBeGreaterThan(50);
  });

  it('merges the smallest with its smaller neighbour, left on ties', () => {
    expect(mergeSmallest([5, 1, 3], (c) => c, (a, b) => a + b, 4)).toEqual([5, 4]);
    expect(mergeSmallest([3, 1, 3], (c) => c, (a, b) => a + b, 3)).toEqual([4, 3]);
    expect(mergeSmallest([3, 1, 3], (c) => c, (a, b) => a + b, 4)).toEqual([7]);
    expect(mergeSmallest([1, 9], (c) => c, (a, b) => a + b, 4)).toEqual([10]);
    expect(mergeSmallest([1], (c) => c, (a, b) => a + b, 4)).toEqual([1]);
  });
});

describe('mergeCells', () => {
  it('merges by the smaller of the two siblings (hand-worked)', () => {
    // Raw bins 0..4, bin 4 missing. Parent released every bin.
    const parent = i16([0, 1, 2, 3, 4]);
    const child = u32([30, 5, 30, 40, 25]);
    const sibling = u32([30, 40, 4, 40, 19]);
    // Sizes (min of siblings): 30, 5, 4, 40. Smallest bin 2 (4) joins its smaller neighbour bin 1
    // (5 < 40): cell {1,2} has 35 and 44 -> size 35. Missing: 19 < 20 in the sibling, too few to
    // release alone and too many to hide (the bank would get them as totals minus the cells): it
    // joins the smallest released cell, bin 0 (30).
    expect(Array.from(mergeCells(parent, child, sibling, 4, 20))).toEqual([0, 1, 1, 2, 0]);
    // With 20 rows of missing in both it is released, alone and last.
    expect(Array.from(mergeCells(parent, child, u32([30, 40, 4, 40, 20]), 4, 20))).toEqual([0, 1, 1, 2, 3]);
  });

  it('starts from the parent\'s bins and keeps what the parent did not release', () => {
    const parent = i16([0, 0, 1, 2, 2, NOT_RELEASED]);
    const out = mergeCells(parent, u32([10, 10, 25, 30, 30, 50]), u32([10, 10, 25, 30, 30, 50]), 5, 20);
    expect(Array.from(out)).toEqual([0, 0, 1, 2, 2, NOT_RELEASED]);
  });

  it('releases nothing when a lone value cell is under the minimum (it would be the totals minus the missing cell)', () => {
    const out = mergeCells(i16([0, 1, 2]), u32([5, 5, 40]), u32([5, 5, 40]), 2, 20);
    expect(Array.from(out)).toEqual([NOT_RELEASED, NOT_RELEASED, NOT_RELEASED]);
    checkPair(i16([0, 1, 2]), u32([5, 5, 40]), u32([5, 5, 40]), 2, 20, out);
  });

  it('at the root needs minCell rows of the root alone', () => {
    expect(Array.from(mergeRootCells(u32([25, 3, 30, 22]), 3, 20))).toEqual([0, 0, 1, 2]);
    // 12 missing rows: into the smallest released cell ({0,1}, 28 rows).
    expect(Array.from(mergeRootCells(u32([25, 3, 30, 12]), 3, 20))).toEqual([0, 0, 1, 0]);
    // No missing row at all: nothing to release or hide.
    expect(Array.from(mergeRootCells(u32([25, 3, 30, 0]), 3, 20))).toEqual([0, 0, 1, NOT_RELEASED]);
  });

  it('changes nothing when every parent cell already qualifies in both siblings', () => {
    const parent = i16([0, 0, 1, 2, 3]);
    expect(Array.from(mergeCells(parent, u32([10, 10, 20, 21, 20]), u32([15, 5, 20, 50, 20]), 4, 20))).toEqual([0, 0, 1, 2, 3]);
  });

  it('refuses inconsistent inputs', () => {
    expect(() => mergeCells(i16([0, 1]), u32([1]), u32([1, 1]), -1, 20)).toThrow(/one count per raw bin/);
    expect(() => mergeCells(i16([0, 1]), u32([1, 1]), u32([1, 1]), 2, 20)).toThrow(/missing bin/);
    expect(() => mergeCells(i16([0, 1]), u32([1, 1]), u32([1, 1]), -1, 0)).toThrow(/minCell/);
  });

  it('keeps every property down a random tree: minCell in both siblings, nothing small hidden, unions of the parent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (binCount, hasMissing, minCell, seed) => {
          let s = seed;
          const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 2 ** 32);
          const missing = hasMissing ? binCount - 1 : -1;
          // Root counts: skewed, with some empty and some tiny bins.
          const root = u32(Array.from({ length: binCount }, () => (rnd() < 0.2 ? Math.floor(rnd() * 5) : Math.floor(rnd() * 300))));
          let parentMap = mergeRootCells(root, missing, minCell);
          checkPair(Int16Array.from({ length: binCount }, (_, r) => r), root, root, missing, minCell, parentMap);
          let counts = root;
          // Three levels: split the node's rows per raw bin at random into a child and its sibling.
          for (let level = 0; level < 3; level++) {
            const share = rnd();
            const child = u32(Array.from(counts, (c) => Math.round(c * Math.min(1, Math.max(0, share + (rnd() - 0.5) * 0.6)))));
            const sibling = u32(Array.from(counts, (c, r) => c - child[r]!));
            const out = mergeCells(parentMap, child, sibling, missing, minCell);
            checkPair(parentMap, child, sibling, missing, minCell, out);
            // Descend into the built child or its sibling.
            counts = rnd() < 0.5 ? child : sibling;
            parentMap = out;
          }
        },
      ),
      { numRuns: 500, seed: 21 },
    );
  });
});
