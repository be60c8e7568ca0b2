/**
 * The centralized baseline on a simulated federation: what a single party holding all three
 * sites' records could achieve with plain logistic regression, against what the bank achieves
 * alone. Only a simulation can compute this (it reads every site's files); the federated model
 * is judged against it.
 *
 * Population: enterprises the bank can label (loan records in the label window) that all three
 * sites hold, i.e. what vertical federated training aligns on. Split into train and test by a
 * hash of the credit code, so the split does not depend on file order.
 */
import { bankLabel, featureSetFor } from '../features/index.js';
import { parsePeriod } from '../schema/site-schema.js';
import { auc, ksStatistic } from '../evaluation/metrics.js';
import { fitPreprocessing, transformRows } from '../preprocessing/fit.js';
import { LEGACY_PREPROCESSING } from '../preprocessing/spec.js';
import { predictProba, trainLogReg, type LogRegOptions } from '../models/lr/plain-logreg.js';
import { readManifest, readSiteRecords } from './read.js';

export interface BaselineDataset {
  codes: string[];
  labels: Uint8Array;
  /** Per-site feature rows, aligned with `codes`, in each catalogue's order; NaN where a feature is undefined. */
  tax: Float64Array[];
  power: Float64Array[];
  bank: Float64Array[];
}

/** Features and labels, as of the manifest's observation month, for the three-site intersection. */
export function buildBaselineDataset(outDir: string): BaselineDataset {
  const asOf = parsePeriod(readManifest(outDir).observation);
  const taxRecords = readSiteRecords(outDir, 'tax');
  const powerRecords = readSiteRecords(outDir, 'power');
  const bankRecords = readSiteRecords(outDir, 'bank');
  const out: BaselineDataset = { codes: [], labels: new Uint8Array(0), tax: [], power: [], bank: [] };
  const labels: number[] = [];
  for (const [code, bank] of bankRecords) {
    const tax = taxRecords.get(code);
    const power = powerRecords.get(code);
    if (!tax || !power) continue;
    const label = bankLabel(bank, asOf);
    if (label === null) continue;
    out.codes.push(code);
    labels.push(label);
    out.tax.push(featureSetFor('tax').compute(tax, asOf));
    out.power.push(featureSetFor('power').compute(power, asOf));
    out.bank.push(featureSetFor('bank').compute(bank, asOf));
  }
  out.labels = Uint8Array.from(labels);
  return out;
}

/** FNV-1a of the code and seed, as a fraction in [0, 1): a split that ignores row order. */
function splitPoint(code: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < code.length; i++) h = Math.imul(h ^ code.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}

export interface ModelScore {
  auc: number;
  ks: number;
}

export interface BaselineResult {
  trainRows: number;
  testRows: number;
  testDefaults: number;
  defaultRate: number;
  bankOnly: ModelScore;
  pooled: ModelScore;
  /** Pooled features trained with sigmoid ≈ 0.5 + 0.25 z, as the encrypted protocol does. */
  pooledTaylor: ModelScore;
}

function fitAndScore(trainRows: Float64Array[], trainY: Uint8Array, testRows: Float64Array[], testY: Uint8Array, opts: LogRegOptions): ModelScore {
  // A feature undefined for an enterprise is NaN (features/spec.ts): filled with the training
  // split's mean and standardized, nothing more (no clipping, no log): this baseline measures
  // the data's signal, so its figures stay comparable with those measured before preprocessing.
  const trainX = trainRows.map((r) => Float64Array.from(r));
  const testX = testRows.map((r) => Float64Array.from(r));
  const fitted = fitPreprocessing(trainX, trainX[0]!.length, LEGACY_PREPROCESSING);
  const model = trainLogReg(transformRows(fitted, trainX), trainY, opts);
  const p = predictProba(model, transformRows(fitted, testX));
  return { auc: auc(p, testY), ks: ksStatistic(p, testY) };
}

export function centralizedBaseline(data: BaselineDataset, opts: { testFraction?: number; seed?: number } = {}): BaselineResult {
  const testFraction = opts.testFraction ?? 0.3;
  const seed = opts.seed ?? 1;
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  const train: number[] = [];
  const test: number[] = [];
  data.codes.forEach((code, i) => (splitPoint(code, seed) < testFraction ? test : train).push(i));
  const pooled = (i: number) => Float64Array.of(...data.bank[i]!, ...data.tax[i]!, ...data.power[i]!);
  const pick = <T>(idx: number[], f: (i: number) => T) => idx.map(f);
  const trainY = Uint8Array.from(train, (i) => data.labels[i]!);
  const testY = Uint8Array.from(test, (i) => data.labels[i]!);
  const lrOpts: LogRegOptions = { epochs: 500, learningRate: 0.5, l2: 1e-3 };
  let defaults = 0;
  for (const y of data.labels) defaults += y;
  return {
    trainRows: train.length,
    testRows: test.length,
    testDefaults: testY.reduce((a, b) => a + b, 0),
    defaultRate: data.labels.length > 0 ? defaults / data.labels.length : 0,
    bankOnly: fitAndScore(pick(train, (i) => data.bank[i]!), trainY, pick(test, (i) => data.bank[i]!), testY, lrOpts),
    pooled: fitAndScore(pick(train, pooled), trainY, pick(test, pooled), testY, lrOpts),
    pooledTaylor: fitAndScore(pick(train, pooled), trainY, pick(test, pooled), testY, { ...lrOpts, sigmoid: 'taylor1', learningRate: 0.2 }),
  };
}
