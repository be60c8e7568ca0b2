/**
 * LR's work at a data node (training/model-kind.ts KindSite): each step the coordinator names,
 * answered by the node's BankSite or PassiveSite (bank.ts, passive.ts). training/node.ts keeps
 * the job mechanics; this file keeps LR's part of the node's durable job state: the site
 * checkpoint, the masks of a masked gradient or masked scores it sent (tied to the coordinator's
 * attempt id), the bank's epoch outcomes and the joint validation scores of its best epoch.
 * Every state change is persisted (io.persist) before the answer; Apply/EpochResult for a step
 * it already applied answer "already"; a decryption for another attempt is refused.
 */
import { shareKeys } from '../../crypto/bfv-engine.js';
import { FedcreditError } from '../../lib/errors.js';
import { FEATURE_CLIP, clip } from '../../training/fixed-point.js';
import { field, type FinishedPart, type KindMessage, type KindSite, type KindState, type SiteInput, type SiteIo, type StepRef } from '../../training/model-kind.js';
import { BankSite, type BankCheckpoint } from './bank.js';
import { COORDINATOR } from './messages.js';
import { PassiveSite } from './passive.js';
import type { SealedPayload__Output } from '../../proto/gen/fedcredit/v1/SealedPayload.js';
import type { SiteCheckpoint } from './site.js';

interface EpochRecord { epoch: number; improved: boolean; stop: boolean; auc: number }

/** LR's slice of a node's job state (`store.training/<jobId>`). */
interface LrSiteState {
  checkpoint: SiteCheckpoint | BankCheckpoint;
  /** Masks of the masked gradient sent for (epoch, step) under this attempt. */
  pending?: { attempt: string; epoch: number; step: number; batch: number; masks: number[] };
  /** Bank: masks of the masked validation scores sent for this epoch and attempt. */
  pendingScores?: { attempt: string; epoch: number; masks: number[][] };
  outcomes: EpochRecord[];
  /** Bank: joint validation logits of the best epoch (the kept model), which the bank may see. */
  bestScores?: number[];
}

export async function openLrSite(input: SiteInput, saved: KindState | undefined): Promise<KindSite> {
  const keys = shareKeys({ publicKey: field.bytes(input.start, 'publicKey') });
  const engine = input.engine();
  const data = { name: input.site, train: input.train, validation: input.validation };
  const prior = saved as LrSiteState | undefined;
  let site: PassiveSite | BankSite;
  if (input.role === 'bank') {
    if (!input.labels) throw new FedcreditError('INTERNAL', `site ${input.site}: the bank's labels were not loaded`);
    const bankData = { ...data, trainLabels: input.labels.train, validationLabels: input.labels.validation };
    site = prior
      ? BankSite.restore(prior.checkpoint as BankCheckpoint, bankData, input.passives, input.params, engine, keys, input.jobId)
      : new BankSite(bankData, input.passives, input.params, engine, keys, input.jobId);
  } else {
    site = prior
      ? PassiveSite.restore(prior.checkpoint, data, input.bank, input.params, engine, keys, input.jobId)
      : new PassiveSite(data, input.bank, input.params, engine, keys, input.jobId);
  }
  if (!site.stopped) await site.prepare();
  if (prior?.pending && prior.pending.epoch === site.epoch && prior.pending.step === site.step && !site.stopped) site.restorePendingMasks(prior.pending);
  if (prior?.pendingScores && site instanceof BankSite && prior.pendingScores.epoch === site.epoch) site.restorePendingScoreMasks(prior.pendingScores);
  const state: LrSiteState = prior ?? { checkpoint: site.checkpoint(), outcomes: [] };
  return new LrSite(input, site, state);
}

class LrSite implements KindSite {
  constructor(private readonly input: SiteInput, private readonly site: PassiveSite | BankSite, private readonly state: LrSiteState) {}

  get epoch(): number { return this.site.epoch; }
  get step(): number { return this.site.step; }
  get stopped(): boolean { return this.site.stopped; }

  save(): KindState {
    this.state.checkpoint = this.site.checkpoint();
    return this.state as unknown as KindState;
  }

  handle(name: string, ref: StepRef, payload: KindMessage, io: SiteIo): Promise<KindMessage> {
    switch (name) {
      case 'PartialLinear': return this.#partialLinear(ref, io);
      case 'Residual': return this.#residual(ref, field.sealedList(payload, 'partials'), io);
      case 'Gradient': return this.#gradient(ref, field.sealed(payload, 'residual'), io);
      case 'ApplyGradient': return this.#applyGradient(ref, field.numbers(payload, 'values'), io);
      case 'ValidationPartial': return this.#validationPartial(ref, io);
      case 'MaskedScores': return this.#maskedScores(ref, field.sealedList(payload, 'partials'), io);
      case 'FinishEpoch': return this.#finishEpoch(ref, field.numbers(payload, 'values'), io);
      case 'EpochResult': return this.#epochResult(ref, field.bool(payload, 'improved'), field.bool(payload, 'stop'), io);
      default: throw new FedcreditError('BAD_REQUEST', `model kind lr has no step '${name.slice(0, 40)}'`);
    }
  }

