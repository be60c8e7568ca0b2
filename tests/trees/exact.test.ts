/**
 * Section 13's exactness bar, in-process (docs/design/secureboost.md): with the same bins and
 * parameters, plain.ts (which the federated model equals bit for bit but for the order among
 * equal gains of one site's features: tests/trees/kind.test.ts, paging.test.ts; exact-sim and
 * exact-breast hold the federated model itself against the reference) equals the tests' own
 * booster (tests/trees/reference.ts, written from the design, cell merging included) at every
 * node of every tree, on sim 3,000 and FATE breast, at the default minCellCount 20 and at 1.
 * The reference without merging differs from the federated model after tree 0 (checked below),
 * so the merging rule is what is being compared, not a case where it never fires.
 */
import { describe, expect, it } from 'vitest';
import { treeParams, type TreeParams } from '../../models/trees/params.js';
import { trainPlainBoostedTrees } from '../../models/trees/plain.js';
import { rng } from '../training/helpers.js';
import { breast, expectSameTrees, simulated, splitAndBin, type Dataset } from './exact-data.js';
import { trainReference } from './reference.js';

function exact(name: string, d: Dataset, params: TreeParams, validationCount: number, seed: number): void {
  const { columns, labels, nTrain } = splitAndBin(d, params, validationCount, seed);
  const plain = trainPlainBoostedTrees(columns, labels, params, { bank: 'bank', validation: Uint8Array.from(labels, (_, i) => (i >= nTrain ? 1 : 0)) });
  const ref = trainReference(columns, labels, nTrain, params, { bank: 'bank', quantize: true, minCell: params.minCellCount });
  const mine = plain.trees.map((t) => ({ splits: t.splits.map((s) => ({ ...s, owner: s.owner })), leaves: t.leaves }));
  const passive = expectSameTrees(name, mine, plain.rounds.map((r) => r.validationAuc), ref, columns, 'bank');
  // The passive sites won splits (tree 0 is the bank's alone), so merged cells were compared.
  expect(passive, `${name}: splits on passive features`).toBeGreaterThan(0);
  const unmerged = trainReference(columns, labels, nTrain, params, { bank: 'bank', quantize: true });
  const sameWithoutMerging = unmerged.trees.every((t, k) => JSON.stringify(t.splits.map((s) => [s.node, s.column, s.bin, s.missingLeft])) ===
    JSON.stringify(ref.trees[k]!.splits.map((s) => [s.node, s.column, s.bin, s.missingLeft])));
  expect(sameWithoutMerging, `${name}: the reference without merging grows the same trees, so merging was not exercised`).toBe(false);
  console.log(`${name}, minCellCount ${params.minCellCount}: ${nTrain} / ${labels.length - nTrain} rows, ${columns.length} features, ${params.trees} trees of depth ${params.depth}, ` +
    `${passive} passive splits, equal at every node; validation AUC ${plain.rounds.at(-1)!.validationAuc.toFixed(4)} (reference without merging ${unmerged.validationAuc.at(-1)!.toFixed(4)})`);
}

describe('boosted trees equal the tests\' own merging reference at every node of every tree', () => {
  it('sim 3,000 (seed 5), 808 / 400, 10 trees of depth 5, minCellCount 20 and 1', async () => {
    const d = await simulated(3_000, 5);
    for (const minCellCount of [20, 1]) exact('sim 3,000', d, treeParams({ jobSeed: 5, trees: 10, depth: 5, bins: 32, minCellCount, earlyStoppingRounds: 0 }), 400, 5);
  }, 120_000);

  it('sim 3,000 with missing cells at the passive sites (small missing bins join a cell, large ones stand alone)', async () => {
    // Each passive feature loses a share of its values (0.5% to 30%, seeded): missing bins of
    // every size, so 4.4's missing rules (alone, joined to the smallest cell, kept joined below)
    // all fire.
    const d = await simulated(3_000, 5);
    const next = rng(99);
    const shares = [0.005, 0.02, 0.05, 0.3];
    const sites = d.sites.map((s) => s.name === 'bank' ? s : { ...s, rows: s.rows.map((r) => Float64Array.from(r, (v, j) => (next() < shares[j % shares.length]! ? NaN : v))) });
    for (const minCellCount of [20, 1]) exact('sim 3,000 with missing cells', { ...d, sites }, treeParams({ jobSeed: 6, trees: 10, depth: 5, bins: 32, minCellCount, earlyStoppingRounds: 0 }), 400, 5);
  }, 120_000);

  it('FATE breast 421 / 148, 10 trees of depth 5, minCellCount 20 and 1', () => {
    const d = breast();
    for (const minCellCount of [20, 1]) exact('FATE breast', d, treeParams({ jobSeed: 42, trees: 10, depth: 5, bins: 32, minBinCount: 20, minChildCount: 10, minCellCount, earlyStoppingRounds: 0 }), 148, 42);
  }, 60_000);
});
