/**
 * The training schedule every party derives from the job's parameters alone, so no message has
 * to say which samples a step covers: fixed batches of consecutive aligned training samples
 * (fixed so each site transforms its feature chunks to NTT form once per job), visited in a
 * per-epoch order shuffled by the job seed, and the learning rate of each epoch.
 */
export interface TrainingParams {
  /** Maximum passes over the training split. */
  readonly epochs: number;
  /** Samples per mini-batch (<= 2^17, see fixed-point.ts); multiples of 8192 are cheapest. */
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
}

export const DEFAULT_PARAMS: TrainingParams = {
  epochs: 30,
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
  if (!Number.isInteger(p.batchSize) || p.batchSize < 1 || p.batchSize > 2 ** 17) bad(`batchSize must be an integer in 1..131072, got ${p.batchSize}`);
  if (!(p.learningRate > 0)) bad(`learningRate must be > 0, got ${p.learningRate}`);
  if (!(p.decay >= 0)) bad(`decay must be >= 0, got ${p.decay}`);
  if (!(p.l2 >= 0)) bad(`l2 must be >= 0, got ${p.l2}`);
  if (!Number.isInteger(p.patience) || p.patience < 1) bad(`patience must be a positive integer, got ${p.patience}`);
}

export function batchCount(trainSamples: number, batchSize: number): number {
  return Math.ceil(trainSamples / batchSize);
}

/** Samples [start, end) of batch b. */
export function batchRange(b: number, trainSamples: number, batchSize: number): { start: number; end: number } {
  return { start: b * batchSize, end: Math.min(trainSamples, (b + 1) * batchSize) };
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
