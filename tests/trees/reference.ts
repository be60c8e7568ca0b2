/**
 * The tests' own centralized GBDT (docs/design/secureboost.md sections 2, 4.4, 4.5, 4.6, 12.5),
 * written from the design text, with no code from models/trees: an XGBoost-like exact-histogram
 * booster over pooled binned rows (each column: bin per row, bin count, the missing bin or -1),
 * grown level by level to `depth`, logistic loss. Constants re-derived from section 2:
 * sg = 23 - ceil(log2 n), sh = sg + 2, G = round(g 2^sg), H = round(h 2^sh), gains in real values
 * (G / 2^sg, H / 2^sh). `quantize: false` gives the unquantized float reference (exact g, h).
 *
 * Cell merging (4.4, as amended when built), when `minCell` is given, for every column not the
 * bank's: per pair of siblings, starting from the parent's released cells (the root's "parent"
 * is every raw bin alone), the cell with the fewest rows (the smaller of its two sibling counts;
 * the first of equals) joins its smaller neighbour (the left on a tie), binning.ts's rule, until
 * every cell has >= minCell rows in both siblings; a last single cell still under is not
 * released. The missing bin is released alone when it has >= minCell rows in both siblings;
 * with rows but fewer it joins the smallest released value cell (and missing values then go
 * where that cell goes), and stays there below. If the rows in no released cell are
 * 1..minCell-1 in either sibling, nothing of the column is released at that pair. Only counts of
 * training rows enter. Without `minCell`, every raw bin is its own cell (the float bar's
 * reference).
 *
 * Split rule (4.5): thresholds after released value cell b (its raw bins and all before go
 * left) for every value cell but the last; the last too when the missing bin is released alone
 * with rows at the node (values left, missing right). With missing rows released alone both
 * directions are tried, right first; otherwise missing goes to the child with more hessian (ties
 * right), or with its cell when merged into one. A candidate needs H_L, H_R >= minChildWeight and
 * both children >= minChildCount rows; the best gain > 0 wins, ties to the first in the order:
 * the bank's columns, then other owners by name, columns in the order given within an owner,
 * cells ascending, missing right before left. Leaves (4.6): w = -eta G / (H + lambda), clipped
 * to [-1, 1]. A split's `bin` is its threshold as a raw bin (the cell's last raw value bin).
 */
import { auc } from '../../evaluation/metrics.js';

export interface RefColumn {
  readonly owner: string;
  readonly bins: ArrayLike<number>;
  readonly binCount: number;
  readonly missing: number;
}

export interface RefParams {
  readonly trees: number;
  readonly depth: number;
  readonly learningRate: number;
  readonly lambda: number;
  readonly gamma: number;
  readonly minChildWeight: number;
  readonly minChildCount: number;
  readonly firstTreeBankOnly: boolean;
}

export interface RefSplit { node: number; column: number; bin: number; missingLeft: boolean; gain: number }
export interface RefTree { splits: RefSplit[]; leaves: { node: number; weight: number }[] }

/**
 * A column's released cells at a node: value cells as lists of raw bins (in order; a merged
 * missing bin sits in one of them), and whether the missing bin is released alone.
 */
interface Cells { readonly value: readonly (readonly number[])[]; readonly missingAlone: boolean }

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Section 4.4 for one column at one pair; `a` and `b` count the pair's training rows per raw bin. */
export function refMerge(parent: Cells, a: ArrayLike<number>, b: ArrayLike<number>, missing: number, minCell: number): Cells {
  const sum = (raw: readonly number[], c: ArrayLike<number>) => raw.reduce((s, r) => s + c[r]!, 0);
  const size = (raw: readonly number[]) => Math.min(sum(raw, a), sum(raw, b));
  let cells = parent.value.map((raw) => [...raw]);
  while (cells.length > 1) {
    let k = 0;
    for (let j = 1; j < cells.length; j++) if (size(cells[j]!) < size(cells[k]!)) k = j;
    if (size(cells[k]!) >= minCell) break;
    const withLeft = k === cells.length - 1 || (k > 0 && size(cells[k - 1]!) <= size(cells[k + 1]!));
    const lo = withLeft ? k - 1 : k;
    cells.splice(lo, 2, [...cells[lo]!, ...cells[lo + 1]!]);
  }
  if (cells.length === 1 && size(cells[0]!) < minCell) cells = [];
  let missingAlone = false;
  if (parent.missingAlone) {
    const ma = a[missing]!;
    const mb = b[missing]!;
    if (Math.min(ma, mb) >= minCell) missingAlone = true;
    else if ((ma > 0 || mb > 0) && cells.length > 0) {
      let k = 0;
      for (let j = 1; j < cells.length; j++) if (size(cells[j]!) < size(cells[k]!)) k = j;
      cells[k] = [...cells[k]!, missing];
    }
  }
  const released = new Set(cells.flat());
  if (missingAlone) released.add(missing);
  let hiddenA = 0;
  let hiddenB = 0;
  for (let r = 0; r < a.length; r++) {
    if (released.has(r)) continue;
    hiddenA += a[r]!;
    hiddenB += b[r]!;
  }
  const small = (x: number) => x > 0 && x < minCell;
  if (small(hiddenA) || small(hiddenB)) return { value: [], missingAlone: false };
  return { value: cells, missingAlone };
}

