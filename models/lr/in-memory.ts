/**
 * Runs a whole VFL job with every party in this process and messages passed by reference,
 * recording a transcript (from, to, kind, payload bytes, sealed flag) of each message. This is
 * the transport-free reference the gRPC transport must reproduce message for message, the
 * harness of the privacy and quality tests, and the benchmark's driver.
 *
 * Checkpoint and resume: `haltAfterSteps` stops after that many mini-batch steps and returns
 * every party's state as one JSON string; `resume` rebuilds the parties from it and carries on.
 * Training is deterministic given the job seed (masks are random but cancel exactly), so a
 * resumed job ends with the model an uninterrupted one would have.
 */
import type { HeEngine } from '../../crypto/bfv-engine.js';
import { shareKeys } from '../../crypto/bfv-engine.js';
import { BankSite } from './bank.js';
import type { BankCheckpoint, BankData } from './bank.js';
import { Coordinator } from './coordinator.js';
import type { CoordinatorCheckpoint } from './coordinator.js';
import { COORDINATOR, payloadBytes } from './messages.js';
import type { PartyName, TrainingMessage } from './messages.js';
import { PassiveSite } from './passive.js';
import { DEFAULT_PARAMS, batchRuleViolation, checkParams } from '../../training/schedule.js';
import type { TrainingParams } from '../../training/schedule.js';
import type { SiteCheckpoint, SiteData } from './site.js';

export interface InMemoryJob {
  readonly jobId?: string;
  readonly engine: HeEngine;
  readonly params?: Partial<TrainingParams>;
  readonly bank: BankData;
  readonly passives: readonly SiteData[];
  /** Stop after this many mini-batch steps of this run and return a checkpoint. */
  readonly haltAfterSteps?: number;
  /** A checkpoint from a halted run: resume from it. */
  readonly resume?: string;
  /** Keep every message in the transcript (tests); off by default to save memory. */
  readonly keepPayloads?: boolean;
  /** Called once every party is set up (keys, features encoded and in NTT form), before the first step. */
  readonly onStart?: () => void;
  /** Called after each epoch's evaluation (benchmarks time epochs with it). */
  readonly onEpoch?: (epoch: number, validationAuc: number) => void;
  /**
   * Tests only: run even when a batch breaks the batch rule (schedule.ts), to show the attack
   * the rule stops. No transport has this switch: every node refuses such a job.
   */
  readonly unsafeSkipBatchRule?: boolean;
}

/** A job every party would refuse under the batch rule (schedule.ts); names the site and the rule. */
export class BatchRuleError extends RangeError {
  override readonly name = 'BatchRuleError';
}

export interface TranscriptEntry {
  readonly from: PartyName;
  readonly to: PartyName;
  readonly kind: TrainingMessage['kind'];
  readonly bytes: number;
  readonly sealed: boolean;
  readonly epoch: number;
  readonly batch?: number;
  readonly message?: TrainingMessage;
}

export interface InMemoryCheckpoint {
  readonly bank: BankCheckpoint;
  readonly passives: SiteCheckpoint[];
  readonly coordinator: CoordinatorCheckpoint;
}

export interface InMemoryResult {
  readonly status: 'completed' | 'halted';
  /** JSON of InMemoryCheckpoint when halted. */
  readonly checkpoint?: string;
  readonly transcript: TranscriptEntry[];
  /** Best validation AUC (the epoch whose weights the model keeps). */
  readonly validationAuc: number;
  readonly aucHistory: number[];
  readonly epochs: number;
  /** Each site's slice of the model (the bank's last weight is the intercept). */
  readonly models: Record<PartyName, Float64Array>;
  /** Joint validation scores of the last evaluated epoch (what the bank sees). */
  readonly validationScores: Float64Array | undefined;
  readonly steps: number;
}

