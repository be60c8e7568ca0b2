/**
 * What every data site (bank included) does in a VFL logistic-regression job: hold its own
 * features and its own slice of the model, compute its partial linear terms in the clear, turn
 * an encrypted residual into masked gradient shares, and update its weights once the
 * coordinator has decrypted the masked values. The masks never leave the site, so the
 * coordinator sees g + R mod t with R uniform: nothing about g.
 *
 * Optimizer: plain mini-batch SGD with inverse-time decay (schedule.ts), L2 on every weight but
 * the intercept, as models/lr/plain-logreg.ts does; the same update on the same batches makes the
 * federated model comparable step for step with a centralized one. Adam would need its moments
 * in the checkpoint and buys little on standardized features.
 *
 * State is a plain JSON-serializable object (SiteCheckpoint) written after every step, so a
 * restarted site resumes at the step it had reached; a reply for a step it already applied
 * is refused, never applied twice.
 */
import { randomUUID } from 'node:crypto';
import type { FeatureRef, HeEngine, KeyRef } from '../../crypto/bfv-engine.js';
import { shareFeatures } from '../../crypto/bfv-engine.js';
import { fromResidue, randomResidues, subResidue, toResidue } from '../../crypto/bfv-fixed.js';
import { FEATURE_SCALE_BITS, LINEAR_SCALE_BITS, PARTIAL_CLIP, clip, encodeFeatureMatrix } from '../../training/fixed-point.js';
import { COORDINATOR } from './messages.js';
import type { DecryptedGradientMessage, EpochResultMessage, MaskedGradientMessage, PartyName } from './messages.js';
import { batchCount, batchOrder, batchRange, checkParams, learningRateAt } from '../../training/schedule.js';
import type { TrainingParams } from '../../training/schedule.js';

export interface SiteData {
  readonly name: PartyName;
  /** Standardized training rows, in the aligned order every party shares. */
  readonly train: readonly Float64Array[];
  readonly validation: readonly Float64Array[];
}

export interface SiteCheckpoint {
  readonly name: PartyName;
  readonly epoch: number;
  /** Steps of `epoch` already applied. */
  readonly step: number;
  readonly weights: number[];
  readonly bestWeights: number[];
  readonly stopped: boolean;
}

export class TrainingStateError extends Error {
  override readonly name = 'TrainingStateError';
}

export abstract class Site {
  readonly name: PartyName;
  readonly width: number;
  readonly #matrix: FeatureRef;
  /** Clipped, quantized features as the kernel sees them, feature-major (train). */
  readonly #train: Float64Array;
  readonly #validation: Float64Array;
  readonly trainSamples: number;
  readonly validationSamples: number;
  protected weights: Float64Array;
  protected bestWeights: Float64Array;
  epoch = 0;
  step = 0;
  stopped = false;
  #pending: { epoch: number; batch: number; masks: Float64Array } | undefined;

  protected constructor(
    data: SiteData,
    /** Index of the intercept column (the bank's constant 1), excluded from L2. */
    private readonly interceptColumn: number | undefined,
    protected readonly params: TrainingParams,
    protected readonly engine: HeEngine,
    protected keys: KeyRef | undefined,
    jobId: string,
  ) {
    checkParams(params);
    if (data.train.length === 0) throw new RangeError(`site ${data.name}: no training rows`);
    this.name = data.name;
    this.width = data.train[0]!.length;
    this.trainSamples = data.train.length;
    this.validationSamples = data.validation.length;
    const train = encodeFeatureMatrix(data.train, this.width);
    // Workers cache NTT forms by matrix id: a fresh id per site instance, so two jobs (or a job
    // and its resumed self) sharing an engine can never read each other's cached features.
    this.#matrix = shareFeatures(`${jobId}:${data.name}:${randomUUID()}`, train.residues, this.trainSamples, this.width);
    this.#train = train.values;
    this.#validation = encodeFeatureMatrix(data.validation, this.width).values;
    this.weights = new Float64Array(this.width);
    this.bestWeights = new Float64Array(this.width);
  }

  get batches(): number {
    return batchCount(this.trainSamples, this.params.batchSize);
  }

  /** Which batch the next step covers. */
  currentBatch(): number {
    if (this.stopped) throw new TrainingStateError(`site ${this.name}: training has stopped`);
    if (this.step >= this.batches) throw new TrainingStateError(`site ${this.name}: epoch ${this.epoch} is done; evaluate it first`);
    return batchOrder(this.epoch, this.batches, this.params.seed)[this.step]!;
  }

  loadPublicKey(keys: KeyRef): void {
    this.keys = keys;
  }

  protected requireKeys(): KeyRef {
    if (this.keys === undefined) throw new TrainingStateError(`site ${this.name}: no public key yet; deliver the coordinator's public-key message first`);
    return this.keys;
  }

  protected checkStep(epoch: number, batch: number, what: string): { start: number; end: number } {
    if (epoch !== this.epoch || batch !== this.currentBatch()) {
      throw new TrainingStateError(`site ${this.name}: ${what} for epoch ${epoch} batch ${batch}, but this site is at epoch ${this.epoch} batch ${this.currentBatch()}`);
    }
    return batchRange(batch, this.trainSamples, this.params.batchSize);
  }

  /** u_k = X_k w_k on samples [start, end) of a split, clipped to +-PARTIAL_CLIP, as residues at 2^12. */
  protected partialResidues(split: 'train' | 'validation', start: number, end: number): Float64Array {
    return this.partialValues(split, start, end).map((u) => toResidue(Math.round(u * 2 ** LINEAR_SCALE_BITS)));
  }

