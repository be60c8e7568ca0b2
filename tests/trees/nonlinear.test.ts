/**
 * Boosted trees against the federated scorecard and federated LR (docs/design/secureboost.md
 * section 13, `tests/trees/nonlinear.test.ts`), on the same rows and split for all three:
 *
 * - trees: plain.ts in-process on the sites' binned raw columns (binned.ts, the function the
 *   kind calls). The federated BFV model equals plain.ts bit for bit but for the order among
 *   equal gains of one site's features (tests/trees/kind.test.ts; exact-sim / exact-breast
 *   over real processes and exact.test.ts against the tests' own reference), so this is the
 *   federated model's AUC without the BFV run's hours at this size;
 * - the scorecard and LR: the product's federated training protocol in memory
 *   (models/lr/in-memory.ts) with the plaintext engine (the arithmetic BFV reproduces:
 *   tests/scorecard/quality.test.ts), the scorecard on each site's own WOE coding
 *   (tests/scorecard/helpers.ts, as the kind codes), LR on the sites' default preprocessing;
 *   the schedule of tests/scorecard/nonlinear.test.ts and gmsc.test.ts (25 full-batch epochs).
 *
 * Data: the simulator's non-linear effects (sim/ 1.2.0, 20,000 enterprises, seed 11,
 * the 30% validation split of tests/training/helpers.ts `federate`) and the GMSC-shaped tables
 * (sim/tables.ts, `fedcredit sim tables --rows 30000 --seed 7`, gmsc.test.ts's 80/20 split).
 * Figures measured and the bars' reasons are at each bar and in models/trees/README.md.
 */
import { describe, expect, it } from 'vitest';
import { auc } from '../../evaluation/metrics.js';
import { runTrainingInMemory } from '../../models/lr/in-memory.js';
import { PlainEngine } from '../../models/lr/plain-engine.js';
import { DEFAULT_SCORECARD_PARAMS } from '../../models/scorecard/params.js';
import { siteColumns } from '../../models/trees/binned.js';
import { treeParams, type TreeParams } from '../../models/trees/params.js';
import { predictPlain, trainPlainBoostedTrees } from '../../models/trees/plain.js';
import { fitPreprocessing, transformRows } from '../../preprocessing/fit.js';
import { DEFAULT_PREPROCESSING } from '../../preprocessing/spec.js';
import { generateCreditTables } from '../../sim/tables.js';
import { DEFAULT_PARAMS, type TrainingParams } from '../../training/schedule.js';
import { rng, type Federation } from '../training/helpers.js';
import { scorecardFederation } from '../scorecard/helpers.js';
import { simulated, type Dataset } from './exact-data.js';

/** Section 9's defaults but 100 trees at most and 20 rounds of patience (as quality.test.ts). */
const PARAMS = (seed: number): TreeParams => treeParams({ jobSeed: seed, trees: 100, depth: 5, bins: 32, earlyStoppingRounds: 20 });

/** The federated LR / scorecard schedule of the scorecard's quality tests. */
const schedule = (trainRows: number): TrainingParams => ({ ...DEFAULT_PARAMS, epochs: 25, batchSize: trainRows, learningRate: 0.5, patience: 26, l2: 1e-3 });

interface Figures { trees: number; scorecard: number; lr: number; kept: number; seconds: number }

