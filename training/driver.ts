/**
 * The coordinator's side of a training job (FATE's "arbiter"): it checks every node's policy,
 * logs the job, then drives every mini-batch step and every epoch's evaluation. What a step or an
 * evaluation does is the job's model kind's (training/model-kind.ts; LR: models/lr/
 * kind-coordinator.ts, which keeps the BFV secret key and decrypts only masked gradient shares
 * and masked validation scores): the kind expresses it as calls `site -> step -> payload`
 * through a DriverContext, and this driver carries them as NodeTraining.Step calls with typed
 * payloads, relaying sealed payloads from one node to another without being able to open them.
 * The driver keeps the job mechanics below, for every kind.
 *
 * Over 400 lines on purpose: claim, lease, start, steps, evaluation and finish are one state
 * machine whose crash argument (below and training/README.md) is read in one place; the job
 * record is training/job-record.ts and the calls to nodes, with their retries, node-calls.ts.
 *
 * One driver per job (issue 20): a job is driven by at most one loop at a time. The coordinator
 * claims a job in memory, synchronously, before its first await (so a `--resume` request racing
 * its own resume at start follows the running driver instead of starting a second one), then
 * takes the job's lease in the job record (holder = this process's incarnation, generation + 1,
 * written with sync) and renews it with every save; a save by a driver whose lease is no longer
 * the stored one is refused (LEASE_LOST) rather than overwriting another driver's progress.
 * LevelDB's LOCK file keeps a second process off the store, so a lease held by an earlier
 * incarnation is always one whose process has died: it is taken over at once, never waited on.
 *
 * Persistence (its own LevelDB under `<data>/training`, one JSON record per job): the phase,
 * epoch and step, the key pair, and (write-ahead) each decryption before it is handed out, so a
 * restarted coordinator re-sends exactly what it had decrypted (nodes answer "already applied"
 * to a repeat) or, if it had not decrypted yet, runs the step again under a new attempt id.
 * A node call that fails with UNAVAILABLE is retried with backoff for `retryMs` (re-reading the
 * node's address from the registry, since a restarted node may listen elsewhere); past that the
 * job fails with a clear error and stays resumable (`fedcredit train --resume JOB`, or the next
 * coordinator start).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { Level } from 'level';
import { createBfvEngine, type HeEngine } from '../crypto/bfv-engine.js';
import { FedcreditError } from '../lib/errors.js';
import { toServiceError, unary } from '../lib/grpc.js';
import { isCoordinatorReader, modelReadRefusal } from './model-access.js';
import { decodeEntry, encodeEntry, makeEntry, type JsonValue } from '../log/entries.js';
import { DEFAULT_SCORE_SCALE } from '../scoring/score-scale.js';
import { callerIdentity, type Transport } from '../lib/tls.js';
import { PlainEngine } from '../models/lr/plain-engine.js';
import { DEFAULT_MODEL_KIND, modelKind } from '../models/registry.js';
import type { DriverContext, EpochOutcome, KindCoordinator, KindMessage, ModelKind, StepRef } from './model-kind.js';
import { parseEvaluationReport, type EvaluationReport } from '../evaluation/report.js';
import { DEFAULT_PARAMS, batchCount, batchRuleViolation, checkParams, paramsToWire, type TrainingParams } from './schedule.js';
import { preprocessingFromWire } from '../preprocessing/spec.js';
import type { TrainingHandlers } from '../proto/gen/fedcredit/v1/Training.js';
import type { RunTrainingRequest__Output } from '../proto/gen/fedcredit/v1/RunTrainingRequest.js';
import type { TrainingProgress } from '../proto/gen/fedcredit/v1/TrainingProgress.js';
import type { StartTrainingResponse__Output } from '../proto/gen/fedcredit/v1/StartTrainingResponse.js';
import type { TrainingStepResult__Output } from '../proto/gen/fedcredit/v1/TrainingStepResult.js';
import type { AlignmentCoordinator } from '../alignment/coordinator.js';
import type { CoordinatorLog } from '../log/service.js';
import type { ModelMetadata, ModelRegistry } from './model-registry.js';
import { peerKeysOf, type NodeRegistry } from '../registration/registry.js';
import { NodeCalls, STEP_DEADLINE_MS, type TrainingMessageRecord } from './node-calls.js';
import { upgradeJobRecord, type CoordinatorJobState } from './job-record.js';
import { listJobs } from './job-list.js';
import { LargeStrings } from './large-strings.js';

export const DEFAULT_PURPOSE = 'credit-scoring';
/** How long a node may stay unreachable before a job gives up (and stays resumable). */
export const DEFAULT_RETRY_MS = 3 * 60_000;


