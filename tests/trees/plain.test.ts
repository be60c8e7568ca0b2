/**
 * plain.ts, the centralized reference booster (docs/design/secureboost.md section 13): on a
 * seeded XOR-like interaction of a bank feature and a tax feature it beats an additive (linear,
 * one-hot) logistic model by far; it is deterministic for a seed; it respects depth, the tree
 * count, minChildCount in every split, firstTreeBankOnly, cell merging and early stopping.
 */
import { describe, expect, it } from 'vitest';
import { auc } from '../../evaluation/metrics.js';
import { depthOf, leftChild, rightChild, goesLeft, ROOT, sigmoid } from '../../models/trees/grow.js';
import { treeParams, type TreeParams } from '../../models/trees/params.js';
import { predictPlain, trainPlainBoostedTrees, type BinnedColumn, type PlainModel } from '../../models/trees/plain.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 2 ** 32);
}

/** x1 (bank) and x2 (tax) in 10 bins each; risk is high when exactly one is in its upper half. */
function xorData(n: number, seed: number, noiseLabels = false): { columns: BinnedColumn[]; labels: Uint8Array; validation: Uint8Array } {
  const rnd = lcg(seed);
  const x1 = new Uint8Array(n);
  const x2 = new Uint8Array(n);
  const bnoise = new Uint8Array(n);
  const tnoise = new Uint8Array(n);
  const labels = new Uint8Array(n);
  const validation = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = Math.floor(rnd() * 10);
    // 8% of x2 missing (bin 10), riskier than average.
    x2[i] = rnd() < 0.08 ? 10 : Math.floor(rnd() * 10);
    bnoise[i] = Math.floor(rnd() * 8);
    // A skewed noise feature: its top bins are tiny, so cell merging has work to do.
    tnoise[i] = Math.min(11, Math.floor(-Math.log(1 - rnd()) * 2.5));
    const xor = x2[i] === 10 ? 0.8 : (x1[i]! >= 5) !== (x2[i]! >= 5) ? 1.6 : -1.6;
    labels[i] = rnd() < sigmoid(noiseLabels ? 0 : xor) ? 1 : 0;
    validation[i] = rnd() < 0.3 ? 1 : 0;
  }
  const columns: BinnedColumn[] = [
    { owner: 'bank', name: 'x1', bins: x1, binCount: 10, missing: -1 },
    { owner: 'bank', name: 'bnoise', bins: bnoise, binCount: 8, missing: -1 },
    { owner: 'tax', name: 'x2', bins: x2, binCount: 11, missing: 10 },
    { owner: 'tax', name: 'tnoise', bins: tnoise, binCount: 12, missing: -1 },
  ];
  return { columns, labels, validation };
}

/** An additive model: logistic regression on every feature's one-hot bins (a scorecard's shape). */
function oneHotLogisticAuc(columns: BinnedColumn[], labels: Uint8Array, validation: Uint8Array): number {
  const offsets: number[] = [];
  let width = 0;
  for (const c of columns) {
    offsets.push(width);
    width += c.binCount;
  }
  const w = new Float64Array(width + 1);
  const n = labels.length;
  const train = Array.from({ length: n }, (_, i) => i).filter((i) => validation[i] === 0);
  const margin = (i: number): number => columns.reduce((s, c, j) => s + w[offsets[j]! + c.bins[i]!]!, w[width]!);
  for (let it = 0; it < 300; it++) {
    const grad = new Float64Array(width + 1);
    for (const i of train) {
      const r = sigmoid(margin(i)) - labels[i]!;
      columns.forEach((c, j) => (grad[offsets[j]! + c.bins[i]!]! += r));
      grad[width]! += r;
    }
    for (let k = 0; k <= width; k++) w[k]! -= (2 * grad[k]!) / train.length + 1e-4 * w[k]!;
  }
  const val = Array.from({ length: n }, (_, i) => i).filter((i) => validation[i] === 1);
  return auc(val.map(margin), val.map((i) => labels[i]!));
}

function validationAuc(model: PlainModel, d: ReturnType<typeof xorData>): number {
  const F = predictPlain(model, d.columns);
  const val = Array.from(d.labels.keys()).filter((i) => d.validation[i] === 1);
  return auc(val.map((i) => F[i]!), val.map((i) => d.labels[i]!));
}

