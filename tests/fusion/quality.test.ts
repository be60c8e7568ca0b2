/**
 * The fusion model's quality bar (design section 13, "Fusion"): on sim/ 20,000 enterprises, on one
 * split, the fusion card's validation AUC is at least the federated scorecard's and at most the
 * boosted trees' it is made from (He et al. 2014's trade: most of the trees' lift, a card's
 * form). In process, for size (the brief allows it): the trees are models/trees/plain.ts, the
 * centralized booster the federated kind equals bit for bit (tests/trees/kind.test.ts); the
 * bank's tree characteristics are built by models/fusion/leaves.ts, every site's card columns by
 * the scorecard's own code (binForSite, codeForSite: what the kind's sites run); LR on WOE is
 * LR's protocol in memory with the plaintext engine (the same fixed-point steps as BFV).
 * Figures measured here are in models/fusion/README.md.
 */
import { describe, expect, it } from 'vitest';
import { runTrainingInMemory } from '../../models/lr/in-memory.js';
import { PlainEngine } from '../../models/lr/plain-engine.js';
import { binForSite, codeForSite } from '../../models/scorecard/coding.js';
import { DEFAULT_SCORECARD_PARAMS } from '../../models/scorecard/params.js';
import { eventsPerBin } from '../../models/scorecard/woe.js';
import { siteColumns } from '../../models/trees/binned.js';
import { goesLeft, leftChild, rightChild, ROOT } from '../../models/trees/grow.js';
import { treeParams } from '../../models/trees/params.js';
import { trainPlainBoostedTrees, type BinnedColumn } from '../../models/trees/plain.js';
import { leafFeatures, withLeafColumns, isTreeCharacteristic, type TreeShape } from '../../models/fusion/leaves.js';
import { fusionTreeParams } from '../../models/fusion/params.js';
import { DEFAULT_PARAMS, type TrainingParams } from '../../training/schedule.js';
import { simulatedFederation, type Federation } from '../training/helpers.js';

/** Each site's card columns by the scorecard's code; the bank's features may include tree characteristics. */
function card(f: Federation, bankFeatures: string[], bankTrain: Float64Array[], bankValidation: Float64Array[]): { coded: Federation; chosen: string[]; minLeafBin: number } {
  const chosen: string[] = [];
  let minLeafBin = Infinity;
  const parties = [
    { name: 'bank', role: 'bank' as const, features: bankFeatures, train: bankTrain, validation: bankValidation },
    ...f.passives.map((p) => ({ name: p.name, role: 'passive' as const, features: Array.from(p.train[0]!, (_, j) => `${p.name}_x${j}`), train: p.train, validation: p.validation })),
  ];
  const coded = parties.map((p) => {
    const bins = binForSite(p.role, p.features, p.train, DEFAULT_SCORECARD_PARAMS);
    const events = bins.binned.map((c, j) => eventsPerBin(bins.trainBins[j]!, Array.from(f.bank.trainLabels), c.counts.length));
    const coding = codeForSite(bins, events, DEFAULT_SCORECARD_PARAMS, p.train, p.validation);
    for (const c of coding.binned) if (isTreeCharacteristic(c.name)) minLeafBin = Math.min(minLeafBin, ...c.counts);
    chosen.push(...coding.chosen.map((c) => c.name));
    return { name: p.name, train: coding.train, validation: coding.validation };
  });
  const [bank, ...passives] = coded;
  return { coded: { bank: { ...bank!, trainLabels: f.bank.trainLabels, validationLabels: f.bank.validationLabels }, passives }, chosen, minLeafBin };
}