export async function runTrainingInMemory(job: InMemoryJob): Promise<InMemoryResult> {
  const params: TrainingParams = { ...DEFAULT_PARAMS, ...job.params };
  const jobId = job.jobId ?? 'job';
  const { engine } = job;
  const names = job.passives.map((p) => p.name);
  if (new Set([job.bank.name, ...names, COORDINATOR]).size !== names.length + 2) throw new RangeError('party names must be distinct and not "coordinator"');
  const transcript: TranscriptEntry[] = [];
  const record = (m: TrainingMessage): void => {
    transcript.push({
      from: m.from, to: m.to, kind: m.kind, bytes: payloadBytes(m), sealed: m.sealed, epoch: m.epoch,
      ...('batch' in m ? { batch: m.batch } : {}), ...(job.keepPayloads ? { message: m } : {}),
    });
  };

  checkParams(params);
  // Each party's own check, as a node makes it at job start: its columns (the bank's intercept
  // included) against the smallest batch of the schedule on the split it holds.
  const parties = [{ data: job.bank, columns: (job.bank.train[0]?.length ?? 0) + 1 }, ...job.passives.map((data) => ({ data, columns: data.train[0]?.length ?? 0 }))];
  for (const { data, columns } of job.unsafeSkipBatchRule ? [] : parties.filter((p) => p.data.train.length > 0)) {
    const violation = batchRuleViolation(data.name, data.train.length, params.batchSize, columns);
    if (violation) throw new BatchRuleError(`site ${data.name} refuses the job: ${violation} (rule 'minBatch')`);
  }

  const saved = job.resume === undefined ? undefined : (JSON.parse(job.resume) as InMemoryCheckpoint);
  const coordinator = saved ? Coordinator.restore(saved.coordinator, engine) : await Coordinator.create(engine);
  // Every site receives the public key as a message, even on resume (the transport re-sends it).
  const keysFor = (to: PartyName) => {
    const m = coordinator.publicKeyMessage(to);
    record(m);
    return shareKeys({ publicKey: m.publicKey });
  };
  const bank = saved
    ? BankSite.restore(saved.bank, job.bank, names, params, engine, keysFor(job.bank.name), jobId)
    : new BankSite(job.bank, names, params, engine, keysFor(job.bank.name), jobId);
  const passives = job.passives.map((data, i) => {
    const keys = keysFor(data.name);
    const c = saved?.passives[i];
    return c ? PassiveSite.restore(c, data, bank.name, params, engine, keys, jobId) : new PassiveSite(data, bank.name, params, engine, keys, jobId);
  });
  const sites = [bank, ...passives];
  for (const p of passives) {
    if (p.trainSamples !== bank.trainSamples || p.validationSamples !== bank.validationSamples) {
      throw new RangeError(`site ${p.name} has ${p.trainSamples}/${p.validationSamples} train/validation rows, the bank ${bank.trainSamples}/${bank.validationSamples}: align the parties first`);
    }
  }

  await Promise.all(sites.map((s) => s.prepare()));
  job.onStart?.();
  let steps = 0;
  try {
    while (!bank.stopped) {
      while (bank.step < bank.batches) {
        if (job.haltAfterSteps !== undefined && steps >= job.haltAfterSteps) {
          const checkpoint: InMemoryCheckpoint = { bank: bank.checkpoint(), passives: passives.map((p) => p.checkpoint()), coordinator: coordinator.checkpoint() };
          return result('halted', JSON.stringify(checkpoint));
        }
        const epoch = bank.epoch;
        const batch = bank.currentBatch();
        const partials = await Promise.all(passives.map((p) => p.partialLinear(epoch, batch)));
        partials.forEach(record);
        const residual = await bank.residual(epoch, batch, partials);
        residual.messages.forEach(record);
        const gradients = await Promise.all([
          bank.maskedGradient(epoch, batch, residual.own),
          ...passives.map((p) => p.gradientFromResidual(residual.messages.find((m) => m.to === p.name)!)),
        ]);
        gradients.forEach(record);
        const replies = await Promise.all(gradients.map((g) => coordinator.decryptGradient(g)));
        replies.forEach(record);
        for (const reply of replies) sites.find((s) => s.name === reply.to)!.applyGradient(reply);
        steps++;
      }
      const epoch = bank.epoch;
      const validation = await Promise.all(passives.map((p) => p.validationPartial(epoch)));
      validation.forEach(record);
      const masked = await bank.maskedScores(epoch, validation);
      record(masked);
      const scores = await coordinator.decryptScores(masked);
      record(scores);
      const { auc, messages } = bank.finishEpoch(scores, [...sites.map((s) => s.name), COORDINATOR]);
      for (const m of messages) {
        record(m);
        if (m.to === COORDINATOR) coordinator.recordEpoch(m);
        else sites.find((s) => s.name === m.to)!.applyEpochResult(m);
      }
      job.onEpoch?.(epoch, auc);
    }
    return result('completed', undefined);
  } finally {
    await Promise.all(sites.map((s) => s.close()));
  }

  function result(status: 'completed' | 'halted', checkpoint: string | undefined): InMemoryResult {
    return {
      status, ...(checkpoint ? { checkpoint } : {}), transcript, validationAuc: bank.bestAuc, aucHistory: [...bank.aucHistory], epochs: bank.epoch,
      models: Object.fromEntries(sites.map((s) => [s.name, s.modelWeights()])), validationScores: bank.lastScores, steps,
    };
  }
}
