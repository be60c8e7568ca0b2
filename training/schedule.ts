/**
 * The training schedule every party derives from the job's parameters alone, so no message has
 * to say which samples a step covers: fixed batches of consecutive aligned training samples
 * (fixed so each site transforms its feature chunks to NTT form once per job), visited in a
 * per-epoch order shuffled by the job seed, and the learning rate of each epoch.
 *
 * Batch rule (issue 12; the argument is in README.md, "Why a site cannot solve its gradient
 * for the labels"): a site learns its own exact gradient X_b^T d' for every batch b, p
 * equations (p = its columns, the bank's intercept included) in the batch's m residuals d'.
 * With m <= p it solves them for d', and so for the labels (or, the bank, for the passive
 * sites' linear terms). So no batch may be small: the remainder is folded into the last full
 * batch (every batch holds at least min(batchSize, samples) samples), and every party refuses a
 * job whose smallest batch holds fewer than MIN_ROWS_PER_COLUMN samples per column it has.
 */
import { MAX_BATCH } from './fixed-point.js';
import { checkPreprocessing, preprocessingFromWire, preprocessingToWire, LEGACY_PREPROCESSING, type PreprocessingSpec, type PreprocessingWire } from '../preprocessing/spec.js';

export interface TrainingParams {
  /** Maximum passes over the training split. */
  readonly epochs: number;
  /**
   * Samples per mini-batch, at least; the remainder joins the last batch, so a batch holds
   * fewer than 2 * batchSize samples: <= 2^16 keeps every batch within fixed-point.ts's 2^17.
   * Multiples of 8192 are cheapest.
   */
  readonly batchSize: number;
  /** Step size of epoch 0. */
  readonly learningRate: number;
  /** Inverse-time decay: epoch e uses learningRate / (1 + decay * e). 0 = constant. */
  readonly decay: number;
  /** L2 penalty lambda in loss + lambda/2 |w|^2 (not on the intercept). */
  readonly l2: number;
  readonly seed: number;
  /** Stop after this many epochs without a validation AUC gain of at least minDelta. */
  readonly patience: number;
  readonly minDelta: number;
  /**
   * Site-local preprocessing (preprocessing/spec.ts). Absent only in jobs stored before it was
   * declared, which keep what they did then (LEGACY_PREPROCESSING).
   */
  readonly preprocessing?: PreprocessingSpec;
  /**
   * The model kind's own parameters, checked by the kind (training/model-kind.ts `params`), e.g.
   * the scorecard's bins: kept here so the log entry and the model's metadata show them. They
   * reach the sites in the kind's start payload, not in proto `TrainingParams`.
   */
  readonly modelKindParams?: { readonly [name: string]: number | string | boolean };
}

export const DEFAULT_PARAMS: TrainingParams = {
  epochs: 100,
  batchSize: 8192,
  learningRate: 0.5,
  decay: 0,
  l2: 1e-3,
  seed: 1,
  patience: 3,
  minDelta: 1e-4,
};

export function checkParams(p: TrainingParams): void {
  const bad = (what: string) => {
    throw new RangeError(`training parameters: ${what}`);
  };
  if (!Number.isInteger(p.epochs) || p.epochs < 1) bad(`epochs must be a positive integer, got ${p.epochs}`);
  if (!Number.isInteger(p.batchSize) || p.batchSize < 1 || p.batchSize > MAX_BATCH_SIZE) bad(`batchSize must be an integer in 1..${MAX_BATCH_SIZE}, got ${p.batchSize}`);
  if (!(p.learningRate > 0)) bad(`learningRate must be > 0, got ${p.learningRate}`);
  if (!(p.decay >= 0)) bad(`decay must be >= 0, got ${p.decay}`);
  if (!(p.l2 >= 0)) bad(`l2 must be >= 0, got ${p.l2}`);
  if (!Number.isInteger(p.patience) || p.patience < 1) bad(`patience must be a positive integer, got ${p.patience}`);
  if (p.preprocessing) checkPreprocessing(p.preprocessing);
}

/** The preprocessing a job runs: its declared spec, or what jobs did before one was declared. */
export function preprocessingOf(p: TrainingParams): PreprocessingSpec {
  return p.preprocessing ?? LEGACY_PREPROCESSING;
}

