/**
 * The bank-only baseline of the evaluation report: plain logistic regression trained locally at
 * the bank, in the clear, on its own features and the same training/validation split as the
 * joint model, so the report can show what federation adds (evaluation/report.ts).
 */
import { fitStandardizer, predictLogit, standardizeRows, trainLogReg } from '../models/lr/plain-logreg.js';
import { FEATURE_CLIP, clip } from '../training/fixed-point.js';
import { checkScoresAndLabels } from './model-evaluation.js';

export interface BankOnlyOptions {
  readonly l2?: number;
  readonly epochs?: number;
  readonly learningRate?: number;
  /** 0 or absent: full batch. */
  readonly batchSize?: number;
  readonly seed?: number;
  /** 'exact' (default: the bank trains in the clear and needs no approximation) or 'taylor1'. */
  readonly sigmoid?: 'exact' | 'taylor1';
}

/** The bank's own features on the same training and validation split as the joint model. */
export interface BankOnlySplit {
  readonly trainRows: readonly Float64Array[];
  readonly trainLabels: ArrayLike<number>;
  readonly validationRows: readonly Float64Array[];
  readonly validationLabels: ArrayLike<number>;
  readonly options?: BankOnlyOptions;
}

export interface BankOnlyModelInfo {
  readonly method: 'plain-logreg';
  readonly features: number;
  readonly trainSamples: number;
  readonly validationSamples: number;
  readonly epochsRun: number;
  readonly l2: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly sigmoid: 'exact' | 'taylor1';
}

function checkRows(fn: string, what: string, rows: readonly Float64Array[], labels: ArrayLike<number>, width?: number): number {
  if (!Array.isArray(rows)) throw new TypeError(`${fn}: ${what} rows must be an array of Float64Array`);
  if (rows.length !== labels.length) throw new RangeError(`${fn}: ${rows.length} ${what} rows but ${labels.length} ${what} labels`);
  if (rows.length === 0) throw new RangeError(`${fn}: no ${what} rows`);
  const w = width ?? rows[0]!.length;
  if (w === 0) throw new RangeError(`${fn}: ${what} rows have no features`);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.length !== w) throw new RangeError(`${fn}: ${what} row ${i} has ${row.length} features, expected ${w}`);
    for (let j = 0; j < w; j++) {
      if (!Number.isFinite(row[j]!)) throw new RangeError(`${fn}: ${what} row ${i} feature ${j} is ${row[j]}; features must be finite`);
    }
  }
  return w;
}

/**
 * Trains the bank-only baseline (plain logistic regression, locally at the bank, in the clear,
 * on the bank's own features standardized with training statistics and clipped like the joint
 * model's) and returns its logits on the validation rows.
 */
export function trainBankOnly(input: BankOnlySplit): { validationLogits: Float64Array; info: BankOnlyModelInfo } {
  const fn = 'buildEvaluationReport (bank-only)';
  const { trainRows, trainLabels, validationRows, validationLabels } = input;
  checkScoresAndLabels(`${fn} training labels`, new Float64Array(trainLabels.length), trainLabels);
  const width = checkRows(fn, 'training', trainRows, trainLabels);
  checkRows(fn, 'validation', validationRows, validationLabels, width);
  const o = input.options ?? {};
  const s = fitStandardizer(trainRows);
  const prep = (rows: readonly Float64Array[]) => standardizeRows(rows, s).map((r) => r.map((v) => clip(v, FEATURE_CLIP)));
  const l2 = o.l2 ?? 1e-3;
  const learningRate = o.learningRate ?? 0.5;
  const epochs = o.epochs ?? 300;
  const batchSize = o.batchSize ?? 0;
  const seed = o.seed ?? 1;
  const sig = o.sigmoid ?? 'exact';
  const model = trainLogReg(prep(trainRows), trainLabels, { l2, learningRate, epochs, batchSize, seed, sigmoid: sig });
  const v = prep(validationRows);
  const validationLogits = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) validationLogits[i] = predictLogit(model, v[i]!);
  if (!validationLogits.every(Number.isFinite)) {
    throw new RangeError(`${fn}: training diverged (non-finite validation logits); lower learningRate (${learningRate})`);
  }
  return {
    validationLogits,
    info: {
      method: 'plain-logreg',
      features: width,
      trainSamples: trainRows.length,
      validationSamples: validationRows.length,
      epochsRun: model.epochs,
      l2,
      learningRate,
      batchSize: batchSize > 0 ? Math.min(batchSize, trainRows.length) : trainRows.length,
      seed,
      sigmoid: sig,
    },
  };
}
