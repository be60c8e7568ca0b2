/**
 * Boosted trees at the coordinator (training/model-kind.ts KindCoordinator; design section 4):
 * one job epoch is one tree, one driver step one level. Per level it asks the bank for the
 * level's plan, relays each passive's sealed plan, decrypts the passives' masked histogram shares
 * (kernel.ts decryptPrefix) and writes them ahead in the job record with the attempt id (as LR
 * does) before handing them to the bank, relays the bank's sealed choices and the passives'
 * sealed partitions. At the tree's end the bank's verdict, then each passive's notes.
 *
 * It holds the job's BFV secret key (LR's key pair, models/lr/coordinator.ts). It sees: per level
 * the number of built nodes, the stride, the share counts, sealed payloads' sizes (choices padded
 * to 2^level entries, partitions the same size for every passive) and masked values, uniform mod
 * t; the validation AUC per tree. Never a g, h, histogram, threshold, split owner or leaf weight.
 */
import { shareKeys, type HeEngine, type KeyRef } from '../../crypto/bfv-engine.js';
import { FedcreditError } from '../../lib/errors.js';
import { field, type DriverContext, type EpochOutcome, type KindCoordinator, type KindMessage, type KindState } from '../../training/model-kind.js';
import type { SealedPayload__Output } from '../../proto/gen/fedcredit/v1/SealedPayload.js';
import type { CoordinatorCheckpoint } from '../lr/coordinator.js';
import { LrCoordinator } from '../lr/kind-coordinator.js';
import { histogramKernel } from './kernel.js';
import { DEFAULT_TREE_JOB_PARAMS, treeJobParams } from './kind-params.js';
import { MAX_PARTS } from './paging.js';
import { withBytesAs } from './wire.js';
import type { TreeParams } from './params.js';

/** Shares a passive site may send per level, at most: a count above it is refused unread. */
export const MAX_SHARES_PER_LEVEL = 65_536;

/** Write-ahead record of the level in progress. */
interface LevelRecord {
  tree: number;
  level: number;
  attempt: string;
  /** Set once the shares are decrypted (before they are handed to the bank). */
  decrypted?: { site: string; masked: number[]; fromSite: SealedPayload__Output }[];
  /** The bank's plan had nothing for the passives (tree 0 bank-only, or no node to build). */
  bankOnly?: boolean;
  empty?: boolean;
}

/**
 * Write-ahead record of a tree's end: the attempt is saved before FinishTree is sent, the bank's
 * answer once it is back. A coordinator restarted in between asks again under the same attempt,
 * and the bank replays its kept answer (it has moved on to the next tree: a new attempt would be
 * refused as stale and the job could not resume).
 */
interface FinishRecord {
  tree: number;
  attempt: string;
  answer?: KindMessage;
  /** Every passive has kept the tree: the notes left `answer` (announce). */
  announced?: boolean;
}

/** A paged message's part count (0 on the wire means one part); refused above paging.ts MAX_PARTS. */
function partCount(m: KindMessage): number {
  const n = typeof m['parts'] === 'number' ? Math.max(1, m['parts']) : 1;
  if (n > MAX_PARTS) throw new FedcreditError('BAD_REQUEST', `a site announced ${n} parts for one level; at most ${MAX_PARTS}`);
  return n;
}

function relay(p: SealedPayload__Output | undefined, what: string): SealedPayload__Output {
  if (!p) throw new FedcreditError('INTERNAL', `a site returned no sealed ${what} for every recipient`);
  return p;
}

/**
 * A decoded message as the job record keeps it: byte fields as base64 strings (the record is
 * JSON; protobufjs encodes a base64 string back into the same bytes when it is relayed).
 */
