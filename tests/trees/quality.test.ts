/**
 * Boosted trees' quality in the clear (issue 16, docs/design/secureboost.md section 13): plain.ts
 * over the three sites' pooled binned features (binned.ts, 32 bins, depth 5, early stopping)
 * against plain LR on the same rows and split (models/lr/plain-logreg.ts, the sites' default
 * preprocessing) and against the bank-alone trees (bank-alone.ts, the report's baseline).
 *
 * What trees must show here is what LR cannot fit: the simulator's non-linear effects (generator
 * 1.2.0, sim/enterprise.ts `defaultLogit`: saturating health, a discipline threshold, a growth
 * U-shape). FATE's breast data is nearly linearly separable, so there trees must only come
 * close to LR. Figures measured are in the comments at each bar and in models/trees/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { auc } from '../../evaluation/metrics.js';
import { featureSetFor } from '../../features/index.js';
import { predictLogit, trainLogReg } from '../../models/lr/plain-logreg.js';
import { trainBankAloneTrees } from '../../models/trees/bank-alone.js';
import { siteColumns } from '../../models/trees/binned.js';
import { treeParams, type TreeParams } from '../../models/trees/params.js';
import { predictPlain, trainPlainBoostedTrees, type BinnedColumn } from '../../models/trees/plain.js';
import { fitPreprocessing, transformRows } from '../../preprocessing/fit.js';
import { DEFAULT_PREPROCESSING } from '../../preprocessing/spec.js';
import { buildBaselineDataset } from '../../sim/baseline.js';
import { generateFederation } from '../../sim/generate.js';
import { rng } from '../training/helpers.js';

interface Site {
  readonly name: string;
  readonly features: readonly string[];
  /** Raw rows, NaN = missing. */
  readonly rows: readonly Float64Array[];
}

interface Data {
  readonly sites: readonly Site[];
  readonly labels: readonly number[];
}

function split<T>(xs: readonly T[], isValidation: readonly boolean[], v: boolean): T[] {
  return xs.filter((_, i) => isValidation[i] === v);
}

/** Trees (pooled, bank-alone) and LR on one seeded split; validation AUCs. */
function measure(name: string, d: Data, params: TreeParams, validationShare: number, seed: number): { trees: number; lr: number; bankTrees: number } {
  const next = rng(seed);
  const isValidation = d.labels.map(() => next() < validationShare);
  const trainLabels = split(d.labels, isValidation, false);
  const validationLabels = split(d.labels, isValidation, true);
  const nt = trainLabels.length;
  const t0 = Date.now();
  // Trees: every site bins its own training rows; the pooled columns hold training rows, then validation rows.
  const columns: BinnedColumn[] = d.sites.flatMap((s) => siteColumns(s.name, s.features, split(s.rows, isValidation, false), split(s.rows, isValidation, true), { bins: params.bins, minBinCount: params.minBinCount }));
  const labels = Uint8Array.from([...trainLabels, ...validationLabels]);
  const validation = new Uint8Array(labels.length).fill(1, nt);
  const model = trainPlainBoostedTrees(columns, labels, params, { bank: 'bank', validation });
  const trees = auc(predictPlain(model, columns).slice(nt), validationLabels);
  const t1 = Date.now();
  // LR: the sites' default preprocessing (missing filled, skew logged, standardized) fitted on the training rows, pooled.
  const pooled = (v: boolean): Float64Array[] => {
    const parts = d.sites.map((s) => {
      const train = split(s.rows, isValidation, false).map((r) => Float64Array.from(r));
      const fitted = fitPreprocessing(train, s.features.length, DEFAULT_PREPROCESSING);
      return transformRows(fitted, v ? split(s.rows, isValidation, true).map((r) => Float64Array.from(r)) : train);
    });
    return parts[0]!.map((_, i) => Float64Array.from(parts.flatMap((rows) => [...rows[i]!])));
  };
  const lrModel = trainLogReg(pooled(false), trainLabels, { epochs: 300, learningRate: 0.5, l2: 1e-3 });
  const lr = auc(pooled(true).map((r) => predictLogit(lrModel, r)), validationLabels);
  const bank = d.sites.find((s) => s.name === 'bank')!;
  const alone = trainBankAloneTrees({
    features: bank.features, trainRows: split(bank.rows, isValidation, false), trainLabels, validationRows: split(bank.rows, isValidation, true), validationLabels, params,
  });
  const bankTrees = auc(alone.validationLogits, validationLabels);
  console.log(
    `${name}: ${nt} train / ${labels.length - nt} validation rows, ${columns.length} features; boosted trees (pooled, ${model.rounds.length} grown, kept ${model.trees.length}) ` +
      `AUC ${trees.toFixed(4)} in ${((t1 - t0) / 1000).toFixed(1)} s; plain LR ${lr.toFixed(4)}; bank-alone trees ${bankTrees.toFixed(4)} (kept ${alone.info.bestTree + 1})`,
  );
  return { trees, lr, bankTrees };
}

