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
 * - The missing bin is released as a cell of its own when it has >= minCell rows in both
 *   siblings. When it has rows but fewer, it joins the smallest released value cell (binning.ts's
 *   rule for a small missing bin), and missing values then go wherever that cell goes at a split
 *   (grow.ts missingDirection). A missing bin merged at a parent stays merged below it.
 * - No sum over fewer than minCell rows may be learned by subtraction either: the bank knows each
 *   node's totals in the clear, so the rows in no released cell (totals minus the released
 *   cells) must be 0 or at least minCell in each sibling. Where they would not be (a lone value
 *   cell under the minimum beside a released missing bin, say), nothing of the slot is released
 *   at that pair.
 * Only row counts enter, which the site knows: merging is a function of counts alone, so the
 * reference of the tests applies it identically.
 *
 * (An earlier version left a small missing bin "not released", on the right of every split: the
 * bank then learned its (G, H) and count as the totals minus the released cells, a sum over
 * 1..minCell-1 rows. Found by the engineer who built this file; closed as above.)
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
  // A missing bin the parent merged into a value cell is part of that cell here too.
  const missingMerged = missing !== -1 && parent[missing] !== NOT_RELEASED && parent.some((p, r) => r !== missing && p === parent[missing]);
  // The parent's released value bins, in order, as cells of the pair.
  const byParent = new Map<number, { raw: number[]; child: number; sibling: number }>();
  for (let r = 0; r < parent.length; r++) {
    const p = parent[r]!;
    if (p === NOT_RELEASED || (r === missing && !missingMerged)) continue;
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
  if (missing !== -1 && !missingMerged && parent[missing] !== NOT_RELEASED) {
    const mc = child[missing]!;
    const ms = sibling[missing]!;
    if (Math.min(mc, ms) >= minCell) out[missing] = released;
    else if ((mc > 0 || ms > 0) && released > 0) {
      // Too few to release alone: into the smallest released value cell.
      let into = 0;
      for (let k = 1; k < merged.length; k++) if (size(merged[k]!) < size(merged[into]!)) into = k;
      out[missing] = into;
    }
  }
  // What no released cell holds is learned by subtraction from the totals: 0 or >= minCell rows.
  let hiddenChild = 0;
  let hiddenSibling = 0;
  for (let r = 0; r < out.length; r++) {
    if (out[r] !== NOT_RELEASED) continue;
    hiddenChild += child[r]!;
    hiddenSibling += sibling[r]!;
  }
  if ((hiddenChild > 0 && hiddenChild < minCell) || (hiddenSibling > 0 && hiddenSibling < minCell)) out.fill(NOT_RELEASED);
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
