/**
 * Plaintext logistic regression: the centralized baseline the federated model is measured
 * against (same features, pooled in one place, no encryption).
 *
 * Gradient descent, full batch or mini-batch, with L2 on the weights (not the bias), on rows
 * that should be standardized first (fitStandardizer). `sigmoid: 'taylor1'` trains with the
 * first-order approximation 0.5 + 0.25 z that the encrypted protocol uses, so the cost of that
 * approximation can be measured apart from the cost of federation.
 */

export interface Standardizer {
  readonly mean: Float64Array;
  /** Population standard deviation; 1 for a constant column so it maps to 0, not NaN. */
  readonly std: Float64Array;
}

function checkRows(fn: string, rows: readonly Float64Array[]): number {
  if (rows.length === 0) throw new RangeError(`${fn}: no rows`);
  const width = rows[0]!.length;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.length !== width) throw new RangeError(`${fn}: row ${i} has ${rows[i]!.length} values, row 0 has ${width}`);
  }
  return width;
}

export function fitStandardizer(rows: readonly Float64Array[]): Standardizer {
  const width = checkRows('fitStandardizer', rows);
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  for (const row of rows) for (let j = 0; j < width; j++) mean[j]! += row[j]!;
  for (let j = 0; j < width; j++) mean[j]! /= rows.length;
  for (const row of rows) for (let j = 0; j < width; j++) std[j]! += (row[j]! - mean[j]!) ** 2;
  for (let j = 0; j < width; j++) {
    const sd = Math.sqrt(std[j]! / rows.length);
    std[j] = sd > 1e-12 ? sd : 1;
  }
  return { mean, std };
}

export function standardizeRows(rows: readonly Float64Array[], s: Standardizer): Float64Array[] {
  return rows.map((row, i) => {
    if (row.length !== s.mean.length) {
      throw new RangeError(`standardizeRows: row ${i} has ${row.length} values, the standardizer ${s.mean.length}`);
    }
    const out = new Float64Array(row.length);
    for (let j = 0; j < row.length; j++) out[j] = (row[j]! - s.mean[j]!) / s.std[j]!;
    return out;
  });
}

export interface LogRegOptions {
  /** L2 penalty λ in loss + λ/2 ‖w‖²; default 1e-3. */
  l2?: number;
  /** Step size; default 0.5 (safe for standardized rows). */
  learningRate?: number;
  /** Passes over the data; default 300. */
  epochs?: number;
  /** Rows per step; 0 or absent means full batch. */
  batchSize?: number;
  /** Seed for the mini-batch shuffle, so runs repeat exactly. */
  seed?: number;
  /** 'exact' (default) or 'taylor1': sigmoid(z) ≈ 0.5 + 0.25 z, as in the encrypted protocol. */
  sigmoid?: 'exact' | 'taylor1';
  /** Stop when no weight moves by more than this in an epoch; default 1e-7. */
  tolerance?: number;
}

export interface LogRegModel {
  readonly weights: Float64Array;
  readonly bias: number;
  /** Epochs actually run (fewer than asked if it converged). */
  readonly epochs: number;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function predictLogit(model: LogRegModel, row: Float64Array): number {
  let z = model.bias;
  for (let j = 0; j < model.weights.length; j++) z += model.weights[j]! * row[j]!;
  return z;
}

export function predictProba(model: LogRegModel, rows: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = sigmoid(predictLogit(model, rows[i]!));
  return out;
}

/** Mean binary cross-entropy of the model on rows (probabilities clipped away from 0 and 1). */
export function logLoss(model: LogRegModel, rows: readonly Float64Array[], labels: ArrayLike<number>): number {
  let loss = 0;
  for (let i = 0; i < rows.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(predictLogit(model, rows[i]!))));
    loss -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return loss / rows.length;
}

/** A tiny xorshift32 for the shuffle: this module must not depend on the simulator's PRNG. */
function shuffle(idx: Uint32Array, seed: number): void {
  let s = seed >>> 0 || 0x9e3779b9;
  for (let i = idx.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const j = s % (i + 1);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
}

export function trainLogReg(rows: readonly Float64Array[], labels: ArrayLike<number>, opts: LogRegOptions = {}): LogRegModel {
  const width = checkRows('trainLogReg', rows);
  if (labels.length !== rows.length) throw new RangeError(`trainLogReg: ${rows.length} rows but ${labels.length} labels`);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`trainLogReg: label ${i} is ${labels[i]}; labels must be 0 or 1`);
  }
  const l2 = opts.l2 ?? 1e-3;
  const lr = opts.learningRate ?? 0.5;
  const epochs = opts.epochs ?? 300;
  const tolerance = opts.tolerance ?? 1e-7;
  const batch = opts.batchSize && opts.batchSize > 0 ? Math.min(opts.batchSize, rows.length) : rows.length;
  if (!(l2 >= 0) || !(lr > 0) || !Number.isInteger(epochs) || epochs < 1) {
    throw new RangeError('trainLogReg: need l2 >= 0, learningRate > 0 and a whole number of epochs >= 1');
  }
  const taylor = opts.sigmoid === 'taylor1';
  const w = new Float64Array(width);
  let b = 0;
  const grad = new Float64Array(width);
  const idx = new Uint32Array(rows.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;

  let epoch = 0;
  while (epoch < epochs) {
    epoch++;
    if (batch < rows.length) shuffle(idx, (opts.seed ?? 1) + epoch);
    let maxStep = 0;
    for (let start = 0; start < rows.length; start += batch) {
      const end = Math.min(rows.length, start + batch);
      grad.fill(0);
      let gradB = 0;
      for (let k = start; k < end; k++) {
        const row = rows[idx[k]!]!;
        let z = b;
        for (let j = 0; j < width; j++) z += w[j]! * row[j]!;
        const residual = (taylor ? 0.5 + 0.25 * z : sigmoid(z)) - labels[idx[k]!]!;
        for (let j = 0; j < width; j++) grad[j]! += residual * row[j]!;
        gradB += residual;
      }
      const m = end - start;
      for (let j = 0; j < width; j++) {
        const step = lr * (grad[j]! / m + l2 * w[j]!);
        w[j]! -= step;
        maxStep = Math.max(maxStep, Math.abs(step));
      }
      const stepB = (lr * gradB) / m;
      b -= stepB;
      maxStep = Math.max(maxStep, Math.abs(stepB));
    }
    if (!Number.isFinite(b)) throw new Error('trainLogReg diverged: standardize the rows or lower the learning rate');
    if (maxStep < tolerance) break;
  }
  return { weights: w, bias: b, epochs: epoch };
}