async function simulated(enterprises: number, seed: number): Promise<Data> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-trees-'));
  try {
    await generateFederation({ enterprises, seed, outDir });
    const b = buildBaselineDataset(outDir);
    const names = (site: 'bank' | 'tax' | 'power') => featureSetFor(site).catalogue.map((f) => f.name);
    return {
      sites: [{ name: 'bank', features: names('bank'), rows: b.bank }, { name: 'tax', features: names('tax'), rows: b.tax }, { name: 'power', features: names('power'), rows: b.power }],
      labels: [...b.labels],
    };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

const FATE = fileURLToPath(new URL('../../../shared/data/fate/', import.meta.url));

/** FATE breast: guest = bank (y, x0..x9); host x0..x9 = tax, x10..x19 = power; aligned by id (as tests/training/helpers.ts). */
function breast(): Data {
  const read = (f: string) => fs.readFileSync(FATE + f, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
  const guest = read('breast_hetero_guest.csv');
  const host = new Map(read('breast_hetero_host.csv').map((r) => [r[0]!, r.slice(1).map(Number)]));
  const rows = guest.filter((r) => host.has(r[0]!));
  const xs = (prefix: string, k: number) => Array.from({ length: k }, (_, j) => `${prefix}${j}`);
  return {
    sites: [
      { name: 'bank', features: xs('x', 10), rows: rows.map((r) => Float64Array.from(r.slice(2).map(Number))) },
      { name: 'tax', features: xs('x', 10), rows: rows.map((r) => Float64Array.from(host.get(r[0]!)!.slice(0, 10))) },
      { name: 'power', features: xs('x', 10).map((_, j) => `x${j + 10}`), rows: rows.map((r) => Float64Array.from(host.get(r[0]!)!.slice(10, 20))) },
    ],
    labels: rows.map((r) => Number(r[1])),
  };
}

/** Section 9's defaults but 100 trees at most and 20 rounds of patience (validation AUC on ~2,500 rows is noisy). */
const SIM_PARAMS = (seed: number): TreeParams => treeParams({ jobSeed: seed, trees: 100, depth: 5, bins: 32, earlyStoppingRounds: 20 });

describe('boosted trees in the clear against LR and the bank alone', () => {
  it('simulated federation (generator 1.2.0, non-linear effects, 20,000 enterprises): trees beat LR on the same rows', async () => {
    // Measured (2026-12-05, this machine; 20,000 enterprises -> ~8,400 labelled rows at all three
    // sites, 30% validation), validation AUC trees / LR / bank-alone trees:
    //   seed 11: 0.8590 / 0.8301 / 0.7017 (+0.029 over LR)
    //   seed 12: 0.8488 / 0.8418 / 0.6968 (+0.007)
    //   seed 13: 0.8329 / 0.8048 / 0.6765 (+0.028)
    // The margin over LR depends on the seed (0.007 to 0.029), so the bar is on two seeds: trees
    // ahead of LR on each, by >= 0.01 on average (measured 0.018), and far ahead of the bank alone
    // (>= 0.1; measured 0.14-0.16). With LR's linear logit the non-linear effects cost it.
    const margins: number[] = [];
    for (const seed of [11, 12]) {
      const r = measure(`sim 20,000 (seed ${seed})`, await simulated(20_000, seed), SIM_PARAMS(seed), 0.3, seed);
      expect(r.trees).toBeGreaterThan(r.lr);
      expect(r.trees).toBeGreaterThan(r.bankTrees + 0.1);
      margins.push(r.trees - r.lr);
    }
    expect((margins[0]! + margins[1]!) / 2).toBeGreaterThanOrEqual(0.01);
  }, 120_000);

  it('FATE breast: trees as good as LR on a nearly linear data set', () => {
    // minBinCount 20 (the site floor) and minChildCount 10: 421 training rows. Measured (seed 42):
    // trees 0.9984 (24 trees kept of 44), LR 0.9949, bank-alone trees 0.9976. Bar: within 0.005 of LR.
    const r = measure('FATE breast (seed 42)', breast(), treeParams({ jobSeed: 42, trees: 100, depth: 5, bins: 32, minBinCount: 20, minChildCount: 10, earlyStoppingRounds: 20 }), 0.25, 42);
    expect(r.trees).toBeGreaterThan(r.lr - 0.005);
    expect(r.trees).toBeGreaterThan(0.99);
  }, 60_000);
});