interface RunningJob {
  listeners: Set<(p: TrainingProgress) => void>;
  done: Promise<ModelMetadata>;
}

export class TrainingCoordinator {
  readonly #running = new Map<string, RunningJob>();
  #engine: HeEngine | undefined;
  /** Every call to a node, with its retries (training/node-calls.ts). */
  readonly #calls: NodeCalls;
  /** The state of each job being driven, for counting its bytes. */
  readonly #states = new Map<string, CoordinatorJobState>();
  /** This process's lease holder id. */
  readonly #incarnation = randomBytes(8).toString('hex');
  /**
   * The lease this process last wrote into each job's record. Only #takeLease and #save write
   * job records and LevelDB's LOCK keeps every other process off the store, so this is the
   * stored lease: #save checks it without reading back and parsing the whole record before
   * every write.
   */
  readonly #writtenLeases = new Map<string, { holder: string; generation: number }>();
  /** Each job's large strings (the kind's key pair: training/large-strings.ts), as its record last written names them. */
  readonly #strings = new Map<string, LargeStrings>();

  private constructor(
    readonly db: Level<string, CoordinatorJobState>,
    /** The job records' large strings, under `jobId/sha256`: written once, not with every save. */
    readonly stringsDb: Level<string, string>,
    private readonly opts: {
      registry: NodeRegistry; alignments: AlignmentCoordinator; models: ModelRegistry; transparencyLog: CoordinatorLog;
      transport: Transport; log: (line: string) => void; retryMs: number; onMessage?: (m: TrainingMessageRecord) => void;
    },
  ) {
    this.#calls = new NodeCalls({
      registry: opts.registry, transport: opts.transport, log: opts.log, retryMs: opts.retryMs, onMessage: opts.onMessage,
      countBytes: (jobId, bytes) => {
        const running = this.#states.get(jobId);
        if (running) running.bytesOnWire += bytes;
      },
    });
  }

  static async open(opts: {
    dataDir: string; registry: NodeRegistry; alignments: AlignmentCoordinator; models: ModelRegistry; transparencyLog: CoordinatorLog;
    transport: Transport; log: (line: string) => void; retryMs?: number; onMessage?: (m: TrainingMessageRecord) => void;
  }): Promise<TrainingCoordinator> {
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    const db = new Level<string, CoordinatorJobState>(path.join(opts.dataDir, 'training'), { valueEncoding: 'json' });
    await db.open();
    const stringsDb = new Level<string, string>(path.join(opts.dataDir, 'training-strings'), { valueEncoding: 'utf8' });
    try {
      await stringsDb.open();
    } catch (err) {
      await db.close();
      throw err;
    }
    const envRetry = Number(process.env.FEDCREDIT_TRAINING_RETRY_MS);
    const retryMs = opts.retryMs ?? (Number.isFinite(envRetry) && envRetry > 0 ? envRetry : DEFAULT_RETRY_MS);
    return new TrainingCoordinator(db, stringsDb, { ...opts, retryMs });
  }

  handlers(): TrainingHandlers {
    const log = this.opts.log;
    return {
      RunTraining: (stream: grpc.ServerWritableStream<RunTrainingRequest__Output, TrainingProgress>) => {
        const req = stream.request;
        let started: Promise<ModelMetadata>;
        if (req.followOnly) {
          // Follow only (the console's live page): never a resume, and detached when the stream goes.
          try {
            const followed = this.follow(req.resumeJobId, (p) => stream.write(p));
            stream.on('cancelled', followed.stop);
            started = followed.done;
          } catch (err) {
            started = Promise.reject(err);
          }
        } else {
          started = req.resumeJobId ? this.resume(req.resumeJobId, (p) => stream.write(p)) : this.start(req, (p) => stream.write(p));
        }
        started.then(
          (model) => {
            stream.write({ stage: 'finished', jobId: model.jobId, message: `model ${model.modelVersion} stored`, model: modelInfo(model) });
            stream.end();
          },
          (err: unknown) => stream.emit('error', toServiceError(err, log)),
        );
      },
      ListModels: unary(async () => ({ models: (await this.opts.models.list()).map(modelInfo) }), log),
      ListJobs: unary((req) => listJobs(this.db, req, (id) => this.#states.get(id), (id) => this.#running.has(id)), log),
      GetModel: unary(async (req, call) => {
        const model = await this.opts.models.get(req.modelVersion);
        // The label holder's operator may read its model's report too (training/model-access.ts).
        const caller = callerIdentity(call);
        const self = this.opts.transport.kind === 'tls' ? this.opts.transport.material.identity : undefined;
        if (!model) {
          const known = isCoordinatorReader(caller, self) ? (await this.opts.models.list()).map((m) => m.modelVersion) : [];
          throw new FedcreditError('NOT_FOUND', `no model '${req.modelVersion.slice(0, 40)}'${isCoordinatorReader(caller, self) ? `; known versions: ${known.join(', ') || 'none yet (run fedcredit train)'}` : ''}`);
        }
        const refusal = modelReadRefusal(caller, self, model);
        if (refusal) throw refusal;
        return modelInfo(model);
      }, log),
    };
  }

  /** Start a new job; resolves with the stored model's metadata. */
  async start(req: RunTrainingRequest__Output, progress: (p: TrainingProgress) => void): Promise<ModelMetadata> {
    let params: TrainingParams;
    try {
      params = {
        ...DEFAULT_PARAMS,
        ...(req.epochs ? { epochs: req.epochs } : {}),
        ...(req.batchSize ? { batchSize: req.batchSize } : {}),
        ...(req.learningRate ? { learningRate: req.learningRate } : {}),
        ...(req.l2 ? { l2: req.l2 } : {}),
        ...(req.decay ? { decay: req.decay } : {}),
        ...(req.seed ? { seed: req.seed } : {}),
        ...(req.patience ? { patience: req.patience } : {}),
        preprocessing: preprocessingFromWire(req.preprocessing),
      };
      checkParams(params);
    } catch (err) {
      throw new FedcreditError('BAD_REQUEST', (err as Error).message);
    }
    const purpose = req.purpose || DEFAULT_PURPOSE;
    const kind = await modelKind(req.modelKind || DEFAULT_MODEL_KIND);
    // The kind's own parameters, checked before anything else is done for the job.
    const kindParams = kindParamsOf(kind, req);
    if (kindParams) params = { ...params, modelKindParams: kindParams };
    const alignment = await this.opts.alignments.db.get(req.alignmentId);
    if (!alignment) throw new FedcreditError('NOT_FOUND', `no alignment '${req.alignmentId.slice(0, 70)}' at the coordinator; run \`fedcredit align\` first`);
    const ring = alignment.ring;
    const jobId = `trn-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    // Claimed before the job is stored: the coordinator's own resume at start cannot drive it too.
    return this.#claim(jobId, progress, () => this.#create(req, kind, jobId, params, purpose, alignment, ring));
  }

  async #create(
    req: RunTrainingRequest__Output, kind: ModelKind, jobId: string, params: TrainingParams, purpose: string,
    alignment: { alignmentId: string; alignmentDigest: string }, ring: readonly string[],
  ): Promise<CoordinatorJobState> {
    // Every node checks its policy and that it holds the alignment; nothing is stored yet.
    const checks = await Promise.all(ring.map(async (site) => this.#calls.call(jobId, site, 'StartTraining', (c) => c.StartTraining, {
      jobId, alignmentId: alignment.alignmentId, alignmentDigest: alignment.alignmentDigest, purpose, checkOnly: true, plaintext: req.plaintext,
      params: paramsToWire(params), modelKind: kind.name,
    }, 30_000, { retry: false })));
    const labelled = checks.filter((c) => c.hasLabels);
    if (labelled.length !== 1) {
      throw new FedcreditError('BAD_REQUEST', `a job needs exactly one site with labels (the bank); ${labelled.length === 0 ? 'none has' : `${labelled.map((c) => c.site).join(', ')} have`} labels`);
    }
    for (const c of checks) {
      if (c.alignmentDigest !== alignment.alignmentDigest || c.trainSize !== checks[0]!.trainSize) {
        throw new FedcreditError('BAD_REQUEST', `site ${c.site} holds a different alignment ${alignment.alignmentId} than the coordinator recorded`);
      }
    }
    const bank = labelled[0]!.site;
    const trainSize = checks[0]!.trainSize;
    const validationSize = checks[0]!.validationSize;
    if (trainSize < 1 || validationSize < 1) throw new FedcreditError('BAD_REQUEST', `alignment ${alignment.alignmentId} has ${trainSize} training and ${validationSize} validation enterprises; align more enterprises`);
    // The batch rule (training/schedule.ts) for every site, as each node checks it for itself.
    for (const c of checks) {
      const violation = batchRuleViolation(c.site, trainSize, params.batchSize, c.featureCount + (c.site === bank ? 1 : 0));
      if (violation) throw new FedcreditError('BAD_REQUEST', `the job cannot start: ${violation}`, { site: c.site, rule: 'minBatch' });
    }
    const passives = ring.filter((s) => s !== bank);
    const engine = this.#engineFor(req.plaintext);
    // Its threads start now, not in the first step that decrypts (a failure shows again there).
    void engine.warm?.().catch(() => undefined);
    const kindState = await kind.coordinator().create(engine, req.plaintext, params.modelKindParams);
    const state: CoordinatorJobState = {
      jobId, alignmentId: alignment.alignmentId, alignmentDigest: alignment.alignmentDigest, purpose, params, plaintext: req.plaintext, bank, passives,
      sites: checks.map((c: StartTrainingResponse__Output) => ({ site: c.site, role: c.site === bank ? 'bank' as const : 'passive' as const, featureCount: c.featureCount })),
      trainSize, validationSize, modelVersion: await this.#nextVersion(), modelKind: kind.name, kindState, phase: 'starting', epoch: 0, step: 0, batches: kind.stepsPerEpoch?.(params.modelKindParams as KindMessage | undefined) ?? batchCount(trainSize, params.batchSize),
      aucHistory: [], epochSeconds: [], bytesOnWire: 0, createdAt: new Date().toISOString(),
    };
    this.opts.log(`training ${jobId}: model ${state.modelVersion} (kind ${kind.name}), bank ${bank}, passive ${passives.join(', ')}, ${state.trainSize} training enterprises`);
    return state;
  }

  /** Resume an unfinished job, or follow it if it is running already. */
  resume(jobId: string, progress: (p: TrainingProgress) => void): Promise<ModelMetadata> {
    return this.#claim(jobId, progress, async () => {
      const stored = await this.db.get(jobId);
      if (!stored) throw new FedcreditError('NOT_FOUND', `no training job '${jobId.slice(0, 70)}' at the coordinator`);
      const strings = new LargeStrings();
      const state = await strings.attach(stored, (hash) => this.stringsDb.get(`${jobId}/${hash}`), `training job ${jobId}`);
      this.#strings.set(jobId, strings);
      upgradeJobRecord(state);
      if (state.phase === 'done') {
        const model = await this.opts.models.get(state.modelVersion);
        if (model) return model;
      }
      if (state.phase === 'failed') {
        state.phase = state.logIndex === undefined ? 'starting' : state.outcome || state.step >= state.batches ? 'evaluating' : 'training';
        delete state.error;
        delete state.errorCode;
      }
      this.opts.log(`training ${jobId}: resuming at epoch ${state.epoch} step ${state.step} (${state.phase})`);
      return state;
    });
  }

  /**
   * Follow a job this process is driving, never resuming one: a "following" snapshot of where it
   * stands, then its progress; `stop` detaches the listener (a closed stream).
   */
  follow(jobId: string, progress: (p: TrainingProgress) => void): { done: Promise<ModelMetadata>; stop: () => void } {
    const running = this.#running.get(jobId);
    if (!running) {
      throw new FedcreditError('JOB_NOT_RUNNING', `training job '${jobId.slice(0, 70)}' is not running at this coordinator; list the jobs for its state, and resume it (\`fedcredit train --resume ${jobId.slice(0, 70)}\`) if it failed`);
    }
    const state = this.#states.get(jobId);
    progress({
      jobId, stage: 'following', epoch: state?.epoch ?? 0,
      message: state ? `following job ${jobId}: epoch ${state.epoch}, step ${state.step} of ${state.batches} (${state.phase})` : `following job ${jobId} (starting)`,
    });
    running.listeners.add(progress);
    return { done: running.done, stop: () => running.listeners.delete(progress) };
  }

  /** Resume every unfinished job (coordinator start). */
  resumeUnfinished(): void {
    void (async () => {
      for await (const state of this.db.values()) {
        if (state.phase !== 'done' && state.phase !== 'failed' && !this.#running.has(state.jobId)) {
          this.resume(state.jobId, () => undefined).catch((err: unknown) => this.opts.log(`training ${state.jobId}: ${(err as Error).message}`));
        }
      }
    })().catch((err: unknown) => this.opts.log(`training: cannot list unfinished jobs: ${(err as Error).message}`));
  }

  /**
   * The one place a driver starts. The claim is synchronous (no await between the check and the
   * set), so two callers in the same process can never both drive a job: the second follows the
   * first, progress included. `prepare` loads or creates the job's state (or finds its model).
   */
  #claim(jobId: string, progress: (p: TrainingProgress) => void, prepare: () => Promise<CoordinatorJobState | ModelMetadata>): Promise<ModelMetadata> {
    const running = this.#running.get(jobId);
    if (running) {
      running.listeners.add(progress);
      return running.done;
    }
    const listeners = new Set([progress]);
    const emit = (p: TrainingProgress) => {
      for (const l of listeners) {
        try {
          l({ jobId, ...p });
        } catch {
          listeners.delete(l);
        }
      }
    };
    const done = (async () => {
      const prepared = await prepare();
      if (!('phase' in prepared)) return prepared;
      const state = prepared;
      await this.#takeLease(state);
      // The job is stored: from here a broken stream is followed with --resume, never started again.
      emit({ stage: 'accepted', message: `job ${jobId} is stored; if this stream breaks, follow it with \`fedcredit train --resume ${jobId}\`` });
      this.#states.set(jobId, state);
      return this.#drive(state, emit);
    })().finally(() => {
      this.#running.delete(jobId);
      this.#states.delete(jobId);
      this.#strings.delete(jobId);
    });
    this.#running.set(jobId, { listeners, done });
    return done;
  }

  /** Take the job's lease (durably) for this driver: the previous holder's process is gone (module comment). */
  async #takeLease(state: CoordinatorJobState): Promise<void> {
    const stored = await this.db.get(state.jobId);
    const now = new Date().toISOString();
    // Held by this process: by an earlier driver of it that has ended (the claim above is free).
    const previous = stored?.lease ?? state.lease;
    state.lease = { holder: this.#incarnation, generation: (previous?.generation ?? 0) + 1, takenAt: now, renewedAt: now };
    await this.#write(state);
    this.#writtenLeases.set(state.jobId, { holder: state.lease.holder, generation: state.lease.generation });
    this.opts.log(`training ${state.jobId}: driving it (lease generation ${state.lease.generation}${previous ? `, taken over from ${previous.holder === this.#incarnation ? 'this process' : `process ${previous.holder}`}` : ''})`);
  }

  async #drive(state: CoordinatorJobState, emit: (p: TrainingProgress) => void): Promise<ModelMetadata> {
    upgradeJobRecord(state);
    const kind = await modelKind(state.modelKind);
    const coordinator = kind.coordinator();
    const ctx = this.#context(state, kind);
    const started = performance.now();
    try {
      if (state.phase === 'starting') await this.#startAtNodes(state, kind, coordinator);
      emit({ stage: 'started', message: `job ${state.jobId}: model ${state.modelVersion}, ${state.trainSize} training / ${state.validationSize} validation enterprises, epoch ${state.epoch} step ${state.step}` });
      let epochStart = performance.now();
      while (state.phase === 'training' || state.phase === 'evaluating') {
        if (this.#calls.closed) throw new FedcreditError('UNAVAILABLE', 'the coordinator is stopping; the job resumes at its next start');
        if (state.phase === 'training') {
          if (state.step < state.batches) await this.#step(state, coordinator, ctx);
          else {
            state.phase = 'evaluating';
            await this.#save(state);
          }
          continue;
        }
        const outcome = await this.#evaluate(state, coordinator, ctx);
        const seconds = (performance.now() - epochStart) / 1000;
        epochStart = performance.now();
        state.epochSeconds.push(seconds);
        state.epoch++;
        state.step = 0;
        delete state.outcome;
        state.phase = outcome.stop ? 'finishing' : 'training';
        await this.#save(state);
        emit({ stage: 'epoch', epoch: outcome.epoch, validationAuc: outcome.auc, elapsedSeconds: (performance.now() - started) / 1000,
          message: `epoch ${outcome.epoch}: validation AUC ${outcome.auc.toFixed(4)}${outcome.improved ? ' (best)' : ''}, ${seconds.toFixed(1)} s` });
        this.opts.log(`training ${state.jobId}: epoch ${outcome.epoch} done, ${seconds.toFixed(1)} s`);
      }
      if (state.phase === 'finishing') return await this.#finish(state);
      const model = await this.opts.models.get(state.modelVersion);
      if (!model) throw new FedcreditError('INTERNAL', `job ${state.jobId} is done but model ${state.modelVersion} is missing`);
      return model;
    } catch (err) {
      const e = err instanceof FedcreditError ? err : new FedcreditError('INTERNAL', (err as Error).message);
      if (e.code === 'LEASE_LOST') throw e; // the job is another driver's now: nothing of it is this one's to write
      if (!this.#calls.closed) {
        state.phase = 'failed';
        state.error = e.message;
        state.errorCode = e.code;
        await this.#save(state).catch(() => undefined);
      }
      this.opts.log(`training ${state.jobId} failed: ${e.message}`);
      const resumable = state.logIndex !== undefined;
      throw new FedcreditError(e.code, `training ${state.jobId} failed at epoch ${state.epoch} step ${state.step}: ${e.message}` +
        (resumable ? `. The job is kept: once every node is up, resume it with \`fedcredit train --resume ${state.jobId}\`` : ''), e.detail);
    }
  }

  async #startAtNodes(state: CoordinatorJobState, kind: ModelKind, coordinator: KindCoordinator): Promise<void> {
    if (state.logIndex === undefined) {
      // Write-ahead: the entry and the log's size before it, so a replay after a crash between the
      // append and the save below finds the entry instead of logging the job twice.
      const log = this.opts.transparencyLog.store;
      if (state.entryB64 === undefined || state.logSizeBefore === undefined) {
        const entry = makeEntry('training-job', {
          jobId: state.jobId, requester: 'operator', sites: [state.bank, ...state.passives], purpose: state.purpose, model: state.modelVersion,
          parameters: { ...state.params } as unknown as { [key: string]: JsonValue }, time: Date.now(),
        });
        state.entryB64 = Buffer.from(encodeEntry(entry)).toString('base64');
        state.logSizeBefore = log.size;
        await this.#save(state);
      }
      const bytes = Buffer.from(state.entryB64, 'base64');
      const logged = (await log.entries(state.logSizeBefore, log.size)).findIndex((e) => Buffer.from(e).equals(bytes));
      const decoded = decodeEntry(new Uint8Array(bytes));
      if (!decoded.ok) throw new FedcreditError('INTERNAL', `job ${state.jobId}: its stored log entry does not decode`);
      state.logIndex = logged >= 0 ? state.logSizeBefore + logged : (await this.opts.transparencyLog.append(decoded.entry)).index;
      await this.#save(state);
    }
    const peers = await Promise.all([state.bank, ...state.passives].map(async (site) => {
      const node = await this.opts.registry.get(site);
      if (!node?.sealingPublicKeyHex) throw new FedcreditError('NOT_FOUND', `site '${site}' is not registered with a sealing key`);
      this.opts.registry.requireNoKeyConflict(site);
      return peerKeysOf(node);
    }));
    const kindStart = kind.codec.encode(kind.startType, coordinator.startPayload(state.kindState));
    try {
      await Promise.all([state.bank, ...state.passives].map((site) => this.#calls.call(state.jobId, site, 'StartTraining', (c) => c.StartTraining, {
        jobId: state.jobId, alignmentId: state.alignmentId, alignmentDigest: state.alignmentDigest, purpose: state.purpose, bank: state.bank,
        passives: state.passives, params: paramsToWire(state.params), peers, modelKind: kind.name, kindStart, checkOnly: false,
        plaintext: state.plaintext, modelVersion: state.modelVersion, logIndex: state.logIndex, entry: Buffer.from(state.entryB64!, 'base64'),
      }, STEP_DEADLINE_MS, {})));
    } catch (err) {
      if (err instanceof FedcreditError && err.code !== 'UNAVAILABLE') {
        // A refusal at start: no node keeps anything of this job.
        await Promise.allSettled([state.bank, ...state.passives].map((site) => this.#calls.call(state.jobId, site, 'AbortTraining', (c) => c.AbortTraining, { jobId: state.jobId }, 5_000, { retry: false })));
      }
      throw err;
    }
    state.phase = 'training';
    await this.#save(state);
  }

  /** What the job's kind sees of the job: its position, its state slice, and step calls to the sites. */
  #context(state: CoordinatorJobState, kind: ModelKind): DriverContext {
    return {
      get jobId() { return state.jobId; },
      get bank() { return state.bank; },
      get passives() { return state.passives; },
      get epoch() { return state.epoch; },
      get step() { return state.step; },
      get batches() { return state.batches; },
      get params() { return state.params; },
      get plaintext() { return state.plaintext; },
      get state() { return state.kindState; },
      engine: this.#engineFor(state.plaintext),
      save: () => this.#save(state),
      newAttempt,
      call: (site, name, ref, payload) => this.#callStep(state.jobId, kind, site, name, ref, payload),
    };
  }

  /** One step of the kind at a site: its payload typed by the kind, the answer decoded and checked. */
  async #callStep(jobId: string, kind: ModelKind, site: string, name: string, ref: StepRef, payload: KindMessage): Promise<KindMessage> {
    const types = kind.steps[name];
    if (!types) throw new FedcreditError('INTERNAL', `model kind ${kind.name} calls step '${name}' it does not declare`);
    const request = { ref, modelKind: kind.name, name, payload: kind.codec.encode(types.request, payload) };
    let decoded: KindMessage | undefined;
    const shown = {
      method: name, request: { ref, ...payload },
      response: (r: TrainingStepResult__Output) => (decoded = kind.codec.decode(types.response, r.payload, `${site}: answer to ${name}`)),
    };
    await this.#calls.call(jobId, site, name, (c) => c.Step, request, STEP_DEADLINE_MS, { shown });
    return decoded!;
  }

  async #step(state: CoordinatorJobState, coordinator: KindCoordinator, ctx: DriverContext): Promise<void> {
    await coordinator.step(ctx);
    state.step++;
    await this.#save(state);
  }

  async #evaluate(state: CoordinatorJobState, coordinator: KindCoordinator, ctx: DriverContext): Promise<EpochOutcome> {
    if (state.outcome?.epoch !== state.epoch) {
      const outcome = await coordinator.evaluate(ctx);
      state.outcome = outcome;
      state.aucHistory.push(outcome.auc);
      await this.#save(state);
    }
    const outcome = state.outcome;
    await coordinator.announce(ctx, outcome);
    return outcome;
  }

  async #finish(state: CoordinatorJobState): Promise<ModelMetadata> {
    const answers = await Promise.all([state.bank, ...state.passives].map((site) => this.#calls.call(state.jobId, site, 'FinishTraining', (c) => c.FinishTraining, { jobId: state.jobId, modelVersion: state.modelVersion })));
    const bankAnswer = answers.find((a) => a.site === state.bank)!;
    // Checked before it is kept: aggregates only (parseEvaluationReport refuses unknown fields).
    let report: EvaluationReport;
    try {
      report = parseEvaluationReport(bankAnswer.reportJson);
    } catch (err) {
      throw new FedcreditError('INTERNAL', `the bank's evaluation report of job ${state.jobId} is unusable: ${(err as Error).message}`);
    }
    const best = Math.max(...state.aucHistory);
    const model: ModelMetadata = {
      modelVersion: state.modelVersion, jobId: state.jobId, alignmentId: state.alignmentId, alignmentDigest: state.alignmentDigest, purpose: state.purpose, kind: state.modelKind,
      sites: answers.map((a) => ({
        site: a.site, role: a.site === state.bank ? 'bank' : 'passive', featureCount: a.featureCount,
        ...(a.transforms.length > 0 ? { transforms: a.transforms.map((t) => ({ feature: t.feature, steps: [...t.steps] })) } : {}),
      })),
      params: { ...state.params }, scale: DEFAULT_SCORE_SCALE, calibration: report.calibration,
      metrics: {
        validationAuc: best, aucHistory: state.aucHistory, epochs: state.aucHistory.length, bestEpoch: state.aucHistory.indexOf(best),
        epochSeconds: state.epochSeconds, trainSize: state.trainSize, validationSize: state.validationSize, plaintext: state.plaintext, report,
        payloadBytes: state.bytesOnWire,
      },
      createdAt: new Date().toISOString(),
      ...(state.logIndex !== undefined ? { logIndex: state.logIndex } : {}),
    };
    await this.opts.models.put(model);
    state.phase = 'done';
    await this.#save(state);
    this.opts.log(`training ${state.jobId}: model ${state.modelVersion} stored, validation AUC ${best.toFixed(4)}`);
    return model;
  }

  /** Write the job's progress and renew its lease; refused if another driver holds the lease. */
  async #save(state: CoordinatorJobState): Promise<void> {
    const lease = state.lease;
    if (!lease) throw new FedcreditError('INTERNAL', `job ${state.jobId}: saved without a lease`);
    const stored = this.#writtenLeases.get(state.jobId) ?? (await this.db.get(state.jobId))?.lease;
    if (stored && (stored.holder !== lease.holder || stored.generation !== lease.generation)) {
      throw new FedcreditError('LEASE_LOST', `job ${state.jobId}: driver ${lease.generation} of process ${lease.holder} lost its lease to driver ${stored.generation} of process ${stored.holder}; that driver carries on`);
    }
    lease.renewedAt = new Date().toISOString();
    await this.#write(state);
    this.#writtenLeases.set(state.jobId, { holder: lease.holder, generation: lease.generation });
  }

  /**
   * The job's record, synced; its large strings (training/large-strings.ts) first, once, in their
   * own store, and those no record names any more deleted after it.
   */
  async #write(state: CoordinatorJobState): Promise<void> {
    let strings = this.#strings.get(state.jobId);
    if (!strings) this.#strings.set(state.jobId, (strings = new LargeStrings()));
    const detached = strings.detach(state);
    if (detached.added.size > 0) {
      const batch = this.stringsDb.batch();
      for (const [hash, text] of detached.added) batch.put(`${state.jobId}/${hash}`, text);
      await batch.write({ sync: true });
    }
    await this.db.batch().put(state.jobId, detached.record).write({ sync: true });
    detached.commit();
    if (detached.dropped.length > 0) {
      const batch = this.stringsDb.batch();
      for (const hash of detached.dropped) batch.del(`${state.jobId}/${hash}`);
      await batch.write();
    }
  }

  async #nextVersion(): Promise<string> {
    let n = Number((await this.opts.models.nextVersion()).slice(1)) - 1;
    for await (const s of this.db.values()) n = Math.max(n, Number(s.modelVersion.slice(1)) || 0);
    return `m${n + 1}`;
  }

  #engineFor(plaintext: boolean): HeEngine {
    if (plaintext) return new PlainEngine();
    return (this.#engine ??= createBfvEngine());
  }

  async close(): Promise<void> {
    this.#calls.stop();
    // Running jobs stop before their next step (a step under way finishes); they resume at the next start.
    await Promise.race([Promise.allSettled([...this.#running.values()].map((r) => r.done)), new Promise((resolve) => setTimeout(resolve, 3_000))]);
    this.#calls.close();
    await this.#engine?.close();
    await this.db.close();
    await this.stringsDb.close();
  }
}

/** The request's kind parameters, decoded and checked by the kind (its defaults when absent); a kind without parameters refuses them. */
function kindParamsOf(kind: ModelKind, req: RunTrainingRequest__Output): NonNullable<TrainingParams['modelKindParams']> | undefined {
  if (!kind.params) {
    if (req.kindParams) throw new FedcreditError('BAD_REQUEST', `model kind ${kind.name} takes no kind parameters (those flags are for another --model); drop them`);
    return undefined;
  }
  const given = req.kindParams ? kind.codec.decode(kind.params.type, req.kindParams, `the ${kind.name} parameters`) : kind.params.defaults;
  return kind.params.check(given) as NonNullable<TrainingParams['modelKindParams']>;
}

function newAttempt(): string {
  return randomBytes(8).toString('hex');
}

export function modelInfo(m: ModelMetadata) {
  return { modelVersion: m.modelVersion, jobId: m.jobId, metadataJson: JSON.stringify(m) };
}