function everyBin(c: RefColumn): Cells {
  const value: number[][] = [];
  for (let r = 0; r < c.binCount; r++) if (r !== c.missing) value.push([r]);
  return { value, missingAlone: c.missing >= 0 };
}

/** A split as a column index, threshold raw bin and missing direction. */
export interface RefChoice { column: number; bin: number; missingLeft: boolean }

/**
 * Options. `onTie`: the split another implementation chose at (tree, node); the reference takes
 * it instead of its own first-in-order choice when its gain equals the best gain exactly and it
 * is a column of the same owner (a passive site's slots are shuffled per tree, so the federated
 * model's order among one site's equal gains is not the columns' order: section 4.5, "the tests
 * compare gains, not slot order, on ties").
 */
export interface RefOptions {
  readonly bank: string;
  readonly quantize: boolean;
  readonly minCell?: number;
  readonly onTie?: (tree: number, node: number) => RefChoice | undefined;
}

export function trainReference(
  columns: readonly RefColumn[], labels: ArrayLike<number>, nTrain: number, p: RefParams, opts: RefOptions,
): { trees: RefTree[]; validationAuc: number[]; F: Float64Array; base: number; ties: number } {
  let ties = 0;
  const n = labels.length;
  let pos = 0;
  for (let i = 0; i < nTrain; i++) pos += labels[i]!;
  const rate = pos / nTrain;
  const base = Math.log(rate / (1 - rate));
  const F = new Float64Array(n).fill(base);
  const sg = 23 - Math.ceil(Math.log2(nTrain));
  const sh = sg + 2;
  const trees: RefTree[] = [];
  const validationAuc: number[] = [];
  const valLabels = Array.from({ length: n - nTrain }, (_, k) => labels[nTrain + k]!);
  // The order of ties: the bank's columns, then the other owners by name, each in the order given.
  const order = columns.map((c, j) => ({ c, j })).sort((x, y) => {
    const rank = (c: RefColumn) => (c.owner === opts.bank ? '' : `~${c.owner}`);
    return rank(x.c) < rank(y.c) ? -1 : rank(x.c) > rank(y.c) ? 1 : x.j - y.j;
  }).map((x) => x.j);
  const merged = (j: number) => opts.minCell !== undefined && columns[j]!.owner !== opts.bank;
  const counts = (j: number, rows: readonly number[]) => {
    const c = columns[j]!;
    const out = new Float64Array(c.binCount);
    for (const i of rows) out[c.bins[i]!]!++;
    return out;
  };
  for (let t = 0; t < p.trees; t++) {
    // g, h in real values (quantized and scaled back, or exact).
    const g = new Float64Array(nTrain);
    const h = new Float64Array(nTrain);
    for (let i = 0; i < nTrain; i++) {
      const pr = sigmoid(F[i]!);
      const gi = pr - labels[i]!;
      const hi = pr * (1 - pr);
      g[i] = opts.quantize ? Math.round(gi * 2 ** sg) / 2 ** sg : gi;
      h[i] = opts.quantize ? Math.round(hi * 2 ** sh) / 2 ** sh : hi;
    }
    const usable = order.filter((j) => !(t === 0 && p.firstTreeBankOnly && columns[j]!.owner !== opts.bank));
    const node = new Int32Array(n); // heap id per row, training and validation
    const rowsOf = (id: number) => {
      const rows: number[] = [];
      for (let i = 0; i < nTrain; i++) if (node[i] === id) rows.push(i);
      return rows;
    };
    // Released cells per node and column (the root's from every raw bin; children's per pair).
    const cellsAt = new Map<number, Map<number, Cells>>();
    const rootRows = rowsOf(0);
    cellsAt.set(0, new Map(usable.map((j) => {
      const c = columns[j]!;
      if (!merged(j)) return [j, everyBin(c)];
      const k = counts(j, rootRows);
      return [j, refMerge(everyBin(c), k, k, c.missing, opts.minCell!)];
    })));
    const splits: RefSplit[] = [];
    const leaves: { node: number; weight: number }[] = [];
    let open = [0];
    for (let level = 0; level <= p.depth && open.length > 0; level++) {
      const next: number[] = [];
      for (const id of open) {
        const rows = rowsOf(id);
        let G = 0;
        let H = 0;
        for (const i of rows) { G += g[i]!; H += h[i]!; }
        const found = level < p.depth ? bestSplit(columns, usable, cellsAt.get(id)!, rows, g, h, G, H, p) : undefined;
        let best = found?.best;
        const other = found && opts.onTie?.(t, id);
        if (best && other && (other.column !== best.column || other.bin !== best.bin || other.missingLeft !== best.missingLeft)) {
          const same = found!.all.find((c) => c.column === other.column && c.bin === other.bin && c.missingLeft === other.missingLeft);
          if (same && same.gain === best.gain && columns[same.column]!.owner === columns[best.column]!.owner) {
            best = same;
            ties++;
          }
        }
        if (!best) {
          leaves.push({ node: id, weight: Math.max(-1, Math.min(1, -p.learningRate * G / (H + p.lambda))) + 0 });
          continue;
        }
        splits.push({ node: id, ...best });
        const c = columns[best.column]!;
        for (let i = 0; i < n; i++) {
          if (node[i] !== id) continue;
          const b = c.bins[i]!;
          const left = b === c.missing ? best.missingLeft : b <= best.bin;
          node[i] = left ? 2 * id + 1 : 2 * id + 2;
        }
        if (level + 1 < p.depth) {
          const l = rowsOf(2 * id + 1);
          const r = rowsOf(2 * id + 2);
          const mine = cellsAt.get(id)!;
          const pair = new Map(usable.map((j) => {
            if (!merged(j)) return [j, mine.get(j)!];
            return [j, refMerge(mine.get(j)!, counts(j, l), counts(j, r), columns[j]!.missing, opts.minCell!)];
          }));
          cellsAt.set(2 * id + 1, pair);
          cellsAt.set(2 * id + 2, pair);
        }
        next.push(2 * id + 1, 2 * id + 2);
      }
      open = next;
    }
    const weight = new Map(leaves.map((l) => [l.node, l.weight]));
    for (let i = 0; i < n; i++) F[i]! += weight.get(node[i]!)!;
    trees.push({ splits, leaves });
    validationAuc.push(auc(Array.from(F.subarray(nTrain)), valLabels));
  }
  return { trees, validationAuc, F, base, ties };
}