/** The three models on one split (`isValidation` per row); validation AUCs. */
async function measure(name: string, d: Dataset, isValidation: readonly boolean[], params: TreeParams): Promise<Figures> {
  const pick = <T>(xs: readonly T[], v: boolean) => xs.filter((_, i) => isValidation[i] === v);
  const trainLabels = pick(d.labels, false);
  const validationLabels = pick(d.labels, true);
  const nt = trainLabels.length;
  const t0 = Date.now();
  const columns = d.sites.flatMap((s) => siteColumns(s.name, s.features, pick(s.rows, false), pick(s.rows, true), { bins: params.bins, minBinCount: params.minBinCount }));
  const labels = [...trainLabels, ...validationLabels];
  const model = trainPlainBoostedTrees(columns, labels, params, { bank: 'bank', validation: Uint8Array.from(labels, (_, i) => (i >= nt ? 1 : 0)) });
  const trees = auc(Array.from(predictPlain(model, columns).subarray(nt)), validationLabels);
  const seconds = (Date.now() - t0) / 1000;
  // The scorecard codes the sites' raw values (each site bins its own); LR takes them preprocessed.
  const site = (s: Dataset['sites'][number], prepare: boolean) => {
    const train = pick(s.rows, false).map((r) => Float64Array.from(r));
    const validation = pick(s.rows, true).map((r) => Float64Array.from(r));
    if (!prepare) return { name: s.name, train, validation };
    const fitted = fitPreprocessing(train, s.features.length, DEFAULT_PREPROCESSING);
    return { name: s.name, train: transformRows(fitted, train), validation: transformRows(fitted, validation) };
  };
  const federation = (prepare: boolean): Federation => {
    const [bank, ...passives] = d.sites.map((s) => site(s, prepare));
    return { bank: { ...bank!, trainLabels, validationLabels }, passives };
  };
  const { coded, chosen } = scorecardFederation(federation(false), DEFAULT_SCORECARD_PARAMS);
  const sc = await runTrainingInMemory({ engine: new PlainEngine(), bank: coded.bank, passives: coded.passives, params: schedule(nt) });
  const prepared = federation(true);
  const lr = await runTrainingInMemory({ engine: new PlainEngine(), bank: prepared.bank, passives: prepared.passives, params: schedule(nt) });
  const f: Figures = { trees, scorecard: sc.aucHistory.at(-1)!, lr: lr.aucHistory.at(-1)!, kept: model.trees.length, seconds };
  console.log(`${name}: ${nt} train / ${validationLabels.length} validation rows, ${columns.length} features; boosted trees AUC ${f.trees.toFixed(4)} ` +
    `(${model.rounds.length} grown, ${f.kept} kept, ${seconds.toFixed(1)} s); federated scorecard ${f.scorecard.toFixed(4)} (${chosen.length} characteristics); federated LR ${f.lr.toFixed(4)}`);
  return f;
}

describe('boosted trees against the federated scorecard and LR', () => {
  it('sim 20,000 (non-linear effects, seed 11): trees beat the scorecard by >= 0.01 and LR by >= 0.025', async () => {
    // Measured (2026-12-05, load average ~36 on the 2 cores), validation AUC trees / federated
    // scorecard / federated LR: seed 11 0.8590 / 0.8442 / 0.8255 (+0.015, +0.034); seed 12 (not
    // a bar: README) 0.8488 / 0.8458 / 0.8318 (+0.003, +0.017). The margin over the scorecard moves
    // with the seed (the split and the population change): on ~2,500 validation rows the AUC
    // difference of two models scored on the same rows has a standard error of about 0.005, so
    // the bars are the measured margins less 0.005 on the seed the design names (11).
    const seed = 11;
    const d = await simulated(20_000, seed);
    // federate()'s split (tests/training/helpers.ts), which tests/scorecard/nonlinear.test.ts used.
    const next = rng(seed);
    const r = await measure(`sim 20,000 (seed ${seed})`, d, d.labels.map(() => next() < 0.3), PARAMS(seed));
    expect(r.trees).toBeGreaterThan(r.scorecard + 0.01);
    expect(r.trees).toBeGreaterThan(r.lr + 0.025);
  }, 300_000);

  it('GMSC-shaped tables (30,000 rows, seed 7): trees beat the scorecard by >= 0.006 and LR by >= 0.04', async () => {
    // Measured (2026-12-05, load average ~36): trees 0.8685 (79 of 99 trees kept), federated
    // scorecard 0.8572, federated LR 0.8185 on 24,000 / 6,000 rows: +0.011 and +0.050. Bars:
    // measured less 0.005 (6,000 validation rows: a standard error of the difference near 0.003).
    // The target, AUC 0.78 on real credit data, is passed here by 0.09, on a simulation
    // shaped like GMSC (its ceiling is the generator's latent risk, not the real data's).
    const tables = generateCreditTables({ rows: 30_000, seed: 7 });
    const ids = tables.bank.ids;
    const byId = (t: typeof tables.tax) => new Map(t.ids.map((id, i) => [id, t.rows[i]!]));
    const tax = byId(tables.tax);
    const power = byId(tables.power);
    const d: Dataset = {
      sites: [
        { name: 'bank', features: [...tables.bank.columns], rows: tables.bank.rows },
        { name: 'tax', features: [...tables.tax.columns], rows: ids.map((id) => tax.get(id)!) },
        { name: 'power', features: [...tables.power.columns], rows: ids.map((id) => power.get(id)!) },
      ],
      labels: Array.from(tables.bank.labels!),
    };
    // gmsc.test.ts's split.
    const isValidation = ids.map((_, i) => (Math.imul(i + 1, 0x9e3779b1) >>> 0) / 2 ** 32 < 0.2);
    const r = await measure('GMSC-shaped 30,000 (seed 7)', d, isValidation, PARAMS(7));
    expect(r.trees).toBeGreaterThan(r.scorecard + 0.006);
    expect(r.trees).toBeGreaterThan(r.lr + 0.04);
    expect(r.trees).toBeGreaterThan(0.78);
  }, 300_000);
});
