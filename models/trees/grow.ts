/**
 * The shape of one tree and the rows' walk through it (docs/design/secureboost.md sections 4,
 * 4.3 and 4.6), pure: node numbering, positions, which child's histogram is built and how the
 * sibling's follows from its parent's, leaf weights and the margin update. The bank runs these
 * over its rows; the tests' references run the same rules over pooled rows.
 *
 * - Heap numbering: root 0, children 2k+1 (left) and 2k+2 (right); depth d holds nodes
 *   2^d - 1 .. 2^(d+1) - 2.
 * - "Smaller child": of two siblings the one with fewer training rows (ties: left). Only its
 *   histogram is computed; the sibling's is the parent's (summed into the pair's released bins,
 *   cells.ts) minus it, bin by bin, exactly (quantized integers).
 * - A row goes left at a split on raw bin threshold T iff its bin is the missing bin and the
 *   split sends missing left, or it is a value bin <= T.
 */
import { NOT_RELEASED } from './cells.js';
import type { BinHist } from './split.js';

export const ROOT = 0;

export function leftChild(node: number): number {
  return 2 * node + 1;
}

export function rightChild(node: number): number {
  return 2 * node + 2;
}

export function parentOf(node: number): number {
  if (node <= ROOT) throw new RangeError(`node ${node} has no parent; only nodes above 0 do`);
  return (node - 1) >> 1;
}

export function siblingOf(node: number): number {
  if (node <= ROOT) throw new RangeError(`node ${node} has no sibling; only nodes above 0 do`);
  return node % 2 === 1 ? node + 1 : node - 1;
}

/** Depth of a node (the root is at 0). */
export function depthOf(node: number): number {
  if (!Number.isInteger(node) || node < 0) throw new RangeError(`node ${node} is not a node id (a whole number from 0)`);
  return 31 - Math.clz32(node + 1);
}

/** The first and last node ids at depth d. */
export function levelNodes(d: number): { first: number; last: number } {
  return { first: 2 ** d - 1, last: 2 ** (d + 1) - 2 };
}

/** The child of a split pair whose histogram is built: fewer training rows, ties left. */
export function smallerChild(parent: number, rowsLeft: number, rowsRight: number): number {
  return rowsLeft <= rowsRight ? leftChild(parent) : rightChild(parent);
}

/** Whether a row in raw bin `bin` goes left at a split on threshold `threshold`. */
export function goesLeft(bin: number, threshold: number, missing: number, missingLeft: boolean): boolean {
  return bin === missing ? missingLeft : bin <= threshold;
}

/**
 * Moves the rows of `node` listed in `rows` to its children: left where `left(row)`. Returns the
 * two lists (in the order of `rows`), and updates `positions` (node id per row).
 */
export function applySplit(positions: Uint32Array, node: number, rows: Uint32Array, left: (row: number) => boolean): { left: Uint32Array; right: Uint32Array } {
  const l: number[] = [];
  const r: number[] = [];
  for (const i of rows) {
    if (positions[i] !== node) throw new RangeError(`applySplit: row ${i} is at node ${positions[i]}, not at node ${node}; pass the rows of the node being split`);
    if (left(i)) {
      positions[i] = leftChild(node);
      l.push(i);
    } else {
      positions[i] = rightChild(node);
      r.push(i);
    }
  }
  return { left: Uint32Array.from(l), right: Uint32Array.from(r) };
}

/** Quantized sums and rows per raw bin of one feature over `rows` (G, H: integers per row). */
export function rawHist(bins: ArrayLike<number>, binCount: number, rows: Uint32Array, G: ArrayLike<number>, H: ArrayLike<number>): { G: Float64Array; H: Float64Array; count: Uint32Array } {
  const out = { G: new Float64Array(binCount), H: new Float64Array(binCount), count: new Uint32Array(binCount) };
  for (const i of rows) {
    const b = bins[i]!;
    if (!(b >= 0 && b < binCount)) throw new RangeError(`rawHist: row ${i} is in bin ${b}, outside 0..${binCount - 1}`);
    out.G[b]! += G[i]!;
    out.H[b]! += H[i]!;
    out.count[b]!++;
  }
  return out;
}

/**
 * The released index of the missing bin when it is a cell of its own; -1 when it is not
 * released or is merged into a value cell (cells.ts: a small missing bin joins a value cell, and
 * missing values then go wherever that cell goes).
 */
export function aloneMissing(map: Int16Array, missing: number): number {
  if (missing < 0) return -1;
  const m = map[missing]!;
  if (m === NOT_RELEASED) return -1;
  for (let r = 0; r < map.length; r++) if (r !== missing && map[r] === m) return -1;
  return m;
}

/**
 * The direction of missing values at a split on released bin `bin`: where the missing bin's
 * cell goes when it is merged into a value cell, else the candidate's own choice.
 */