  get #name(): string { return this.input.site; }

  #passive(): PassiveSite {
    if (!(this.site instanceof PassiveSite)) throw new FedcreditError('BAD_REQUEST', `${this.#name} is the bank of job ${this.input.jobId}, not a passive site`);
    return this.site;
  }

  #bank(): BankSite {
    if (!(this.site instanceof BankSite)) throw new FedcreditError('BAD_REQUEST', `${this.#name} is not the bank of job ${this.input.jobId}`);
    return this.site;
  }

  #atStep(ref: StepRef, what: string): number {
    const s = this.site;
    if (s.stopped || ref.epoch !== s.epoch || ref.step !== s.step) {
      throw new FedcreditError('BAD_REQUEST', `${this.#name}: ${what} for epoch ${ref.epoch} step ${ref.step}, but this site is at epoch ${s.epoch} step ${s.step}${s.stopped ? ' (stopped)' : ''}`);
    }
    return s.currentBatch();
  }

  async #partialLinear(ref: StepRef, io: SiteIo): Promise<KindMessage> {
    const site = this.#passive();
    const batch = this.#atStep(ref, 'partial linear terms');
    const m = await site.partialLinear(ref.epoch, batch);
    return { ...io.seal(ref, 'partial-linear', site.bank, m.ciphertexts) };
  }

  async #residual(ref: StepRef, partials: SealedPayload__Output[], io: SiteIo): Promise<KindMessage> {
    const bank = this.#bank();
    const batch = this.#atStep(ref, 'residual');
    const messages = bank.passives.map((from) => ({
      kind: 'partial-linear' as const, from, to: bank.name, sealed: true as const, epoch: ref.epoch, batch,
      ciphertexts: io.open(ref, 'partial-linear', from, partials.find((p) => p.from === from)),
    }));
    const { own } = await bank.residual(ref.epoch, batch, messages);
    const gradient = await bank.maskedGradient(ref.epoch, batch, own);
    await this.#keepMasks(ref, batch, io);
    return {
      residuals: bank.passives.map((to) => io.seal(ref, 'residual', to, own)),
      gradient: { site: bank.name, shares: gradient.shares.map((s) => Buffer.from(s)) },
    };
  }

  async #gradient(ref: StepRef, residual: SealedPayload__Output | undefined, io: SiteIo): Promise<KindMessage> {
    const site = this.#passive();
    const batch = this.#atStep(ref, 'residual');
    const ciphertexts = io.open(ref, 'residual', site.bank, residual);
    const m = await site.gradientFromResidual({ kind: 'residual', from: site.bank, to: site.name, sealed: true, epoch: ref.epoch, batch, ciphertexts });
    await this.#keepMasks(ref, batch, io);
    return { site: site.name, shares: m.shares.map((s) => Buffer.from(s)) };
  }

  async #keepMasks(ref: StepRef, batch: number, io: SiteIo): Promise<void> {
    const p = this.site.pendingMasks()!;
    this.state.pending = { attempt: ref.attempt, epoch: ref.epoch, step: ref.step, batch, masks: p.masks };
    await io.persist();
  }

  async #applyGradient(ref: StepRef, values: number[], io: SiteIo): Promise<KindMessage> {
    const s = this.site;
    if (ref.epoch < s.epoch || (ref.epoch === s.epoch && ref.step < s.step) || s.stopped) return { site: this.#name, already: true };
    const pending = this.state.pending;
    if (!pending || pending.attempt !== ref.attempt || pending.epoch !== ref.epoch || pending.step !== ref.step || ref.step !== s.step) {
      throw new FedcreditError('STALE_ATTEMPT', `${this.#name}: decrypted gradient for epoch ${ref.epoch} step ${ref.step} attempt ${ref.attempt.slice(0, 20)} matches no masked gradient this site has outstanding; refused`);
    }
    s.applyGradient({ kind: 'decrypted-gradient', from: COORDINATOR, to: s.name, sealed: false, epoch: ref.epoch, batch: pending.batch, values: Float64Array.from(values) });
    delete this.state.pending;
    await io.persist();
    io.log(`training ${ref.jobId}: applied epoch ${ref.epoch} step ${ref.step}`);
    return { site: this.#name, already: false };
  }

  async #validationPartial(ref: StepRef, io: SiteIo): Promise<KindMessage> {
    const site = this.#passive();
    if (site.stopped || ref.epoch !== site.epoch || site.step !== site.batches) {
      throw new FedcreditError('BAD_REQUEST', `${this.#name}: validation partial for epoch ${ref.epoch}, but this site is at epoch ${site.epoch} step ${site.step}`);
    }
    const m = await site.validationPartial(ref.epoch);
    return { ...io.seal({ ...ref, step: site.batches }, 'validation-partial', site.bank, m.ciphertexts) };
  }

  async #maskedScores(ref: StepRef, partials: SealedPayload__Output[], io: SiteIo): Promise<KindMessage> {
    const bank = this.#bank();
    const at = { ...ref, step: bank.batches };
    const messages = bank.passives.map((from) => ({
      kind: 'validation-partial' as const, from, to: bank.name, sealed: true as const, epoch: ref.epoch,
      ciphertexts: io.open(at, 'validation-partial', from, partials.find((p) => p.from === from)),
    }));
    const m = await bank.maskedScores(ref.epoch, messages);
    this.state.pendingScores = { attempt: ref.attempt, epoch: ref.epoch, masks: bank.pendingScoreMasks()!.masks };
    await io.persist();
    return { samples: m.samples, ciphertexts: m.ciphertexts.map((c) => Buffer.from(c)) };
  }

  async #finishEpoch(ref: StepRef, values: number[], io: SiteIo): Promise<KindMessage> {
    const bank = this.#bank();
    const done = this.state.outcomes.find((o) => o.epoch === ref.epoch);
    if (done) return { epoch: done.epoch, improved: done.improved, stop: done.stop, validationAuc: done.auc };
    const pending = this.state.pendingScores;
    if (!pending || pending.attempt !== ref.attempt || pending.epoch !== ref.epoch) {
      throw new FedcreditError('STALE_ATTEMPT', `${this.#name}: decrypted scores for epoch ${ref.epoch} attempt ${ref.attempt.slice(0, 20)} match no masked scores outstanding; refused`);
    }
    const { auc, messages } = bank.finishEpoch({ kind: 'decrypted-scores', from: COORDINATOR, to: bank.name, sealed: false, epoch: ref.epoch, values: Float64Array.from(values) }, [bank.name]);
    const own = messages[0]!;
    bank.applyEpochResult(own);
    this.state.outcomes.push({ epoch: ref.epoch, improved: own.improved, stop: own.stop || bank.stopped, auc });
    if (own.improved && bank.bestScores) this.state.bestScores = [...bank.bestScores];
    delete this.state.pendingScores;
    await io.persist();
    io.log(`training ${ref.jobId}: epoch ${ref.epoch} evaluated${own.improved ? ' (best so far)' : ''}${bank.stopped ? ', stopping' : ''}`);
    return { epoch: ref.epoch, improved: own.improved, stop: bank.stopped, validationAuc: auc };
  }

  async #epochResult(ref: StepRef, improved: boolean, stop: boolean, io: SiteIo): Promise<KindMessage> {
    const site = this.#passive();
    if (ref.epoch < site.epoch) return { site: this.#name, already: true };
    if (ref.epoch !== site.epoch || site.step !== site.batches) {
      throw new FedcreditError('BAD_REQUEST', `${this.#name}: epoch result for epoch ${ref.epoch}, but this site is at epoch ${site.epoch} step ${site.step}`);
    }
    site.applyEpochResult({ kind: 'epoch-result', from: site.bank, to: site.name, sealed: false, epoch: ref.epoch, improved, stop });
    await io.persist();
    return { site: this.#name, already: false };
  }

  finish(): FinishedPart {
    const weights = [...this.site.modelWeights()];
    const isBank = this.site instanceof BankSite;
    const intercept = isBank ? weights.pop()! : undefined;
    // Baseline: mean partial term over this site's training population (its answer when it has no record).
    let sum = 0;
    for (const row of this.input.train) {
      let u = intercept ?? 0;
      for (let f = 0; f < weights.length; f++) u += weights[f]! * clip(row[f]!, FEATURE_CLIP);
      sum += u;
    }
    if (isBank && !this.state.bestScores) throw new FedcreditError('INTERNAL', `${this.#name}: job ${this.input.jobId} has no evaluated epoch`);
    return {
      part: { clip: FEATURE_CLIP, weights, ...(intercept !== undefined ? { intercept } : {}), baseline: sum / this.input.train.length },
      featureCount: weights.length,
      ...(isBank ? { validationLogits: this.state.bestScores! } : {}),
    };
  }

  close(): Promise<void> {
    return this.site.close();
  }
}