/** Parameters in the wire form of proto `TrainingParams` (the spec as a `Preprocessing` message). */
export function paramsToWire(p: TrainingParams): Omit<TrainingParams, 'preprocessing' | 'modelKindParams'> & { preprocessing?: PreprocessingWire } {
  const { preprocessing, modelKindParams: _inKindStart, ...rest } = p;
  return { ...rest, ...(preprocessing ? { preprocessing: preprocessingToWire(preprocessing) } : {}) };
}

/** Parameters from their wire form; a message without preprocessing is a job from before it (legacy). */
export function paramsFromWire(w: Omit<TrainingParams, 'preprocessing'> & { preprocessing?: PreprocessingWire | null }): TrainingParams {
  const { preprocessing, ...rest } = w;
  return { ...rest, ...(preprocessing ? { preprocessing: preprocessingFromWire(preprocessing) } : {}) };
}

/** The largest batchSize: a batch with the remainder folded in then stays below MAX_BATCH (2^17). */
export const MAX_BATCH_SIZE = MAX_BATCH / 2;

/**
 * Samples every batch must hold per column of each site (features, plus the bank's intercept).
 * m > p only stops an exact solve; the argument for 8 is in README.md (the least-squares
 * estimate a site can form is a fit of its own p columns to m residuals, which gains ~p/m of
 * their variance from the batch itself; at m >= 8p that is at most 1/8).
 */
export const MIN_ROWS_PER_COLUMN = 8;

/** Number of batches: whole batches only, the remainder joins the last one (at least one batch). */
export function batchCount(trainSamples: number, batchSize: number): number {
  return Math.max(1, Math.floor(trainSamples / batchSize));
}

/** Samples [start, end) of batch b; the last batch runs to the end of the split. */
export function batchRange(b: number, trainSamples: number, batchSize: number): { start: number; end: number } {
  const last = b === batchCount(trainSamples, batchSize) - 1;
  return { start: b * batchSize, end: last ? trainSamples : Math.min(trainSamples, (b + 1) * batchSize) };
}

/** The smallest batch of the schedule. */
export function smallestBatch(trainSamples: number, batchSize: number): number {
  return Math.min(trainSamples, batchSize);
}

/** The smallest batch size a site with `columns` columns (intercept included) takes part with. */
export function minimumBatch(columns: number): number {
  return MIN_ROWS_PER_COLUMN * columns;
}

/**
 * Why a site with `columns` columns must not take part in this schedule, or undefined when it
 * may: every party calls this at job start with its own column count and the split it holds.
 */
export function batchRuleViolation(site: string, trainSamples: number, batchSize: number, columns: number): string | undefined {
  const smallest = smallestBatch(trainSamples, batchSize);
  const needed = minimumBatch(columns);
  if (smallest >= needed) return undefined;
  const fix = trainSamples >= needed
    ? `ask for --batch ${needed} or more`
    : `the training split has only ${trainSamples} samples: align more enterprises (or fewer features at ${site})`;
  return `a batch of ${smallest} samples is too small for site ${site}'s ${columns} columns: each batch must hold at least ` +
    `${MIN_ROWS_PER_COLUMN} samples per column (${needed}), or the site could solve its own gradient for the batch's residuals and labels; ${fix}`;
}

/**
 * Whether the passive sites sit out step `step` of `epoch`: only the job's very first step. There
 * every weight is 0, so d' = 2 - 4y exactly and a passive site's gradient X_b^T d' would be p
 * exact integer equations in the batch's binary labels (a low-density subset sum, README.md
 * "The job's first step"). The bank sends them a fresh encryption of a zero residual (gradient 0,
 * no update) and takes the step alone with the true residual. A function of (epoch, step) only,
 * so every party and every replay agrees on it.
 */
export function passivesSitOut(epoch: number, step: number): boolean {
  return epoch === 0 && step === 0;
}

/** Order of the batches in `epoch`: a Fisher-Yates shuffle driven by xorshift32(seed, epoch). */
export function batchOrder(epoch: number, batches: number, seed: number): Uint32Array {
  const order = new Uint32Array(batches);
  for (let i = 0; i < batches; i++) order[i] = i;
  let s = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0 || 1;
  for (let i = batches - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const j = s % (i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

export function learningRateAt(p: TrainingParams, epoch: number): number {
  return p.learningRate / (1 + p.decay * epoch);
}
