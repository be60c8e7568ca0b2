/**
 * A passive site (tax, power): features only, no labels. Per step it sends [[u_k]] to the bank
 * (sealed: the coordinator must not read ciphertexts under its own key), then turns the bank's
 * [[d']] into masked gradient shares (Site.maskedGradient). Per epoch it sends [[u_k]] on the
 * validation split, so the bank can score the joint model without seeing u_k alone.
 */
import type { HeEngine, KeyRef } from '../../crypto/bfv-engine.js';
import type { PartialLinearMessage, PartyName, ResidualMessage, ValidationPartialMessage } from './messages.js';
import type { TrainingParams } from '../../training/schedule.js';
import { Site } from './site.js';
import type { SiteCheckpoint, SiteData } from './site.js';

export class PassiveSite extends Site {
  constructor(
    data: SiteData,
    readonly bank: PartyName,
    params: TrainingParams,
    engine: HeEngine,
    keys: KeyRef | undefined,
    jobId: string,
  ) {
    super(data, undefined, params, engine, keys, jobId);
  }

  static restore(checkpoint: SiteCheckpoint, data: SiteData, bank: PartyName, params: TrainingParams, engine: HeEngine, keys: KeyRef | undefined, jobId: string): PassiveSite {
    const site = new PassiveSite(data, bank, params, engine, keys, jobId);
    site.restoreFrom(checkpoint);
    return site;
  }

  /** Step 1: [[u_k]] on the current batch, for the bank. */
  async partialLinear(epoch: number, batch: number): Promise<PartialLinearMessage> {
    const { start, end } = this.checkStep(epoch, batch, 'partial linear terms');
    const ciphertexts = await this.engine.encrypt(this.requireKeys(), this.partialResidues('train', start, end));
    return { kind: 'partial-linear', from: this.name, to: this.bank, sealed: true, epoch, batch, ciphertexts };
  }

  /** Step 3 from the bank's residual message. */
  gradientFromResidual(message: ResidualMessage) {
    if (message.from !== this.bank || message.to !== this.name) throw new RangeError(`site ${this.name}: residual from ${message.from} to ${message.to} is not for this site`);
    return this.maskedGradient(message.epoch, message.batch, message.ciphertexts);
  }

  /** Evaluation: [[u_k]] on the validation split, for the bank. */
  async validationPartial(epoch: number): Promise<ValidationPartialMessage> {
    const ciphertexts = await this.engine.encrypt(this.requireKeys(), this.partialResidues('validation', 0, this.validationSamples));
    return { kind: 'validation-partial', from: this.name, to: this.bank, sealed: true, epoch, ciphertexts };
  }
}
