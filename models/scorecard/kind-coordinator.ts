/**
 * The scorecard's work at the coordinator (training/model-kind.ts KindCoordinator). Before the
 * first training step it runs the WOE protocol once (models/scorecard/README.md): the bank's
 * sealed [[y]] relayed to each passive site, each passive site's masked bin sums decrypted and
 * handed back. What it decrypts is written ahead (with the attempt id) before it is handed out,
 * as LR does, so a restarted coordinator hands out the same values and a site can still unmask
 * them. Then every step and evaluation is LR's (models/lr/kind-coordinator.ts), over the sites'
 * WOE-coded characteristics. The coordinator sees sealed payloads, masked residues uniform mod t,
 * and the number of packed bin sums per passive site (bin-sums.ts); never a count.
 */
import { FedcreditError } from '../../lib/errors.js';
import type { HeEngine } from '../../crypto/bfv-engine.js';
import { field, type DriverContext, type EpochOutcome, type KindCoordinator, type KindMessage, type KindState } from '../../training/model-kind.js';
import { Coordinator, type CoordinatorCheckpoint } from '../lr/coordinator.js';
import { LrCoordinator } from '../lr/kind-coordinator.js';
import { COORDINATOR } from '../lr/messages.js';
import { DEFAULT_SCORECARD_PARAMS, scorecardJobParams, type ScorecardParams } from './params.js';

/** Write-ahead: the decrypted bin sums of every passive site, before they are handed out. */
interface BinSumsRecord { attempt: string; values: Record<string, number[]> }

/** Bins a passive site may release per job, at most: a share count above it is refused unread. */
export const MAX_RELEASED_BINS = 4096;

export class ScorecardCoordinator implements KindCoordinator {
  readonly #lr = new LrCoordinator();
  #keys: Coordinator | undefined;

  async create(engine: HeEngine, _plaintext: boolean, kindParams?: KindMessage): Promise<KindState> {
    // The job's parameters (the driver checked them already, before any node was asked; checked again: cheap).
    const params = kindParams ? scorecardJobParams(kindParams) : DEFAULT_SCORECARD_PARAMS;
    return { ...(await this.#lr.create(engine)), params };
  }

  startPayload(state: KindState): KindMessage {
    const p = state['params'] as ScorecardParams;
    return { ...this.#lr.startPayload(state), ...p };
  }

  async step(ctx: DriverContext): Promise<void> {
    if (ctx.state['binned'] !== true) await this.#binSums(ctx);
    await this.#lr.step(ctx);
  }

  async #binSums(ctx: DriverContext): Promise<void> {
    this.#keys ??= Coordinator.restore(ctx.state['keys'] as CoordinatorCheckpoint, ctx.engine);
    let record = ctx.state['binSums'] as BinSumsRecord | undefined;
    if (!record) {
      const ref = { jobId: ctx.jobId, attempt: ctx.newAttempt(), epoch: 0, step: 0 };
      const labels = field.sealedList(await ctx.call(ctx.bank, 'EncryptLabels', ref, {}), 'labels');
      const values: Record<string, number[]> = {};
      for (const site of ctx.passives) {
        const sealed = labels.find((p) => p.to === site);
        if (!sealed) throw new FedcreditError('INTERNAL', `the bank sealed no labels for ${site}`);
        const answer = await ctx.call(site, 'BinSums', ref, { labels: sealed });
        const shares = field.bytesList(answer, 'shares');
        if (shares.length > MAX_RELEASED_BINS) throw new FedcreditError('BAD_REQUEST', `${site} sent ${shares.length} bin sums; at most ${MAX_RELEASED_BINS} are decrypted`);
        const reply = await this.#keys.decryptGradient({ kind: 'masked-gradient', from: site, to: COORDINATOR, sealed: false, epoch: 0, batch: 0, shares });
        values[site] = [...reply.values];
      }
      record = { attempt: ref.attempt, values };
      ctx.state['binSums'] = record;
      await ctx.save();
    }
    const ref = { jobId: ctx.jobId, attempt: record.attempt, epoch: 0, step: 0 };
    const done = record;
    await Promise.all(ctx.passives.map((site) => ctx.call(site, 'ApplyBinSums', ref, { values: done.values[site]! })));
    delete ctx.state['binSums'];
    ctx.state['binned'] = true;
    await ctx.save();
  }

  evaluate(ctx: DriverContext): Promise<EpochOutcome> {
    return this.#lr.evaluate(ctx);
  }

  announce(ctx: DriverContext, outcome: EpochOutcome): Promise<void> {
    return this.#lr.announce(ctx, outcome);
  }
}
