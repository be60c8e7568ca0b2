/**
 * The joint LR's maths with the bank as the only site, in the clear, in this process: what the
 * bank would have trained had no other site joined the job. The evaluation report's bank-only
 * baseline (evaluation/bank-only.ts, issue 19) trains with it, so the gap between the joint model
 * and the baseline measures the other sites' data and nothing else: not another optimizer, not
 * another sigmoid, not another stopping rule.
 *
 * Step for step what BankSite (bank.ts) and Site (site.ts) do in a job whose passive sites
 * hold only zeros: the same fixed-point features (encodeFeatureMatrix: clipped to +-8, at 2^10),
 * the bank's intercept as its last column, the same batches and per-epoch order
 * (schedule.ts), the residual d' = u + 2 - 4y of the linear sigmoid 0.5 + 0.25 z at 2^12,
 * the exact integer gradient sum X_b^T d' scaled by 1/(4 m 2^22), the learning rate of
 * learningRateAt, L2 on every weight but the intercept, the validation score z at 2^12, the
 * AUC early stopping on patience/minDelta and the weights of the best epoch. No engine, no mask:
 * nothing leaves the bank, so there is nothing to hide. tests/training/bank-alone.test.ts checks
 * it gives bit for bit the in-memory joint run's weights when the passive features are zero.
 */
import { auc } from '../../evaluation/metrics.js';
import { FEATURE_SCALE_BITS, LINEAR_SCALE_BITS, PARTIAL_CLIP, clip, encodeFeatureMatrix } from '../../training/fixed-point.js';
import { batchCount, batchOrder, batchRange, checkParams, learningRateAt } from '../../training/schedule.js';
import type { TrainingParams } from '../../training/schedule.js';
import { withIntercept } from './bank.js';

export interface BankAloneData {
  /** The bank's rows exactly as the joint job's site gets them (SiteInput.train/validation). */
  readonly train: readonly Float64Array[];
  readonly validation: readonly Float64Array[];
  readonly trainLabels: ArrayLike<number>;
  readonly validationLabels: ArrayLike<number>;
}

export interface BankAloneResult {
  /** Weights of the best validation epoch, the intercept last (as BankSite.modelWeights()). */
  readonly weights: Float64Array;
  /** Validation logits z of the best epoch (what the joint run's bestScores are for the joint model). */
  readonly validationLogits: Float64Array;
  readonly aucHistory: number[];
  readonly bestEpoch: number;
  readonly epochsRun: number;
}

/** u = X w on samples [start, end), feature by feature, clipped to +-PARTIAL_CLIP (Site.partialValues). */
function partialValues(x: Float64Array, n: number, width: number, weights: Float64Array, start: number, end: number): Float64Array {
  const out = new Float64Array(end - start);
  for (let f = 0; f < width; f++) {
    const w = weights[f]!;
    if (w === 0) continue;
    const base = f * n + start;
    for (let i = 0; i < out.length; i++) out[i]! += w * x[base + i]!;
  }
  return out.map((u) => clip(u, PARTIAL_CLIP));
}

function labelsOf(l: ArrayLike<number>, n: number, split: string): Uint8Array {
  if (l.length !== n) throw new RangeError(`bank alone: ${l.length} ${split} labels for ${n} rows`);
  return Uint8Array.from(Array.from(l, (y, i) => {
    if (y !== 0 && y !== 1) throw new RangeError(`bank alone: ${split} label ${i} is ${y}; labels must be 0 or 1`);
    return y;
  }));
}

/** Trains the bank's LR alone under the joint job's parameters (see the module comment). */
export function trainBankAlone(data: BankAloneData, params: TrainingParams): BankAloneResult {
  checkParams(params);
  const n = data.train.length;
  const nv = data.validation.length;
  if (n === 0) throw new RangeError('bank alone: no training rows');
  if (nv === 0) throw new RangeError('bank alone: no validation rows');
  const y = labelsOf(data.trainLabels, n, 'training');
  const yv = labelsOf(data.validationLabels, nv, 'validation');
  const width = data.train[0]!.length + 1;
  const intercept = width - 1;
  const x = encodeFeatureMatrix(withIntercept(data.train), width).values;
  const xv = encodeFeatureMatrix(withIntercept(data.validation), width).values;
  // Features as the kernel's integers (q = x * 2^10): the gradient sum is then exact, as it is mod t.
  const xq = x.map((v) => Math.round(v * 2 ** FEATURE_SCALE_BITS));
  let weights = new Float64Array(width);
  let best = new Float64Array(width);
  let bestAuc = Number.NEGATIVE_INFINITY;
  let bestLogits = new Float64Array(nv);
  let bestEpoch = 0;
  let withoutGain = 0;
  const aucHistory: number[] = [];
  const batches = batchCount(n, params.batchSize);
  for (let epoch = 0; epoch < params.epochs; epoch++) {
    const lr = learningRateAt(params, epoch);
    for (const b of batchOrder(epoch, batches, params.seed)) {
      const { start, end } = batchRange(b, n, params.batchSize);
      const u = partialValues(x, n, width, weights, start, end);
      const d = new Float64Array(u.length);
      for (let i = 0; i < u.length; i++) d[i] = Math.round((u[i]! + 2 - 4 * y[start + i]!) * 2 ** LINEAR_SCALE_BITS);
      const scale = 4 * (end - start) * 2 ** (LINEAR_SCALE_BITS + FEATURE_SCALE_BITS);
      const next = weights.slice();
      for (let f = 0; f < width; f++) {
        // |d q| < 2^32 per sample and batches <= 2^17: the double sum is an exact integer.
        let sum = 0;
        const base = f * n + start;
        for (let i = 0; i < d.length; i++) sum += d[i]! * xq[base + i]!;
        const g = sum / scale;
        const penalty = f === intercept ? 0 : params.l2 * weights[f]!;
        next[f] = weights[f]! - lr * (g + penalty);
      }
      weights = next;
    }
    // z at 2^12, as the bank unmasks it from the coordinator's decryption (+0 for a rounded -0).
    const z = partialValues(xv, nv, width, weights, 0, nv).map((v) => Math.round(v * 2 ** LINEAR_SCALE_BITS) / 2 ** LINEAR_SCALE_BITS + 0);
    const value = auc(z, yv);
    aucHistory.push(value);
    if (value >= bestAuc + params.minDelta || bestAuc === Number.NEGATIVE_INFINITY) {
      bestAuc = value;
      best = weights.slice();
      bestLogits = z;
      bestEpoch = epoch;
      withoutGain = 0;
    } else {
      withoutGain++;
    }
    if (withoutGain >= params.patience) break;
  }
  return { weights: best, validationLogits: bestLogits, aucHistory, bestEpoch, epochsRun: aucHistory.length };
}