function bestSplit(
  columns: readonly RefColumn[], usable: readonly number[], cellsOf: ReadonlyMap<number, Cells>, rows: readonly number[], g: Float64Array, h: Float64Array, G: number, H: number, p: RefParams,
): { best: RefSplitChoice | undefined; all: RefSplitChoice[] } | undefined {
  const all: RefSplitChoice[] = [];
  const score = (gs: number, hs: number) => (gs * gs) / (hs + p.lambda);
  const parent = score(G, H);
  let best: RefSplitChoice | undefined;
  for (const j of usable) {
    const c = columns[j]!;
    const cells = cellsOf.get(j)!;
    const cellOf = new Int32Array(c.binCount).fill(-1);
    cells.value.forEach((raw, k) => { for (const r of raw) cellOf[r] = k; });
    const k = cells.value.length;
    const cg = new Float64Array(k);
    const ch = new Float64Array(k);
    const cc = new Float64Array(k);
    let mG = 0;
    let mH = 0;
    let mC = 0;
    for (const i of rows) {
      const b = c.bins[i]!;
      if (cells.missingAlone && b === c.missing) {
        mG += g[i]!;
        mH += h[i]!;
        mC++;
      } else if (cellOf[b]! >= 0) {
        cg[cellOf[b]!]! += g[i]!;
        ch[cellOf[b]!]! += h[i]!;
        cc[cellOf[b]!]!++;
      }
    }
    const missingCell = c.missing >= 0 ? cellOf[c.missing]! : -1;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < k; b++) {
      gl += cg[b]!;
      hl += ch[b]!;
      cl += cc[b]!;
      const last = b === k - 1;
      if (last && mC === 0) break;
      // Missing right, then left (released alone with rows); with its cell when merged; else the
      // side with more hessian (ties right; rows in no released cell are on the right).
      const dirs = mC > 0 ? (last ? [false] : [false, true]) : missingCell >= 0 ? [missingCell <= b] : [hl > H - hl];
      for (const missingLeft of dirs) {
        const L = { g: gl + (mC > 0 && missingLeft ? mG : 0), h: hl + (mC > 0 && missingLeft ? mH : 0), c: cl + (mC > 0 && missingLeft ? mC : 0) };
        const R = { g: G - L.g, h: H - L.h, c: rows.length - L.c };
        if (L.h < p.minChildWeight || R.h < p.minChildWeight || L.c < p.minChildCount || R.c < p.minChildCount) continue;
        const gain = 0.5 * (score(L.g, L.h) + score(R.g, R.h) - parent) - p.gamma;
        // The threshold as a raw bin: the cell's last raw value bin.
        const bin = Math.max(...cells.value[b]!.filter((r) => r !== c.missing));
        if (gain > 0) all.push({ column: j, bin, missingLeft, gain });
        if (gain > 0 && (!best || gain > best.gain)) best = { column: j, bin, missingLeft, gain };
      }
    }
  }
  return { best, all };
}

type RefSplitChoice = RefChoice & { gain: number };
