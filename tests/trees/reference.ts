/**
 * The tests' own centralized GBDT (docs/design/secureboost.md sections 2, 4.5, 4.6, 12.5),
 * written from the design text, with no code from models/trees: an XGBoost-like exact-histogram
 * booster over pooled binned rows (each column: bin per row, bin count, the missing bin or -1),
 * grown level by level to `depth`, logistic loss. Constants re-derived from section 2:
 * sg = 23 - ceil(log2 n), sh = sg + 2, G = round(g 2^sg), H = round(h 2^sh), gains in real values
 * (G / 2^sg, H / 2^sh). `quantize: false` gives the unquantized float reference (exact g, h).
 *
 * Split rule (4.5): thresholds after value bin b (bins <= b left) for every value bin but the
 * last; with missing rows at the node both directions are tried, without them missing goes to
 * the child with more hessian (ties right). A candidate needs H_L, H_R >= minChildWeight and both
 * children >= minChildCount rows; the best gain > 0 wins, ties to the first in the order: columns
 * as given (the bank's first), bins ascending, missing right before left. Leaves (4.6):
 * w = -eta G / (H + lambda), clipped to [-1, 1]. No cell merging (4.4): at minCellCount 20 the
 * federated model releases coarser cells than this, so it is the float bar's reference, not the
 * exactness one (see models/trees/README.md).
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

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function trainReference(
  columns: readonly RefColumn[], labels: ArrayLike<number>, nTrain: number, p: RefParams, opts: { bank: string; quantize: boolean },
): { trees: RefTree[]; validationAuc: number[]; F: Float64Array; base: number } {
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
    const usable = columns.map((c) => !(t === 0 && p.firstTreeBankOnly && c.owner !== opts.bank));
    const node = new Int32Array(n); // heap id per row, training and validation
    const splits: RefSplit[] = [];
    const leaves: { node: number; weight: number }[] = [];
    let open = [0];
    for (let level = 0; level <= p.depth && open.length > 0; level++) {
      const next: number[] = [];
      for (const id of open) {
        const rows: number[] = [];
        for (let i = 0; i < nTrain; i++) if (node[i] === id) rows.push(i);
        let G = 0;
        let H = 0;
        for (const i of rows) { G += g[i]!; H += h[i]!; }
        const best = level < p.depth ? bestSplit(columns, usable, rows, g, h, G, H, p) : undefined;
        if (!best) {
          leaves.push({ node: id, weight: Math.max(-1, Math.min(1, -p.learningRate * G / (H + p.lambda))) });
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
        next.push(2 * id + 1, 2 * id + 2);
      }
      open = next;
    }
    const weight = new Map(leaves.map((l) => [l.node, l.weight]));
    for (let i = 0; i < n; i++) F[i]! += weight.get(node[i]!)!;
    trees.push({ splits, leaves });
    validationAuc.push(auc(Array.from(F.subarray(nTrain)), valLabels));
  }
  return { trees, validationAuc, F, base };
}

function bestSplit(
  columns: readonly RefColumn[], usable: readonly boolean[], rows: readonly number[], g: Float64Array, h: Float64Array, G: number, H: number, p: RefParams,
): { column: number; bin: number; missingLeft: boolean; gain: number } | undefined {
  const score = (gs: number, hs: number) => (gs * gs) / (hs + p.lambda);
  const parent = score(G, H);
  let best: { column: number; bin: number; missingLeft: boolean; gain: number } | undefined;
  columns.forEach((c, j) => {
    if (!usable[j]) return;
    const hg = new Float64Array(c.binCount);
    const hh = new Float64Array(c.binCount);
    const hc = new Float64Array(c.binCount);
    for (const i of rows) {
      const b = c.bins[i]!;
      hg[b]! += g[i]!;
      hh[b]! += h[i]!;
      hc[b]!++;
    }
    const lastValue = (c.missing >= 0 ? c.missing : c.binCount) - 1;
    const mG = c.missing >= 0 ? hg[c.missing]! : 0;
    const mH = c.missing >= 0 ? hh[c.missing]! : 0;
    const mC = c.missing >= 0 ? hc[c.missing]! : 0;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < lastValue; b++) {
      gl += hg[b]!;
      hl += hh[b]!;
      cl += hc[b]!;
      const vr = { g: G - gl - mG, h: H - hl - mH, c: rows.length - cl - mC };
      // Missing right, then left; without missing rows, the side with more hessian (ties right).
      const dirs = mC > 0 ? [false, true] : [hl > vr.h];
      for (const missingLeft of dirs) {
        const L = { g: gl + (missingLeft ? mG : 0), h: hl + (missingLeft ? mH : 0), c: cl + (missingLeft ? mC : 0) };
        const R = { g: G - L.g, h: H - L.h, c: rows.length - L.c };
        if (L.h < p.minChildWeight || R.h < p.minChildWeight || L.c < p.minChildCount || R.c < p.minChildCount) continue;
        const gain = 0.5 * (score(L.g, L.h) + score(R.g, R.h) - parent) - p.gamma;
        if (gain > 0 && (!best || gain > best.gain)) best = { column: j, bin: b, missingLeft, gain };
      }
    }
  });
  return best;
}
