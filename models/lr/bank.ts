/**
 * The bank: labels, its own features plus the intercept, and the residual. Per step it adds the
 * passive sites' [[u_k]] to its own clear part, [[d']] = [[u_tax]] + [[u_power]] +
 * (u_bank + 2 - 4y), i.e. 4 (sigma(z) - y) under sigma(z) ~ 0.5 + 0.25 z, and sends [[d']] to
 * each passive site (sealed). It never decrypts anything: it sees no partial term of another
 * site and no residual in the clear. Per epoch it masks [[z]] on the validation split with a
 * uniform polynomial, has the coordinator decrypt it, unmasks the joint scores (which the
 * threat model lets the bank see), computes the AUC and decides on early stopping.
 *
 * The job's first step is the bank's alone (schedule.ts passivesSitOut, README.md "The job's
 * first step"): the passive sites get a fresh encryption of a zero residual, the bank's own
 * gradient uses the true one.
 */
import type { HeEngine, KeyRef } from '../../crypto/bfv-engine.js';
import { fromResidue, randomResidues, subResidue, toResidue } from '../../crypto/bfv-fixed.js';
import { auc } from '../../evaluation/metrics.js';
import { LINEAR_SCALE_BITS } from '../../training/fixed-point.js';
import { COORDINATOR } from './messages.js';
import type { DecryptedScoresMessage, EpochResultMessage, MaskedGradientMessage, MaskedScoresMessage, PartialLinearMessage, PartyName, ResidualMessage, ValidationPartialMessage } from './messages.js';
import { passivesSitOut } from '../../training/schedule.js';
import type { TrainingParams } from '../../training/schedule.js';
import { Site, TrainingStateError } from './site.js';
import type { SiteCheckpoint, SiteData } from './site.js';

export interface BankData extends SiteData {
  readonly trainLabels: ArrayLike<number>;
  readonly validationLabels: ArrayLike<number>;
}

export interface BankCheckpoint extends SiteCheckpoint {
  readonly bestAuc: number;
  readonly epochsWithoutGain: number;
  readonly aucHistory: number[];
}

/** The rows with a constant 1 appended: the bank's intercept is its last column. */
export function withIntercept(rows: readonly Float64Array[]): Float64Array[] {
  return rows.map((r) => {
    const out = new Float64Array(r.length + 1);
    out.set(r);
    out[r.length] = 1;
    return out;
  });
}

export class BankSite extends Site {
  readonly #trainLabels: Uint8Array;
  readonly #validationLabels: Uint8Array;
  bestAuc = Number.NEGATIVE_INFINITY;
  epochsWithoutGain = 0;
  aucHistory: number[] = [];
  /** Joint validation scores z of the last evaluated epoch (the bank may see them). */
  lastScores: Float64Array | undefined;
  /** Joint validation scores of the best epoch so far: the kept model's (for the evaluation report). */
  bestScores: Float64Array | undefined;
  #pendingScores: { epoch: number; masks: Float64Array[] } | undefined;
  /** The true [[d']] of the job's first step, for the bank's own gradient (the passives got [[0]]). */
  #firstStepResidual: { epoch: number; batch: number; ciphertexts: Uint8Array[] } | undefined;

  constructor(
    data: BankData,
    readonly passives: readonly PartyName[],
    params: TrainingParams,
    engine: HeEngine,
    keys: KeyRef | undefined,
    jobId: string,
  ) {
    if (passives.length === 0) {
      throw new RangeError('bank: a job needs at least one passive site; a bank-only model needs no federation (train it locally with models/lr/plain-logreg.ts)');
    }
    if (data.train.length === 0) throw new RangeError(`site ${data.name}: no training rows`);
    super({ name: data.name, train: withIntercept(data.train), validation: withIntercept(data.validation) }, data.train[0]!.length, params, engine, keys, jobId);
    const labels = (l: ArrayLike<number>, n: number, split: string): Uint8Array => {
      if (l.length !== n) throw new RangeError(`bank: ${l.length} ${split} labels for ${n} rows`);
      return Uint8Array.from(Array.from(l, (y, i) => {
        if (y !== 0 && y !== 1) throw new RangeError(`bank: ${split} label ${i} is ${y}; labels must be 0 or 1`);
        return y;
      }));
    };
    this.#trainLabels = labels(data.trainLabels, data.train.length, 'training');
    this.#validationLabels = labels(data.validationLabels, data.validation.length, 'validation');
  }