/** Training rows reaching each node of a tree, routed independently of plain.ts. */
function rowsPerNode(model: PlainModel, t: number, d: ReturnType<typeof xorData>): Map<number, number> {
  const splits = new Map(model.trees[t]!.splits.map((s) => [s.node, s]));
  const at = new Map<number, number>();
  d.labels.forEach((_, i) => {
    if (d.validation[i] === 1) return;
    let node = ROOT;
    for (;;) {
      at.set(node, (at.get(node) ?? 0) + 1);
      const s = splits.get(node);
      if (!s) break;
      const c = d.columns[s.column]!;
      node = goesLeft(c.bins[i]!, s.bin, c.missing, s.missingLeft) ? leftChild(node) : rightChild(node);
    }
  });
  return at;
}

const BASE: Partial<TreeParams> & { jobSeed: number } = {
  trees: 40, depth: 3, learningRate: 0.3, minChildCount: 30, minCellCount: 20, earlyStoppingRounds: 0, firstTreeBankOnly: false, jobSeed: 7,
};

describe('trainPlainBoostedTrees', () => {
  const d = xorData(6000, 16);

  it('learns the interaction a linear model cannot, in depth and tree limits, minChildCount in every split', () => {
    const p = treeParams(BASE);
    const model = trainPlainBoostedTrees(d.columns, d.labels, p, { bank: 'bank', validation: d.validation });
    const trees = validationAuc(model, d);
    const linear = oneHotLogisticAuc(d.columns, d.labels, d.validation);
    console.log(`XOR data, 6000 rows: boosted trees validation AUC ${trees.toFixed(4)}, one-hot logistic ${linear.toFixed(4)}`);
    expect(trees).toBeGreaterThan(0.75);
    expect(trees).toBeGreaterThan(linear + 0.1);
    // Early stopping off: every tree is kept.
    expect(model.trees.length).toBe(p.trees);
    expect(model.rounds.length).toBe(p.trees);
    expect(model.bestTree).toBe(p.trees - 1);
    expect(model.rounds[p.trees - 1]!.validationAuc).toBeCloseTo(trees, 12);
    const owners = new Set<string>();
    model.trees.forEach((tree, t) => {
      const at = rowsPerNode(model, t, d);
      for (const s of tree.splits) {
        owners.add(s.owner);
        expect(depthOf(s.node)).toBeLessThan(p.depth);
        expect(s.gain).toBeGreaterThan(0);
        expect(at.get(s.node)).toBe(s.cover);
        expect(at.get(leftChild(s.node))).toBeGreaterThanOrEqual(p.minChildCount);
        expect(at.get(rightChild(s.node))).toBeGreaterThanOrEqual(p.minChildCount);
      }
      for (const l of tree.leaves) {
        expect(depthOf(l.node)).toBeLessThanOrEqual(p.depth);
        expect(l.cover).toBe(at.get(l.node));
        expect(Math.abs(l.weight)).toBeLessThanOrEqual(1);
      }
      // Every row ends in exactly one leaf.
      expect(tree.leaves.reduce((s, l) => s + l.cover, 0)).toBe(at.get(ROOT));
    });
    expect(owners).toEqual(new Set(['bank', 'tax']));
  });

  it('is deterministic for a seed, and the seed drives row and column sampling', () => {
    const p = treeParams({ ...BASE, trees: 8, rowSample: 0.7, colSample: 0.5 });
    const a = trainPlainBoostedTrees(d.columns, d.labels, p, { bank: 'bank', validation: d.validation });
    const b = trainPlainBoostedTrees(d.columns, d.labels, p, { bank: 'bank', validation: d.validation });
    expect(b).toEqual(a);
    const c = trainPlainBoostedTrees(d.columns, d.labels, { ...p, jobSeed: 8 }, { bank: 'bank', validation: d.validation });
    expect(c.trees).not.toEqual(a.trees);
    // The fixed point follows the sampled rows: 70% of ~4200 training rows.
    expect(a.trees[0]!.sg).toBe(23 - 12);
    // Rows a tree did not sample still move through it: the margins plain.ts kept equal a fresh
    // prediction on every training row.
    const F = predictPlain(a, d.columns);
    const train = Array.from(d.labels.keys()).filter((i) => d.validation[i] === 0);
    expect(auc(train.map((i) => F[i]!), train.map((i) => d.labels[i]!))).toBe(a.rounds[a.rounds.length - 1]!.trainAuc);
  });

  it('keeps tree 0 to the bank\'s features with firstTreeBankOnly', () => {
    const model = trainPlainBoostedTrees(d.columns, d.labels, treeParams({ ...BASE, trees: 3, firstTreeBankOnly: true }), { bank: 'bank', validation: d.validation });
    expect(model.trees[0]!.splits.length).toBeGreaterThan(0);
    expect(model.trees[0]!.splits.every((s) => s.owner === 'bank')).toBe(true);
    expect(model.trees.slice(1).some((t) => t.splits.some((s) => s.owner === 'tax'))).toBe(true);
  });

  it('releases no cell of a passive feature under minCellCount: a huge minimum leaves the tax site no split', () => {
    const model = trainPlainBoostedTrees(d.columns, d.labels, treeParams({ ...BASE, trees: 3, minCellCount: 100_000 }), { bank: 'bank', validation: d.validation });
    expect(model.trees.every((t) => t.splits.every((s) => s.owner === 'bank'))).toBe(true);
    // With the default minimum, released bins are merged raw bins: a tax threshold is the upper
    // raw bin of its released cell (releasedBin counts cells, bin counts raw bins).
    const merged = trainPlainBoostedTrees(d.columns, d.labels, treeParams({ ...BASE, trees: 10 }), { bank: 'bank', validation: d.validation });
    const taxSplits = merged.trees.flatMap((t) => t.splits.filter((s) => s.owner === 'tax'));
    expect(taxSplits.length).toBeGreaterThan(0);
    for (const s of taxSplits) expect(s.bin).toBeGreaterThanOrEqual(s.releasedBin);
  });

  it('shows the split choice no passive cell under minCellCount, at any node (the bank\'s view)', () => {
    for (const minCellCount of [20, 45]) {
      const seen: number[] = [];
      let merged = 0;
      trainPlainBoostedTrees(d.columns, d.labels, treeParams({ ...BASE, trees: 6, depth: 4, minChildCount: 1, minCellCount }), {
        bank: 'bank', validation: d.validation,
        onPassiveHist: ({ column, hist }) => {
          seen.push(...hist.count);
          if (hist.G.length < d.columns[column]!.binCount) merged++;
        },
      });
      expect(seen.length).toBeGreaterThan(100);
      expect(Math.min(...seen)).toBeGreaterThanOrEqual(minCellCount);
      // The test means something only if cells were merged.
      expect(merged).toBeGreaterThan(0);
    }
  });

  it('stops early after earlyStoppingRounds trees without a validation gain and keeps trees 0..best', () => {
    const noise = xorData(3000, 5, true);
    const p = treeParams({ ...BASE, trees: 100, earlyStoppingRounds: 3 });
    const model = trainPlainBoostedTrees(noise.columns, noise.labels, p, { bank: 'bank', validation: noise.validation });
    expect(model.stoppedEarly).toBe(true);
    expect(model.trees.length).toBe(model.bestTree + 1);
    expect(model.rounds.length).toBe(model.bestTree + 1 + 3);
    const best = Math.max(...model.rounds.map((r) => r.validationAuc));
    expect(model.rounds[model.bestTree]!.validationAuc).toBe(best);
    expect(validationAuc(model, noise)).toBeCloseTo(best, 12);
  });

  it('refuses malformed input with the reason', () => {
    const p = treeParams(BASE);
    expect(() => trainPlainBoostedTrees([], d.labels, p, { bank: 'bank' })).toThrow(/no columns/);
    expect(() => trainPlainBoostedTrees([{ ...d.columns[0]!, bins: new Uint8Array(3) }], d.labels, p, { bank: 'bank' })).toThrow(/rows but there are/);
    expect(() => trainPlainBoostedTrees([{ ...d.columns[2]!, missing: 3 }], d.labels, p, { bank: 'bank' })).toThrow(/last bin/);
    expect(() => trainPlainBoostedTrees([{ ...d.columns[0]!, binCount: 5 }], d.labels, p, { bank: 'bank' })).toThrow(/outside 0..4/);
  });
});