  protected partialValues(split: 'train' | 'validation', start: number, end: number): Float64Array {
    const x = split === 'train' ? this.#train : this.#validation;
    const n = split === 'train' ? this.trainSamples : this.validationSamples;
    const out = new Float64Array(end - start);
    for (let f = 0; f < this.width; f++) {
      const w = this.weights[f]!;
      if (w === 0) continue;
      const base = f * n + start;
      for (let i = 0; i < out.length; i++) out[i]! += w * x[base + i]!;
    }
    return out.map((u) => clip(u, PARTIAL_CLIP));
  }

  /** Job set-up: every batch's feature chunks to NTT form now, in the workers that will use them. */
  async prepare(): Promise<void> {
    const ranges = Array.from({ length: this.batches }, (_, b): [number, number] => {
      const { start, end } = batchRange(b, this.trainSamples, this.params.batchSize);
      return [start, end];
    });
    await this.engine.prepareFeatures(this.requireKeys(), this.#matrix, ranges);
  }

  /** Step 3: [[X_k^T d']] for the current batch, masked, as shares for the coordinator. */
  async maskedGradient(epoch: number, batch: number, residual: readonly Uint8Array[]): Promise<MaskedGradientMessage> {
    const { start, end } = this.checkStep(epoch, batch, 'residual');
    const masks = randomResidues(this.width);
    const shares = await this.engine.maskedGradient(this.requireKeys(), this.#matrix, start, end, residual, masks);
    this.#pending = { epoch, batch, masks };
    return { kind: 'masked-gradient', from: this.name, to: COORDINATOR, sealed: false, epoch, batch, shares };
  }

  /** Step 3, end: unmask, scale, add L2, update this site's weights, advance one step. */
  applyGradient(reply: DecryptedGradientMessage): void {
    const pending = this.#pending;
    if (pending === undefined || reply.epoch !== pending.epoch || reply.batch !== pending.batch) {
      throw new TrainingStateError(`site ${this.name}: decrypted gradient for epoch ${reply.epoch} batch ${reply.batch} matches no masked gradient this site sent; ignore it`);
    }
    if (reply.values.length !== this.width) throw new RangeError(`site ${this.name}: ${reply.values.length} gradient values for ${this.width} features`);
    const { start, end } = batchRange(pending.batch, this.trainSamples, this.params.batchSize);
    const lr = learningRateAt(this.params, this.epoch);
    // sum_i d'_i x_i at scale 2^22, with d' = 4 (sigma - y): the mean gradient is that / (4m).
    const scale = 4 * (end - start) * 2 ** (LINEAR_SCALE_BITS + FEATURE_SCALE_BITS);
    for (let f = 0; f < this.width; f++) {
      const g = fromResidue(subResidue(reply.values[f]!, pending.masks[f]!)) / scale;
      const penalty = f === this.interceptColumn ? 0 : this.params.l2 * this.weights[f]!;
      this.weights[f]! -= lr * (g + penalty);
    }
    this.#pending = undefined;
    this.step++;
  }

  /** End of an epoch, as decided by the bank on validation AUC. */
  applyEpochResult(result: EpochResultMessage): void {
    if (result.epoch !== this.epoch) throw new TrainingStateError(`site ${this.name}: epoch result for ${result.epoch}, this site is at epoch ${this.epoch}`);
    if (result.improved) this.bestWeights = this.weights.slice();
    this.epoch++;
    this.step = 0;
    this.stopped = result.stop || this.epoch >= this.params.epochs;
  }

  /** The final model slice: the weights of the best validation epoch. */
  modelWeights(): Float64Array {
    return this.bestWeights.slice();
  }

  checkpoint(): SiteCheckpoint {
    return { name: this.name, epoch: this.epoch, step: this.step, weights: [...this.weights], bestWeights: [...this.bestWeights], stopped: this.stopped };
  }

  protected restoreFrom(c: SiteCheckpoint): void {
    if (c.name !== this.name) throw new TrainingStateError(`checkpoint of site ${c.name} cannot restore site ${this.name}`);
    if (c.weights.length !== this.width || c.bestWeights.length !== this.width) {
      throw new TrainingStateError(`checkpoint of site ${c.name} has ${c.weights.length} weights; this site has ${this.width} features`);
    }
    this.epoch = c.epoch;
    this.step = c.step;
    this.weights = Float64Array.from(c.weights);
    this.bestWeights = Float64Array.from(c.bestWeights);
    this.stopped = c.stopped;
    this.#pending = undefined;
  }

  /**
   * The masks of the masked gradient this site sent and has not applied yet: a transport
   * persists them with the checkpoint before answering, so a restarted site can still unmask
   * the coordinator's reply (they never leave the site).
   */
  pendingMasks(): { epoch: number; batch: number; masks: number[] } | undefined {
    const p = this.#pending;
    return p === undefined ? undefined : { epoch: p.epoch, batch: p.batch, masks: [...p.masks] };
  }

  /** After restore(): the masks of a masked gradient sent before the restart. */
  restorePendingMasks(p: { epoch: number; batch: number; masks: readonly number[] }): void {
    if (p.epoch !== this.epoch || p.batch !== this.currentBatch() || p.masks.length !== this.width) {
      throw new TrainingStateError(`site ${this.name}: saved masks for epoch ${p.epoch} batch ${p.batch} do not fit this site's position`);
    }
    this.#pending = { epoch: p.epoch, batch: p.batch, masks: Float64Array.from(p.masks) };
  }

  async close(): Promise<void> {
    await this.engine.forget(this.#matrix.id);
  }
}