export function missingDirection(map: Int16Array, missing: number, bin: number, chosen: boolean): boolean {
  if (missing < 0 || map[missing] === NOT_RELEASED || aloneMissing(map, missing) !== -1) return chosen;
  return map[missing]! <= bin;
}

/** A raw histogram summed into released bins (`map`: raw bin -> released bin or NOT_RELEASED). */
export function releasedHist(raw: { G: Float64Array; H: Float64Array; count: Uint32Array }, map: Int16Array, missing: number): BinHist {
  let n = 0;
  for (const b of map) if (b >= n) n = b + 1;
  const out = { G: new Float64Array(n), H: new Float64Array(n), count: new Uint32Array(n) };
  for (let r = 0; r < map.length; r++) {
    const b = map[r]!;
    if (b === NOT_RELEASED) continue;
    out.G[b]! += raw.G[r]!;
    out.H[b]! += raw.H[r]!;
    out.count[b]! += raw.count[r]!;
  }
  return { ...out, missing: aloneMissing(map, missing) };
}

/**
 * A parent's histogram summed into the pair's released bins (4.3): `parentMap` and `pairMap` map
 * raw bins to the parent's and the pair's released bins; the pair's are unions of the parent's.
 */
export function coarsenHist(parent: BinHist, parentMap: Int16Array, pairMap: Int16Array): BinHist {
  if (parentMap.length !== pairMap.length) throw new RangeError(`coarsenHist: maps over ${parentMap.length} and ${pairMap.length} raw bins; pass both over the same feature`);
  const into = new Int16Array(parent.G.length).fill(NOT_RELEASED);
  for (let r = 0; r < pairMap.length; r++) {
    const p = parentMap[r]!;
    const c = pairMap[r]!;
    if (c === NOT_RELEASED) continue;
    if (p === NOT_RELEASED) throw new RangeError(`coarsenHist: raw bin ${r} is released for the pair but not by the parent; a pair's bins must be unions of its parent's (cells.ts)`);
    if (into[p] !== NOT_RELEASED && into[p] !== c) throw new RangeError(`coarsenHist: the parent's bin ${p} is split between the pair's bins ${into[p]} and ${c}`);
    into[p] = c;
  }
  const raw = { G: parent.G, H: parent.H, count: parent.count };
  // The parent's own missing cell (-1 when the parent merged it into a value cell or released none).
  return releasedHist(raw, into, parent.missing);
}

/** The sibling's histogram: the parent's (in the pair's bins) minus the built child's. */
export function subtractHist(parent: BinHist, built: BinHist): BinHist {
  if (parent.G.length !== built.G.length || parent.missing !== built.missing) {
    throw new RangeError(`subtractHist: the parent has ${parent.G.length} bins (missing ${parent.missing}) and the child ${built.G.length} (missing ${built.missing}); coarsen the parent to the pair's bins first`);
  }
  const out = { G: new Float64Array(parent.G.length), H: new Float64Array(parent.G.length), count: new Uint32Array(parent.G.length), missing: parent.missing };
  for (let b = 0; b < parent.G.length; b++) {
    out.G[b] = parent.G[b]! - built.G[b]!;
    out.H[b] = parent.H[b]! - built.H[b]!;
    const c = parent.count[b]! - built.count[b]!;
    if (c < 0) throw new RangeError(`subtractHist: bin ${b} has ${built.count[b]} rows in the child but ${parent.count[b]} in the parent`);
    out.count[b] = c;
  }
  return out;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Logistic loss derivatives at margin F for 0/1 labels y: g = p - y, h = p (1 - p). */
export function gradients(F: Float64Array, y: ArrayLike<number>): { g: Float64Array; h: Float64Array } {
  const g = new Float64Array(F.length);
  const h = new Float64Array(F.length);
  for (let i = 0; i < F.length; i++) {
    const p = sigmoid(F[i]!);
    g[i] = p - y[i]!;
    h[i] = p * (1 - p);
  }
  return { g, h };
}

/** The starting margin: the log-odds of the training default rate. */
export function baseScore(y: ArrayLike<number>, rows?: Uint32Array): number {
  let pos = 0;
  let n = 0;
  const at = rows ?? Uint32Array.from({ length: y.length }, (_, i) => i);
  for (const i of at) {
    pos += y[i]!;
    n++;
  }
  if (pos === 0 || pos === n) throw new RangeError(`baseScore: the training rows have ${pos} defaults out of ${n}; boosting needs both classes`);
  return Math.log(pos / (n - pos));
}

/** F_i += w(leaf of row i) for every row whose position is a leaf in `weights`. */
export function updateMargins(F: Float64Array, positions: Uint32Array, weights: ReadonlyMap<number, number>): void {
  for (let i = 0; i < F.length; i++) {
    const w = weights.get(positions[i]!);
    if (w === undefined) throw new RangeError(`updateMargins: row ${i} ends at node ${positions[i]}, which has no leaf weight`);
    F[i]! += w;
  }
}