describe('fusion quality on sim 20,000', () => {
  it('scores an AUC at least the scorecard\'s and at most the trees\'; every leaf bin >= 50 training rows', async () => {
    const f = await simulatedFederation(20_000, 11);
    const nTrain = f.bank.train.length;
    const sites = [{ name: 'bank', train: f.bank.train, validation: f.bank.validation }, ...f.passives];
    const params = fusionTreeParams(DEFAULT_SCORECARD_PARAMS, { jobSeed: 7 });
    const p = treeParams({ ...params });
    const columnsOf = new Map<string, BinnedColumn[]>(sites.map((x) => [x.name, siteColumns(x.name, Array.from(x.train[0]!, (_, j) => `${x.name}_x${j}`), x.train, x.validation, { bins: p.bins, minBinCount: p.minBinCount })]));
    const columns = sites.flatMap((x) => columnsOf.get(x.name)!);
    const labels = [...f.bank.trainLabels, ...f.bank.validationLabels];
    const validation = Uint8Array.from(labels, (_, i) => (i >= nTrain ? 1 : 0));
    const trees = trainPlainBoostedTrees(columns, labels, p, { bank: 'bank', validation });
    const treesAuc = trees.rounds[trees.bestTree]!.validationAuc;

    // Every row's leaf in every kept tree (the bank's knowledge with the shared partition).
    const shapes: TreeShape[] = trees.trees.map((t, k) => ({ tree: k, nodes: [], leaves: t.leaves.map((l) => ({ node: l.node })) }));
    const leafOf = trees.trees.map((t) => {
      const at = new Map(t.splits.map((x) => [x.node, x]));
      const leaves = new Set(t.leaves.map((l) => l.node));
      return Uint8Array.from(labels, (_, i) => {
        let node = ROOT;
        while (!leaves.has(node)) {
          const x = at.get(node)!;
          const c = columns[x.column]!;
          node = goesLeft(c.bins[i]!, x.bin, c.missing, x.missingLeft) ? leftChild(node) : rightChild(node);
        }
        return node;
      });
    });
    // Every leaf of every kept tree holds >= minBinCount (50) training rows: minChildCount is the card's floor.
    const smallestLeaf = Math.min(...leafOf.flatMap((rows, k) => trees.trees[k]!.leaves.map((l) => rows.subarray(0, nTrain).filter((n) => n === l.node).length)));
    expect(smallestLeaf).toBeGreaterThanOrEqual(DEFAULT_SCORECARD_PARAMS.minBinCount);
    const bankFeatures = Array.from(f.bank.train[0]!, (_, j) => `bank_x${j}`);
    const treeFeatures = shapes.flatMap((s) => leafFeatures(s.tree, s.leaves.map((l) => `n${l.node}`)));
    const fusion = card(f, [...bankFeatures, ...treeFeatures], withLeafColumns(f.bank.train, 0, shapes, leafOf), withLeafColumns(f.bank.validation, nTrain, shapes, leafOf));
    const scorecard = card(f, bankFeatures, f.bank.train, f.bank.validation);

    const lr: TrainingParams = { ...DEFAULT_PARAMS, epochs: 25, batchSize: nTrain, learningRate: 0.5, patience: 26, l2: 1e-3 };
    const engine = new PlainEngine();
    const run = async (c: Federation) => (await runTrainingInMemory({ engine, bank: c.bank, passives: c.passives, params: lr })).validationAuc;
    const fusionAuc = await run(fusion.coded);
    const scorecardAuc = await run(scorecard.coded);
    const chosenTrees = fusion.chosen.filter(isTreeCharacteristic).length;
    console.log(`sim 20,000 (${nTrain} train / ${labels.length - nTrain} validation): boosted trees (${trees.trees.length} trees of depth ${p.depth}, min child ${p.minChildCount}) ${treesAuc.toFixed(4)}, ` +
      `fusion ${fusionAuc.toFixed(4)} (${chosenTrees} tree characteristics of ${fusion.chosen.length}), scorecard ${scorecardAuc.toFixed(4)}; smallest leaf ${smallestLeaf} training rows, smallest leaf bin ${fusion.minLeafBin}`);
    expect(fusion.minLeafBin).toBeGreaterThanOrEqual(50);
    expect(chosenTrees).toBeGreaterThan(0);
    expect(fusionAuc).toBeGreaterThanOrEqual(scorecardAuc);
    expect(fusionAuc).toBeLessThanOrEqual(treesAuc);
  }, 600_000);
});
