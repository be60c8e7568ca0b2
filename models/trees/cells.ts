/**
 * Cell merging at a passive site (docs/design/secureboost.md section 4.4): before the bank sees
 * any (G, H) of a node's bin, the site merges adjacent value bins until every released cell holds
 * at least `minCellCount` training rows in BOTH siblings of the pair being built (the built child
 * and its sibling, which the bank gets as parent minus child). FATE releases every cell, down to
 * one instance; here every sum the bank learns covers at least `minCellCount` rows.
 *
 * - The pair starts from the parent's released bins, so a child's bins are always unions of its
 *   parent's: the bank can sum the parent's cells into the pair's bins and subtract (4.3).
 * - The merge rule is binning.ts's (`binNumeric`): the smallest cell merges with its smaller
 *   neighbour, smallest first, until all qualify; "smallest" is the smaller of its two sibling
 *   counts. `mergeSmallest` below is that rule written once over any cell type; binning.ts still
 *   has its own loop over plain counts (same rule; it could call this one, left to a later change
 *   so this task touches models/trees/ only).
 * - The missing bin is never merged into a value bin (it is what the default direction is
 *   learned from): it is released when it has >= minCell rows in both siblings, else its rows
 *   are "missing, not released" (they count on the right of every split, section 4.5).
 * - A single value cell left under the minimum is not released at all (no threshold inside it).
 * Only row counts enter, which the site knows: merging is a function of counts alone, so the
 * reference of the tests applies it identically.
 *
 * KNOWN GAP (reported to the lead, not fixed here because the kind and the references are built
 * against the rule as written): the bank knows every node's totals (G, H, rows) in the clear, so
 * the rows no released cell holds are NOT hidden: their (G, H) and count are the node's totals
 * minus the released cells. A missing bin with 1..minCell-1 rows in a sibling is therefore
 * learned by subtraction, over fewer than minCell rows (likewise a lone value cell left under
 * the minimum while the missing bin is released). Closing it means the remainder must be 0 or
 * >= minCell in both siblings: e.g. merge such a missing bin into a value cell (binning.ts's
 * rule for a small missing bin; the default direction then follows that cell), or release
 * nothing for the slot at that pair. See README.md.
 */

/** A raw bin not released at this node (its rows fall on the right of every split). */
export const NOT_RELEASED = -1;

/**
 * binning.ts's merge rule over any cells: while more than one cell is left and the smallest is
 * under `minSize`, the smallest (the first of equals) is joined with its smaller neighbour (the
 * left one on a tie, or the only one). Returns the merged cells in order.
 */
export function mergeSmallest<T>(cells: readonly T[], size: (c: T) => number, join: (left: T, right: T) => T, minSize: number): T[] {
  const out = [...cells];
  while (out.length > 1) {
    let smallest = 0;
    for (let b = 1; b < out.length; b++) if (size(out[b]!) < size(out[smallest]!)) smallest = b;
    if (size(out[smallest]!) >= minSize) break;
    const left = smallest - 1;
    const right = smallest + 1;
    const into = right >= out.length || (left >= 0 && size(out[left]!) <= size(out[right]!)) ? left : right;
    const lo = Math.min(into, smallest);
    out.splice(lo, 2, join(out[lo]!, out[lo + 1]!));
  }
  return out;
}

interface Cell {
  /** Raw bins in the cell. */
  readonly raw: number[];
  readonly child: number;
  readonly sibling: number;
}

function checkCounts(parent: Int16Array, child: Uint32Array, sibling: Uint32Array, missing: number, minCell: number): void {
  if (child.length !== parent.length || sibling.length !== parent.length) {
    throw new RangeError(`mergeCells: ${parent.length} raw bins in the parent's map but ${child.length} and ${sibling.length} counts; pass one count per raw bin for each sibling`);
  }
  if (missing !== -1 && (!Number.isInteger(missing) || missing < 0 || missing >= parent.length)) {
    throw new RangeError(`mergeCells: the missing bin ${missing} is not a raw bin (0..${parent.length - 1}) or -1`);
  }
  if (!Number.isInteger(minCell) || minCell < 1) throw new RangeError(`mergeCells: minCell must be a whole number of at least 1, got ${minCell}`);
}

/**
 * The pair's released bins: raw bin -> released bin (0.. in raw order, the missing bin last when
 * released) or NOT_RELEASED. `parent` maps raw bins to the parent's released bins (NOT_RELEASED
 * where the parent released none); `child` and `sibling` count the pair's training rows per raw
 * bin; `missing` is the raw missing bin or -1.
 */
export function mergeCells(parent: Int16Array, child: Uint32Array, sibling: Uint32Array, missing: number, minCell: number): Int16Array {
  checkCounts(parent, child, sibling, missing, minCell);
  // The parent's released value bins, in order, as cells of the pair.
  const byParent = new Map<number, { raw: number[]; child: number; sibling: number }>();
  for (let r = 0; r < parent.length; r++) {
    const p = parent[r]!;
    if (p === NOT_RELEASED || r === missing) continue;
    let cell = byParent.get(p);
    if (!cell) byParent.set(p, (cell = { raw: [], child: 0, sibling: 0 }));
    cell.raw.push(r);
    cell.child += child[r]!;
    cell.sibling += sibling[r]!;
  }
  const start: Cell[] = [...byParent.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  const size = (c: Cell): number => Math.min(c.child, c.sibling);
  const merged = mergeSmallest(start, size, (a, b) => ({ raw: [...a.raw, ...b.raw], child: a.child + b.child, sibling: a.sibling + b.sibling }), minCell);
  const out = new Int16Array(parent.length).fill(NOT_RELEASED);
  let released = 0;
  if (!(merged.length === 1 && size(merged[0]!) < minCell)) {
    for (const c of merged) {
      for (const r of c.raw) out[r] = released;
      released++;
    }
  }
  if (missing !== -1 && parent[missing] !== NOT_RELEASED && Math.min(child[missing]!, sibling[missing]!) >= minCell) out[missing] = released;
  return out;
}

/**
 * The root's released bins: the root has no sibling, so every cell needs minCell rows of the
 * root itself; the "parent" is every raw bin on its own.
 */
export function mergeRootCells(counts: Uint32Array, missing: number, minCell: number): Int16Array {
  const identity = Int16Array.from({ length: counts.length }, (_, r) => r);
  return mergeCells(identity, counts, counts, missing, minCell);
}

/** How many released bins a map has (value bins and the missing bin). */
export function releasedCount(map: Int16Array): number {
  let top = -1;
  for (const b of map) if (b > top) top = b;
  return top + 1;
}
