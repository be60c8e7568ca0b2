/**
 * The bank-only baseline of the evaluation report: what the bank would have trained without the
 * other sites, so the report can show what federation adds (evaluation/report.ts).
 *
 * Fair by construction (issue 19): the joint LR's own maths with the bank as the only site
 * (models/lr/bank-alone.ts), locally, in the clear, on the bank's rows exactly as its site in the
 * joint job gets them (same preprocessing), the same training/validation split, and the job's own
 * parameters: same batches in the same seeded order, same learning rate schedule, same linear
 * sigmoid 0.5 + 0.25 z, same L2, same early stopping on validation AUC and the same 'keep the
 * best epoch' rule. The joint model minus this baseline is then the other sites' data alone.
 *
 * Reports stored before that (method 'plain-logreg': exact sigmoid, full batch, its own epochs
 * and learning rate) stay readable (LegacyBankOnlyModelInfo).
 */
import { trainBankAlone } from '../models/lr/bank-alone.js';
import type { Calibration } from '../scoring/calibration.js';
import { DEFAULT_PARAMS } from '../training/schedule.js';
import type { TrainingParams } from '../training/schedule.js';
import { checkScoresAndLabels } from './model-evaluation.js';

/** The bank's own features on the same training and validation split as the joint model. */
export interface BankOnlySplit {
  /** The bank's rows as the joint job's bank site gets them (after the site's preprocessing). */
  readonly trainRows: readonly Float64Array[];
  readonly trainLabels: ArrayLike<number>;
  readonly validationRows: readonly Float64Array[];
  readonly validationLabels: ArrayLike<number>;
  /** The joint job's training parameters (default: training/schedule.ts DEFAULT_PARAMS). */
  readonly params?: TrainingParams;
}

/** The method of the baseline: the joint LR job's maths and parameters, the bank the only site. */
export const BANK_ALONE_METHOD = 'joint-lr-bank-alone';

export interface BankOnlyModelInfo {
  readonly method: typeof BANK_ALONE_METHOD;
  /** The bank's columns (after preprocessing), the intercept not counted. */
  readonly features: number;
  readonly trainSamples: number;
  readonly validationSamples: number;
  readonly epochsRun: number;
  /** The epoch whose weights the baseline keeps (highest validation AUC, as the joint model). */
  readonly bestEpoch: number;
  /** The joint job's parameters, all of them used as the joint job uses them. */
  readonly params: TrainingParams;
  /** The joint model's sigmoid approximation 0.5 + 0.25 z. */
  readonly sigmoid: 'taylor1';
  /** Its Platt recalibration, fitted on its validation scores as the joint model's is; `bankOnly` is evaluated after it. */
  readonly calibration: Calibration;
}

/** The baseline of reports stored before issue 19: plain LR with its own schedule. */
export interface LegacyBankOnlyModelInfo {
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
 * Trains the bank-only baseline (the joint LR job with the bank as its only site, locally, in
 * the clear) and returns its validation logits of the best epoch (buildEvaluationReport then
 * recalibrates them as it does the joint model's).
 */
export function trainBankOnly(input: BankOnlySplit): { validationLogits: Float64Array; info: Omit<BankOnlyModelInfo, 'calibration'> } {
  const fn = 'buildEvaluationReport (bank-only)';
  const { trainRows, trainLabels, validationRows, validationLabels } = input;
  checkScoresAndLabels(`${fn} training labels`, new Float64Array(trainLabels.length), trainLabels);
  const width = checkRows(fn, 'training', trainRows, trainLabels);
  checkRows(fn, 'validation', validationRows, validationLabels, width);
  // The optimizer's parameters; the preprocessing is already in the rows (the bank's own, as the joint model saw them).
  const { preprocessing: _inRows, ...params }: TrainingParams = { ...(input.params ?? DEFAULT_PARAMS) };
  const run = trainBankAlone({ train: trainRows, validation: validationRows, trainLabels, validationLabels }, params);
  return {
    validationLogits: run.validationLogits,
    info: {
      method: BANK_ALONE_METHOD,
      features: width,
      trainSamples: trainRows.length,
      validationSamples: validationRows.length,
      epochsRun: run.epochsRun,
      bestEpoch: run.bestEpoch,
      params,
      sigmoid: 'taylor1',
    },
  };
}
