/**
 * A fusion job at the coordinator (training/model-kind.ts KindCoordinator; design section 8):
 * it drives boosted trees' coordinator (models/trees/kind-coordinator.ts) and then the
 * scorecard's (models/scorecard/kind-coordinator.ts), unchanged, each on its own slice of the job
 * record and with its own job key pair. The whole tree phase runs inside the job's first driver
 * step (as the scorecard's WOE protocol does before its first LR step): tree t is the trees
 * kind's epoch t, level l its step l, evaluated and announced as the trees driver would; the
 * position (tree, level) is saved after every level, so a restarted coordinator carries on where
 * it stopped and each half's own write-ahead records make a repeated call answer the same bytes.
 * Then every driver step, evaluation and announcement is the scorecard's (bin sums once, then
 * LR's epochs over the WOE-coded characteristics, the bank's tree characteristics among them).
 *
 * What the coordinator sees is the union of what the two kinds show it (models/trees/README.md,
 * models/scorecard/README.md), never more: the two phases exchange nothing through it.
 */
import type { HeEngine } from '../../crypto/bfv-engine.js';
import type { DriverContext, EpochOutcome, KindCoordinator, KindMessage, KindState } from '../../training/model-kind.js';
import { ScorecardCoordinator } from '../scorecard/kind-coordinator.js';
import { TreesCoordinator } from '../trees/kind-coordinator.js';
import { DEFAULT_FUSION_PARAMS, checkFusionParams, fusionParamsFromMessage, type FusionParams } from './params.js';

/** Where the tree phase stands (the coordinator's slice of the job record). */
interface GrowState { tree: number; level: number; done: boolean; aucs: number[] }

/** The driver's context as one half sees it: its own state slice, and (trees) its own epoch and step. */
function half(ctx: DriverContext, state: KindState, at?: { epoch: number; step: number; batches: number }): DriverContext {
  return {
    get jobId() { return ctx.jobId; }, get bank() { return ctx.bank; }, get passives() { return ctx.passives; },
    get epoch() { return at ? at.epoch : ctx.epoch; }, get step() { return at ? at.step : ctx.step; }, get batches() { return at ? at.batches : ctx.batches; },
    get params() { return ctx.params; }, get plaintext() { return ctx.plaintext; }, get engine() { return ctx.engine; },
    state, save: () => ctx.save(), newAttempt: () => ctx.newAttempt(), call: (site, name, ref, payload) => ctx.call(site, name, ref, payload),
  };
}

export class FusionCoordinator implements KindCoordinator {
  readonly #trees = new TreesCoordinator();
  readonly #card = new ScorecardCoordinator();

  async create(engine: HeEngine, plaintext: boolean, kindParams?: KindMessage): Promise<KindState> {
    const p = kindParams ? checkFusionParams(fusionParamsFromMessage(kindParams)) : DEFAULT_FUSION_PARAMS;
    const grow: GrowState = { tree: 0, level: 0, done: false, aucs: [] };
    return {
      params: { trees: { ...p.trees }, scorecard: { ...p.scorecard } },
      trees: await this.#trees.create(engine, plaintext, { ...p.trees }),
      card: await this.#card.create(engine, plaintext, { ...p.scorecard }),
      grow,
    };
  }

  startPayload(state: KindState): KindMessage {
    return { trees: this.#trees.startPayload(state['trees'] as KindState), scorecard: this.#card.startPayload(state['card'] as KindState) };
  }

  async step(ctx: DriverContext): Promise<void> {
    const grow = ctx.state['grow'] as GrowState;
    if (!grow.done) await this.#grow(ctx, grow);
    await this.#card.step(half(ctx, ctx.state['card'] as KindState));
  }

  /** The tree phase: trees.step per level, then its evaluation and announcement, until the bank says stop. */
  async #grow(ctx: DriverContext, grow: GrowState): Promise<void> {
    const depth = (ctx.state['params'] as FusionParams).trees.depth;
    const state = ctx.state['trees'] as KindState;
    for (;;) {
      while (grow.level < depth) {
        await this.#trees.step(half(ctx, state, { epoch: grow.tree, step: grow.level, batches: depth }));
        grow.level++;
        await ctx.save();
      }
      const at = half(ctx, state, { epoch: grow.tree, step: depth, batches: depth });
      const outcome: EpochOutcome = await this.#trees.evaluate(at);
      await this.#trees.announce(at, outcome);
      if (grow.aucs.length === grow.tree) grow.aucs.push(outcome.auc);
      if (outcome.stop) break;
      grow.tree++;
      grow.level = 0;
      await ctx.save();
    }
    grow.done = true;
    await ctx.save();
  }

  evaluate(ctx: DriverContext): Promise<EpochOutcome> {
    return this.#card.evaluate(half(ctx, ctx.state['card'] as KindState));
  }

  announce(ctx: DriverContext, outcome: EpochOutcome): Promise<void> {
    return this.#card.announce(half(ctx, ctx.state['card'] as KindState), outcome);
  }
}
