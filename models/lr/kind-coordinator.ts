/**
 * LR's work at the coordinator (training/model-kind.ts KindCoordinator): what training/driver.ts
 * asks of it per mini-batch step and per epoch, as calls `site -> step -> payload`. The driver
 * keeps the job record, lease, retries and epochs; this file keeps LR's part of that record:
 * the key pair (models/lr/coordinator.ts) and, write-ahead, each decryption before it is handed
 * out, with its attempt id (training/README.md, "Every write is synced").
 */
import { FedcreditError } from '../../lib/errors.js';
import { field, type DriverContext, type EpochOutcome, type KindCoordinator, type KindMessage, type KindState } from '../../training/model-kind.js';
import type { HeEngine } from '../../crypto/bfv-engine.js';
import type { SealedPayload__Output } from '../../proto/gen/fedcredit/v1/SealedPayload.js';
import { Coordinator, type CoordinatorCheckpoint } from './coordinator.js';
import { COORDINATOR } from './messages.js';

/** Write-ahead: what was decrypted for the current step or evaluation, before it is handed out. */
interface DecryptedRecord { kind: 'gradient' | 'scores'; epoch: number; step: number; attempt: string; values: Record<string, number[]> }

/** A sealed payload passes through untouched: the coordinator cannot open it. */
function relay(p: SealedPayload__Output | undefined): SealedPayload__Output {
  if (!p) throw new FedcreditError('INTERNAL', 'a node did not return a sealed payload for every recipient');
  return p;
}

export class LrCoordinator implements KindCoordinator {
  #coordinator: Coordinator | undefined;

  async create(engine: HeEngine): Promise<KindState> {
    const c = await Coordinator.create(engine);
    return { keys: c.checkpoint() };
  }

  startPayload(state: KindState): KindMessage {
    const keys = state['keys'] as CoordinatorCheckpoint;
    return { publicKey: Buffer.from(keys.publicKey, 'base64') };
  }

  #keys(ctx: DriverContext): Coordinator {
    this.#coordinator ??= Coordinator.restore(ctx.state['keys'] as CoordinatorCheckpoint, ctx.engine);
    return this.#coordinator;
  }

  async step(ctx: DriverContext): Promise<void> {
    const { jobId, epoch, step } = ctx;
    const coordinator = this.#keys(ctx);
    let d = ctx.state['decrypted'] as DecryptedRecord | undefined;
    if (!d || d.kind !== 'gradient' || d.epoch !== epoch || d.step !== step) {
      const ref = { jobId, attempt: ctx.newAttempt(), epoch, step };
      const partials = await Promise.all(ctx.passives.map((site) => ctx.call(site, 'PartialLinear', ref, {})));
      const residual = await ctx.call(ctx.bank, 'Residual', ref, { partials });
      const residuals = field.sealedList(residual, 'residuals');
      const gradients = [
        field.message(residual, 'gradient'),
        ...await Promise.all(ctx.passives.map((site) => ctx.call(site, 'Gradient', ref, { residual: relay(residuals.find((r) => r.to === site)) }))),
      ];
      const values: Record<string, number[]> = {};
      for (const g of gradients) {
        const site = String(g['site']);
        const reply = await coordinator.decryptGradient({ kind: 'masked-gradient', from: site, to: COORDINATOR, sealed: false, epoch, batch: step, shares: field.bytesList(g, 'shares') });
        values[site] = [...reply.values];
      }
      d = { kind: 'gradient', epoch, step, attempt: ref.attempt, values };
      ctx.state['decrypted'] = d;
      await ctx.save();
    }
    const ref = { jobId, attempt: d.attempt, epoch, step };
    const decrypted = d;
    await Promise.all([ctx.bank, ...ctx.passives].map((site) => ctx.call(site, 'ApplyGradient', ref, { values: decrypted.values[site]! })));
    // The driver saves the next step with this deletion (one write).
    delete ctx.state['decrypted'];
  }

  async evaluate(ctx: DriverContext): Promise<EpochOutcome> {
    const { jobId, epoch, batches } = ctx;
    let d = ctx.state['decrypted'] as DecryptedRecord | undefined;
    if (!d || d.kind !== 'scores' || d.epoch !== epoch) {
      const ref = { jobId, attempt: ctx.newAttempt(), epoch, step: batches };
      const partials = await Promise.all(ctx.passives.map((site) => ctx.call(site, 'ValidationPartial', ref, {})));
      const masked = await ctx.call(ctx.bank, 'MaskedScores', ref, { partials });
      const reply = await this.#keys(ctx).decryptScores({
        kind: 'masked-scores', from: ctx.bank, to: COORDINATOR, sealed: false, epoch, samples: field.number(masked, 'samples'), ciphertexts: field.bytesList(masked, 'ciphertexts'),
      });
      d = { kind: 'scores', epoch, step: batches, attempt: ref.attempt, values: { [ctx.bank]: [...reply.values] } };
      ctx.state['decrypted'] = d;
      await ctx.save();
    }
    const ref = { jobId, attempt: d.attempt, epoch, step: batches };
    const outcome = await ctx.call(ctx.bank, 'FinishEpoch', ref, { values: d.values[ctx.bank]! });
    // The driver saves the outcome with this deletion (one write).
    delete ctx.state['decrypted'];
    return { epoch, improved: field.bool(outcome, 'improved'), stop: field.bool(outcome, 'stop'), auc: field.number(outcome, 'validationAuc') };
  }

  async announce(ctx: DriverContext, outcome: EpochOutcome): Promise<void> {
    const ref = { jobId: ctx.jobId, attempt: 'epoch-result', epoch: ctx.epoch, step: ctx.batches };
    await Promise.all(ctx.passives.map((site) => ctx.call(site, 'EpochResult', ref, { improved: outcome.improved, stop: outcome.stop })));
  }
}