  static restore(checkpoint: BankCheckpoint, data: BankData, passives: readonly PartyName[], params: TrainingParams, engine: HeEngine, keys: KeyRef | undefined, jobId: string): BankSite {
    const bank = new BankSite(data, passives, params, engine, keys, jobId);
    bank.restoreFrom(checkpoint);
    bank.bestAuc = checkpoint.bestAuc;
    bank.epochsWithoutGain = checkpoint.epochsWithoutGain;
    bank.aucHistory = [...checkpoint.aucHistory];
    return bank;
  }

  override checkpoint(): BankCheckpoint {
    return { ...super.checkpoint(), bestAuc: this.bestAuc, epochsWithoutGain: this.epochsWithoutGain, aucHistory: [...this.aucHistory] };
  }

  #onePerPassive<M extends { from: PartyName; to: PartyName }>(messages: readonly M[], what: string): M[] {
    return this.passives.map((p) => {
      const found = messages.filter((m) => m.from === p && m.to === this.name);
      if (found.length !== 1) throw new TrainingStateError(`bank: expected one ${what} from ${p}, got ${found.length}`);
      return found[0]!;
    });
  }

  /**
   * Step 2: [[d']] for every passive site and for the bank's own gradient. `own` is what the
   * transport seals to every passive site (training/node.ts does exactly that) and hands back to
   * maskedGradient: at the job's first step a fresh encryption of zero, the true [[d']] staying
   * inside the bank.
   */
  async residual(epoch: number, batch: number, partials: readonly PartialLinearMessage[]): Promise<{ messages: ResidualMessage[]; own: Uint8Array[] }> {
    const { start, end } = this.checkStep(epoch, batch, 'residual');
    const mine = this.#onePerPassive(partials, 'partial-linear message');
    for (const m of mine) {
      if (m.epoch !== epoch || m.batch !== batch) throw new TrainingStateError(`bank: ${m.from} sent batch ${m.epoch}/${m.batch}, expected ${epoch}/${batch}`);
    }
    const u = this.partialValues('train', start, end);
    const addend = new Float64Array(u.length);
    for (let i = 0; i < u.length; i++) addend[i] = toResidue(Math.round((u[i]! + 2 - 4 * this.#trainLabels[start + i]!) * 2 ** LINEAR_SCALE_BITS));
    const residual = await this.engine.sum(this.requireKeys(), mine.map((m) => m.ciphertexts), addend);
    let own = residual;
    this.#firstStepResidual = undefined;
    if (passivesSitOut(this.epoch, this.step)) {
      // Every weight is 0: d' = 2 - 4y, exact. The passive sites get [[0]] (a fresh encryption,
      // not derived from their own partial ciphertexts), so their gradient is 0 and they stay at 0.
      this.#firstStepResidual = { epoch, batch, ciphertexts: residual };
      own = await this.engine.encrypt(this.requireKeys(), new Float64Array(u.length));
    }
    const messages = this.passives.map((to): ResidualMessage => ({ kind: 'residual', from: this.name, to, sealed: true, epoch, batch, ciphertexts: own }));
    return { messages, own };
  }

  /** Step 3 for the bank: from `own` of residual(), or at the job's first step from the true [[d']] it kept. */
  override async maskedGradient(epoch: number, batch: number, residual: readonly Uint8Array[]): Promise<MaskedGradientMessage> {
    if (!passivesSitOut(this.epoch, this.step)) return super.maskedGradient(epoch, batch, residual);
    const kept = this.#firstStepResidual;
    if (kept === undefined || kept.epoch !== epoch || kept.batch !== batch) {
      throw new TrainingStateError(`bank: masked gradient for the job's first step (epoch ${epoch} batch ${batch}) without its residual; call residual() for this step first`);
    }
    this.#firstStepResidual = undefined;
    return super.maskedGradient(epoch, batch, kept.ciphertexts);
  }

  /** Evaluation: [[z + R]] on the validation split, for the coordinator to decrypt. */
  async maskedScores(epoch: number, partials: readonly ValidationPartialMessage[]): Promise<MaskedScoresMessage> {
    if (epoch !== this.epoch || this.step !== this.batches) throw new TrainingStateError(`bank: cannot evaluate epoch ${epoch} at epoch ${this.epoch} step ${this.step}`);
    const mine = this.#onePerPassive(partials, 'validation-partial message');
    const u = this.partialResidues('validation', 0, this.validationSamples);
    const joint = await this.engine.sum(this.requireKeys(), mine.map((m) => m.ciphertexts), u);
    const masks = joint.map((_, c) => randomResidues(Math.min(this.engine.chunkSize, this.validationSamples - c * this.engine.chunkSize)));
    const ciphertexts = await this.engine.maskForDecryption(this.requireKeys(), joint, masks);
    this.#pendingScores = { epoch, masks };
    return { kind: 'masked-scores', from: this.name, to: COORDINATOR, sealed: false, epoch, samples: this.validationSamples, ciphertexts };
  }

  /** Evaluation, end: unmask z, AUC, early stopping; one epoch-result per party. */
  finishEpoch(reply: DecryptedScoresMessage, parties: readonly PartyName[]): { auc: number; messages: EpochResultMessage[] } {
    const pending = this.#pendingScores;
    if (pending === undefined || reply.epoch !== pending.epoch) throw new TrainingStateError(`bank: decrypted scores for epoch ${reply.epoch} match no masked scores this bank sent`);
    if (reply.values.length !== this.validationSamples) throw new RangeError(`bank: ${reply.values.length} scores for ${this.validationSamples} validation rows`);
    const z = new Float64Array(this.validationSamples);
    for (let i = 0; i < z.length; i++) {
      const mask = pending.masks[Math.floor(i / this.engine.chunkSize)]![i % this.engine.chunkSize]!;
      z[i] = fromResidue(subResidue(reply.values[i]!, mask)) / 2 ** LINEAR_SCALE_BITS;
    }
    this.#pendingScores = undefined;
    this.lastScores = z;
    const value = auc(z, this.#validationLabels);
    this.aucHistory.push(value);
    const improved = value >= this.bestAuc + this.params.minDelta || this.bestAuc === Number.NEGATIVE_INFINITY;
    if (improved) {
      this.bestScores = z;
      this.bestAuc = value;
      this.epochsWithoutGain = 0;
    } else {
      this.epochsWithoutGain++;
    }
    const stop = this.epochsWithoutGain >= this.params.patience || this.epoch + 1 >= this.params.epochs;
    const messages = parties.map((to): EpochResultMessage => ({
      kind: 'epoch-result', from: this.name, to, sealed: false, epoch: reply.epoch, improved, stop, ...(to === COORDINATOR ? { validationAuc: value } : {}),
    }));
    return { auc: value, messages };
  }

  /** The score masks of masked scores sent and not finished yet (a transport persists them). */
  pendingScoreMasks(): { epoch: number; masks: number[][] } | undefined {
    const p = this.#pendingScores;
    return p === undefined ? undefined : { epoch: p.epoch, masks: p.masks.map((m) => [...m]) };
  }

  restorePendingScoreMasks(p: { epoch: number; masks: readonly (readonly number[])[] }): void {
    if (p.epoch !== this.epoch) throw new TrainingStateError(`bank: saved score masks of epoch ${p.epoch}, the bank is at epoch ${this.epoch}`);
    this.#pendingScores = { epoch: p.epoch, masks: p.masks.map((m) => Float64Array.from(m)) };
  }

  get trainLabels(): Uint8Array {
    return this.#trainLabels;
  }

  get validationLabels(): Uint8Array {
    return this.#validationLabels;
  }
}