function storable<T>(m: T): T {
  // Bytes to base64 before JSON.stringify, which would call a Buffer's toJSON (wire.ts withBytesAs).
  return JSON.parse(JSON.stringify(withBytesAs(m, (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')))) as T;
}

export class TreesCoordinator implements KindCoordinator {
  readonly #lr = new LrCoordinator();
  #keys: KeyRef | undefined;

  async create(engine: HeEngine, _plaintext: boolean, kindParams?: KindMessage): Promise<KindState> {
    const params = kindParams ? treeJobParams(kindParams) : DEFAULT_TREE_JOB_PARAMS;
    return { ...(await this.#lr.create(engine)), params };
  }

  startPayload(state: KindState): KindMessage {
    return { ...this.#lr.startPayload(state), params: { ...(state['params'] as TreeParams) } };
  }

  #keyRef(ctx: DriverContext): KeyRef {
    const k = ctx.state['keys'] as CoordinatorCheckpoint;
    this.#keys ??= shareKeys({ publicKey: Buffer.from(k.publicKey, 'base64'), secretKey: Buffer.from(k.secretKey, 'base64') });
    return this.#keys;
  }

  async step(ctx: DriverContext): Promise<void> {
    const tree = ctx.epoch;
    const level = ctx.step;
    let rec = ctx.state['level'] as LevelRecord | undefined;
    if (!rec || rec.tree !== tree || rec.level !== level) {
      rec = { tree, level, attempt: ctx.newAttempt() };
      ctx.state['level'] = rec;
      await ctx.save();
    }
    const ref = { jobId: ctx.jobId, attempt: rec.attempt, epoch: tree, step: level };
    if (!rec.decrypted && !rec.bankOnly && !rec.empty) {
      const plan = await ctx.call(ctx.bank, 'LevelStart', ref, { tree, level });
      const perPassive = field.sealedList(plan, 'perPassive');
      const stride = field.number(plan, 'stride');
      if (field.number(plan, 'nodes') === 0) rec.empty = true;
      else if (perPassive.length === 0) rec.bankOnly = true;
      else {
        const kernel = histogramKernel(ctx.engine);
        const parts = partCount(plan);
        // The passives work at the same time (each on its own machine in a deployment); every
        // message stays under 16 MiB: the plan and the shares are paged (paging.ts).
        const decrypted: NonNullable<LevelRecord['decrypted']> = await Promise.all(ctx.passives.map(async (site) => {
          for (let part = 1; part < parts; part++) {
            const got = await ctx.call(ctx.bank, 'FetchPlanPart', ref, { tree, level, site, part });
            await ctx.call(site, 'DeliverPlanPart', ref, { tree, level, part, plan: relay(field.sealed(got, 'plan'), `plan part ${part}`) });
          }
          const answer = await ctx.call(site, 'BuildHistograms', ref, { tree, level, attempt: rec.attempt, plan: relay(perPassive.find((p) => p.to === site), 'plan'), parts });
          const pages = [field.bytesList(answer, 'shares')];
          const shareParts = partCount(answer);
          for (let part = 1; part < shareParts; part++) {
            pages.push(field.bytesList(await ctx.call(site, 'FetchSharesPart', ref, { tree, level, attempt: rec.attempt, part }), 'shares'));
            if (pages.reduce((n, p) => n + p.length, 0) > MAX_SHARES_PER_LEVEL) break;
          }
          const count = pages.reduce((n, p) => n + p.length, 0);
          if (count > MAX_SHARES_PER_LEVEL) throw new FedcreditError('BAD_REQUEST', `${site} sent ${count} histogram shares; at most ${MAX_SHARES_PER_LEVEL} are decrypted per level`);
          const masked: number[] = [];
          for (const shares of pages) if (shares.length > 0) masked.push(...await kernel.decryptPrefix(this.#keyRef(ctx), shares, stride));
          return { site, masked, fromSite: storable(relay(field.sealed(answer, 'toBank'), 'slot map')) };
        }));
        rec.decrypted = decrypted;
      }
      await ctx.save();
    }
    if (rec.empty) {
      delete ctx.state['level'];
      return;
    }
    const choice = await ctx.call(ctx.bank, 'ChooseSplits', ref, { tree, level, perPassive: rec.decrypted ?? [] });
    const choices = field.sealedList(choice, 'perPassive');
    const partitions = rec.bankOnly ? [] : await Promise.all(ctx.passives.map(async (site) => {
      const answer = await ctx.call(site, 'ApplySplits', ref, { tree, level, choice: relay(choices.find((c) => c.to === site), 'choice') });
      return relay(field.sealed(answer, 'toBank'), 'partition');
    }));
    await ctx.call(ctx.bank, 'ApplyPartitions', ref, { tree, level, perPassive: partitions });
    delete ctx.state['level'];
  }

  async evaluate(ctx: DriverContext): Promise<EpochOutcome> {
    const tree = ctx.epoch;
    let rec = ctx.state['finish'] as FinishRecord | undefined;
    if (!rec || rec.tree !== tree) {
      rec = { tree, attempt: ctx.newAttempt() };
      ctx.state['finish'] = rec;
      await ctx.save();
    }
    if (!rec.answer) {
      const answer = await ctx.call(ctx.bank, 'FinishTree', { jobId: ctx.jobId, attempt: rec.attempt, epoch: tree, step: ctx.batches }, { tree });
      rec.answer = storable(answer);
      await ctx.save();
    }
    const a = rec.answer;
    return { epoch: tree, improved: field.bool(a, 'improved'), stop: field.bool(a, 'stop'), auc: field.number(a, 'validationAuc') };
  }

  async announce(ctx: DriverContext, outcome: EpochOutcome): Promise<void> {
    const rec = ctx.state['finish'] as FinishRecord | undefined;
    if (!rec?.answer || rec.tree !== outcome.epoch) throw new FedcreditError('INTERNAL', `tree ${outcome.epoch}: the bank's outcome was not recorded before its announcement`);
    if (rec.announced) return;
    const answer = rec.answer;
    const ref = { jobId: ctx.jobId, attempt: rec.attempt, epoch: rec.tree, step: ctx.batches };
    const notes = field.sealedList(answer, 'perPassive');
    await Promise.all(ctx.passives.map((site) => ctx.call(site, 'TreeDone', ref, {
      tree: rec.tree, improved: outcome.improved, stop: outcome.stop, bestTree: field.number(answer, 'bestTree'), notes: relay(notes.find((n) => n.to === site), 'notes'),
    })));
    // Every passive has kept the tree. The notes leave the record, which the driver saves with
    // each step of the next tree: tree 0's carry the scoring key to each passive (megabytes).
    // The driver's next save (the epoch's end) keeps this; until then a restart sends them again.
    delete answer['perPassive'];
    rec.announced = true;
  }
}
