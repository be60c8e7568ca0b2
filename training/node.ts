/**
 * A data node's part in a training job (training/ strategy, driven step by step by the
 * coordinator over NodeTraining, proto/fedcredit/v1/training.proto).
 *
 * - StartTraining checks the node's local policy (site/policy.ts) first: a refusal stores
 *   nothing. It builds this site's SiteData from its stored alignment (the agreed train and
 *   validation ID order) and its feature vectors, preprocessed as the job declares with
 *   statistics of the aligned training split (preprocessing/fit.ts; the fitted values go into
 *   the site's part), the bank also its labels, and keeps the job spec.
 * - Each Step names a step of the job's model kind (training/model-kind.ts); the host decodes its
 *   typed payload with the kind's codec and hands it to the kind's site object (LR:
 *   models/lr/kind-site.ts), which knows the maths. The host knows none of it.
 * - Every state change is written to `store.training` (one JSON record per job: the spec and
 *   the kind's save()) before the node answers (the kind calls io.persist). A restarted node
 *   reloads the job on the first call for it (re-preparing its features) and carries on; the
 *   kind answers a step it already applied with "already" and refuses a decryption for another
 *   attempt.
 * - Ciphertexts for another node are sealed to it and signed (training/envelope.ts); the
 *   node receives from the coordinator only masked residues mod t and the bank's decisions.
 * - At the end each site keeps its part of the model (site/model-store.ts); the bank computes
 *   the evaluation report (evaluation/report.ts) and returns only its aggregates.
 *
 * Slightly over 400 lines: the host's job mechanics (start, step replay, persistence, finish)
 * share one per-job queue and one store record, and are clearer side by side.
 */
import type { Identity } from '../crypto/identity.js';
import type { X25519KeyPair } from '../crypto/x25519.js';
import { createBfvEngine, type HeEngine } from '../crypto/bfv-engine.js';
import { FedcreditError } from '../lib/errors.js';
import { unary } from '../lib/grpc.js';
import { describeTransforms, fitPreprocessing, indicatorCount, transformRows, type FittedPreprocessing } from '../preprocessing/fit.js';
import { decodeEntry, sitesOf, type LogEntry } from '../log/entries.js';
import { PlainEngine } from '../models/lr/plain-engine.js';
import { modelKind } from '../models/registry.js';
import type { KindSite, KindState, ModelKind, SiteInput, SiteIo, StepRef } from './model-kind.js';
import { checkParams, paramsFromWire, preprocessingOf, type TrainingParams } from './schedule.js';
import { REFERENCE_MIN_CELL, referenceFrom } from '../monitoring/drift.js';
import { buildEvaluationReport } from '../evaluation/report.js';
import { explainableProblem } from '../scoring/sealed-explanation.js';
import type { NodeTrainingHandlers } from '../proto/gen/fedcredit/v1/NodeTraining.js';
import type { StartTrainingRequest__Output } from '../proto/gen/fedcredit/v1/StartTrainingRequest.js';
import type { TrainingStep__Output } from '../proto/gen/fedcredit/v1/TrainingStep.js';
import { callerIdentity, type Transport } from '../lib/tls.js';
import { requireCertifiedPeers } from '../registration/cert.js';
import { saveSiteModelInBatch, type StoredPart } from '../site/model-store.js';
import { checkBatchRule, checkTrainingPolicy, type TrainingPolicy } from '../site/policy.js';
import { openPayload, sealPayload } from './envelope.js';
import { bytesToFloat64, type NodeStore } from '../site/store.js';
import { jobBlobKey, jobBlobs, jobBlobSublevel } from './blobs.js';
import { LargeStrings } from './large-strings.js';

/** The caller of a call without a TLS identity (insecure test servers). */
const COORDINATOR = 'coordinator';

/** What a node observes of a training call (transcript tests): the request as received and its answer. */
export interface TrainingCallRecord {
  readonly site: string;
  readonly method: string;
  readonly request: unknown;
  readonly response?: unknown;
}

export interface NodeTrainingContext {
  store: NodeStore;
  site: string;
  identity: Identity;
  sealingKeys: X25519KeyPair;
  policy: TrainingPolicy;
  /** The node's transport: with TLS, peers' keys must carry the federation CA's certification. */
  transport: Transport;
  log: (line: string) => void;
  recordServed: (entry: LogEntry, logIndex: number) => Promise<void>;
  onCall?: (record: TrainingCallRecord) => void;
}

interface PeerKeys { site: string; identityKeyHex: string; sealingKeyHex: string }

/** The job as this node accepted it (persisted). */
export interface NodeJobSpec {
  jobId: string;
  alignmentId: string;
  alignmentDigest: string;
  purpose: string;
  bank: string;
  passives: string[];
  params: TrainingParams;
  peers: PeerKeys[];
  /** The job's model kind (training/model-kind.ts) and its start payload (the Any's value, base64). */
  modelKind: string;
  startB64: string;
  plaintext: boolean;
  modelVersion: string;
  logIndex: number;
  featureIndexes: number[];
  features: string[];
  /** Aligned positions outside the bank's labelled population (left out by every site). */
}

/** `store.training/<jobId>`: everything needed to carry on after a restart. */
export interface NodeJobState {
  spec: NodeJobSpec;
  /** The kind's own state (KindSite.save()). */
  kind: KindState;
  finished?: { modelVersion: string; featureCount: number; reportJson: string; transforms?: { feature: string; steps: string[] }[] };
  updatedAt: string;
}

interface LiveJob {
  state: NodeJobState;
  kind: ModelKind;
  site: KindSite;
  input: SiteInput;
  /** The site's preprocessing, fitted on its training split (kept with its part of the model). */
  preprocessing: FittedPreprocessing;
  queue: Promise<unknown>;
  /** The record's large strings, kept as blobs of the job (#persist). */
  strings: LargeStrings;
}

/** The blob name of a job record's large string (training/large-strings.ts). */
const RECORD_STRING = 'record-string/';

const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class TrainingHost {
  readonly #jobs = new Map<string, Promise<LiveJob>>();
  #engine: HeEngine | undefined;
  #plain: HeEngine | undefined;

  constructor(private readonly ctx: NodeTrainingContext) {}

  handlers(): NodeTrainingHandlers {
    const log = this.ctx.log;
    const observed = <Req, Res>(method: string, fn: (req: Req, caller: string) => Promise<Res>) => unary<Req, Res>(async (req, call) => {
      const caller = callerIdentity(call as never)?.name ?? COORDINATOR;
      const response = await fn(req, caller);
      this.ctx.onCall?.({ site: this.ctx.site, method, request: req, response });
      return response;
    }, log);
    return {
      StartTraining: observed('StartTraining', (req: StartTrainingRequest__Output, caller) => this.start(req, caller)),
      Step: unary(async (req: TrainingStep__Output) => {
        const ref = need(req.ref);
        return this.#step(ref, (job) => this.step(job, ref, req));
      }, log),
      FinishTraining: observed('FinishTraining', (req: { jobId: string; modelVersion: string }) =>
        this.#step({ jobId: req.jobId }, (job) => this.finish(job, req.modelVersion))),
      AbortTraining: observed('AbortTraining', async (req: { jobId: string }) => {
        await this.abort(req.jobId);
        return { site: this.ctx.site, already: false };
      }),
    };
  }

  // -- job set-up --------------------------------------------------------------------------

  async start(req: StartTrainingRequest__Output, caller: string) {
    const { store, site } = this.ctx;
    if (!JOB_ID.test(req.jobId)) throw new FedcreditError('BAD_REQUEST', `job id '${req.jobId.slice(0, 70)}' is not 1-64 letters, digits, _ or -`);
    // A kind this node does not know refuses the job at the check, before anything is stored.
    const kind = await modelKind(req.modelKind);
    const meta = await store.getMeta();
    const catalogue = (meta.catalogue ?? []).map((f) => f.name);
    if (catalogue.length === 0) throw new FedcreditError('BAD_REQUEST', `site ${site} has no features yet; ingest its exports first`);
    // The local policy decides first; a refusal keeps nothing.
    const featureIndexes = checkTrainingPolicy(this.ctx.policy, site, { coordinator: caller, purpose: req.purpose, plaintext: req.plaintext }, catalogue);
    // A part whose names do not fit an explanation could answer no query (scoring/node.ts): refuse it now.
    const unexplainable = explainableProblem(site, req.modelVersion || undefined, featureIndexes.map((i) => catalogue[i]!));
    if (unexplainable) {
      this.ctx.log(`training ${req.jobId.slice(0, 64)}: ${unexplainable.message}. Names too long: ${unexplainable.longNames.map((f) => `'${f.slice(0, 80)}'`).join(', ')}`);
      throw new FedcreditError('EXPLANATION_TOO_LONG', unexplainable.message);
    }
    const alignment = await store.alignments.get(req.alignmentId);
    if (!alignment) throw new FedcreditError('NOT_FOUND', `site ${site} holds no alignment '${req.alignmentId.slice(0, 70)}'; run \`fedcredit align\` first`);
    if (req.alignmentDigest && alignment.digest !== req.alignmentDigest) {
      throw new FedcreditError('BAD_REQUEST', `site ${site}: alignment ${req.alignmentId} has digest ${alignment.digest.slice(0, 16)}..., the job names ${req.alignmentDigest.slice(0, 16)}...`);
    }
    // Trained on the table versions the alignment was made from, or not at all: a newer version
    // may hold other enterprises or other values than the ones the sites aligned (node/tables.ts).
    if (alignment.tables) {
      const active = ((await store.meta.get('activeTables')) as Record<string, number> | undefined) ?? {};
      const named = (t: Record<string, number>) => Object.entries(t).sort(([a], [b]) => a.localeCompare(b)).map(([n, v]) => `${n}@${v}`).join(', ') || 'none';
      if (named(alignment.tables) !== named(active)) {
        throw new FedcreditError('ALIGNMENT_STALE', `site ${site}: alignment ${req.alignmentId.slice(0, 70)} was made from tables ${named(alignment.tables)}, and the node now serves ${named(active)}; run \`fedcredit align\` again to train on the new tables, or roll back with \`fedcredit node tables rollback NAME@V\``);
      }
    }
    const hasLabels = meta.hasLabels === true;
    if (hasLabels) {
      // The bank aligns only enterprises it can label (alignment/node.ts), and needs both classes
      // in both splits (no gradient signal or no AUC to stop on otherwise): refuse here, before
      // anything is stored, rather than trim the alignment, which would tell the passive sites
      // which of their enterprises the bank cannot label (already in default, say).
      for (const [split, ids] of [['training', alignment.train], ['validation', alignment.validation]] as const) {
        const labels = await store.labels.getMany([...ids]);
        const unlabelled = labels.filter((y) => y !== '0' && y !== '1').length;
        if (unlabelled > 0) {
          throw new FedcreditError('BAD_REQUEST', `the ${split} split of alignment ${req.alignmentId} holds ${unlabelled} enterprises ${site} cannot label (its labels changed since the alignment ran); run fedcredit align again and train on the new alignment`);
        }
        const defaults = labels.filter((y) => y === '1').length;
        if (defaults === 0 || defaults === labels.length) {
          throw new FedcreditError('BAD_REQUEST', `the ${split} split of alignment ${req.alignmentId} has ${ids.length} enterprises, ${defaults === 0 ? 'none' : 'all'} of them defaulted: a model cannot be ${split === 'training' ? 'trained' : 'evaluated'} on one class; align again with another --seed or a larger --validation fraction, or with more enterprises`);
        }
      }
    }
    let requested: TrainingParams | undefined;
    try {
      requested = paramsOf(req);
    } catch (err) {
      throw new FedcreditError('BAD_REQUEST', `job ${req.jobId}: ${(err as Error).message}`);
    }
    // Columns after preprocessing: a feature with gaps in the training split adds a "was missing" column.
    const indicators = requested && preprocessingOf(requested).missingIndicators ? indicatorCount(await this.#rows(alignment.train, featureIndexes), featureIndexes.length) : 0;
    const columns = featureIndexes.length + indicators;
    const answer = {
      site, hasLabels, featureCount: columns, trainSize: alignment.train.length, validationSize: alignment.validation.length, alignmentDigest: alignment.digest,
    };
    // The batch rule, against this site's columns (the bank's intercept too) and its split.
    if (req.params || !req.checkOnly) checkBatchRule(site, req.jobId, requested, alignment.train.length, columns + (hasLabels ? 1 : 0));
    if (req.checkOnly) return answer;

    const existing = (await store.training.get(req.jobId)) as NodeJobState | undefined;
    if (existing) {
      await this.#load(req.jobId);
      return answer;
    }
    const role = req.bank === site ? 'bank' : req.passives.includes(site) ? 'passive' : undefined;
    if (!role) throw new FedcreditError('BAD_REQUEST', `job ${req.jobId} does not name site ${site} as bank or passive site`);
    if (role === 'bank' && !hasLabels) throw new FedcreditError('BAD_REQUEST', `site ${site} holds no labels and cannot be the job's bank`);
    const decoded = decodeEntry(new Uint8Array(req.entry));
    if (!decoded.ok || decoded.entry.kind !== 'training-job' || decoded.entry.body['jobId'] !== req.jobId || !sitesOf(decoded.entry).includes(site)) {
      throw new FedcreditError('BAD_REQUEST', `job ${req.jobId}: the start does not carry this job's training-job log entry`);
    }
    let params: TrainingParams;
    try {
      params = requested ?? noParams();
      checkParams(params);
    } catch (err) {
      throw new FedcreditError('BAD_REQUEST', `job ${req.jobId}: ${(err as Error).message}`);
    }
    // The peers' keys are the coordinator's word until the federation CA's certificates for them check out.
    requireCertifiedPeers(req.peers, this.ctx.transport, `job ${req.jobId}`);
    const peers = req.peers.map((p) => ({ site: p.site, identityKeyHex: Buffer.from(p.identityPublicKey).toString('hex'), sealingKeyHex: Buffer.from(p.sealingPublicKey).toString('hex') }));
    for (const other of [req.bank, ...req.passives]) {
      if (other !== site && !peers.some((p) => p.site === other && p.identityKeyHex.length === 64 && p.sealingKeyHex.length === 64)) {
        throw new FedcreditError('BAD_REQUEST', `job ${req.jobId}: no keys for peer ${other}`);
      }
    }
    // The kind's start payload must decode as its declared type before anything is stored.
    const kindStart = kind.codec.decode(kind.startType, req.kindStart, `job ${req.jobId}: start payload`);
    kind.checkSitePolicy?.(kindStart, this.ctx.policy, site);
    const spec: NodeJobSpec = {
      jobId: req.jobId, alignmentId: req.alignmentId, alignmentDigest: alignment.digest, purpose: req.purpose, bank: req.bank, passives: [...req.passives],
      params, peers, modelKind: kind.name, startB64: Buffer.from(req.kindStart!.value).toString('base64'), plaintext: req.plaintext, modelVersion: req.modelVersion,
      logIndex: Number(req.logIndex), featureIndexes, features: featureIndexes.map((i) => catalogue[i]!),
    };
    const live = await this.#build(spec, undefined);
    await this.#persist(live);
    this.#jobs.set(spec.jobId, Promise.resolve(live));
    await this.ctx.recordServed(decoded.entry, spec.logIndex);
    this.ctx.log(`training ${spec.jobId}: started as ${role} (model kind ${kind.name}), ${featureIndexes.length} features, ${alignment.train.length} training / ${alignment.validation.length} validation enterprises`);
    return answer;
  }

  /** The job's features of each enterprise, in the given order (NaN = missing). */
  async #rows(ids: readonly string[], featureIndexes: readonly number[]): Promise<Float64Array[]> {
    // One multi-get per split: per-id reads of 100k vectors were the job start's largest cost.
    return (await this.ctx.store.features.getMany([...ids])).map((bytes) => {
      if (bytes === undefined) throw new FedcreditError('INTERNAL', `site ${this.ctx.site}: an aligned enterprise has no feature vector; recompute features (fedcredit node features) and align again`);
      const v = bytesToFloat64(bytes);
      return Float64Array.from(featureIndexes, (i) => v[i]!);
    });
  }

  async #build(spec: NodeJobSpec, saved: NodeJobState | undefined, strings = new LargeStrings()): Promise<LiveJob> {
    const { store, site } = this.ctx;
    const alignment = await store.alignments.get(spec.alignmentId);
    if (!alignment) throw new FedcreditError('NOT_FOUND', `site ${site}: alignment ${spec.alignmentId} of job ${spec.jobId} is gone`);
    const trainRaw = await this.#rows(alignment.train, spec.featureIndexes);
    const validationRaw = await this.#rows(alignment.validation, spec.featureIndexes);
    // Fitted on this site's training split only, and never sent (preprocessing/fit.ts).
    const preprocessing = fitPreprocessing(trainRaw, spec.featureIndexes.length, preprocessingOf(spec.params));
    const kind = await modelKind(spec.modelKind);
    const start = kind.codec.decode(kind.startType, { type_url: kind.codec.typeUrl(kind.startType), value: Buffer.from(spec.startB64, 'base64') }, `job ${spec.jobId}: stored start payload`);
    let labels: SiteInput['labels'];
    if (spec.bank === site) {
      const labelsOf = async (ids: readonly string[]) => (await store.labels.getMany([...ids])).map((y) => {
        if (y !== '0' && y !== '1') throw new FedcreditError('INTERNAL', `site ${site}: an aligned enterprise has no label; recompute features and align again`);
        return Number(y);
      });
      labels = { train: await labelsOf(alignment.train), validation: await labelsOf(alignment.validation) };
    }
    const input: SiteInput = {
      jobId: spec.jobId, site, role: spec.bank === site ? 'bank' : 'passive', bank: spec.bank, passives: spec.passives, params: spec.params, plaintext: spec.plaintext,
      start, train: transformRows(preprocessing, trainRaw), validation: transformRows(preprocessing, validationRaw), features: spec.features,
      raw: { train: trainRaw, validation: validationRaw }, ...(labels ? { labels } : {}),
      engine: (): HeEngine => (spec.plaintext ? (this.#plain ??= new PlainEngine()) : (this.#engine ??= createBfvEngine())),
      blobs: jobBlobs(this.ctx.store, spec.jobId),
    };
    // The engine's threads, SEAL and kernels start while the job's first steps run (a passive's
    // first use is its first federated tree); a failure here shows again, with its error, at that use.
    if (!spec.plaintext) void input.engine().warm?.().catch(() => undefined);
    const siteObj = await kind.openSite(input, saved?.kind);
    const state: NodeJobState = saved ?? { spec, kind: siteObj.save(), updatedAt: new Date().toISOString() };
    return { state, kind, site: siteObj, input, preprocessing, queue: Promise.resolve(), strings };
  }

  /** The live job, reloading it from the store after a restart. */
  #load(jobId: string): Promise<LiveJob> {
    let job = this.#jobs.get(jobId);
    if (!job) {
      job = (async () => {
        const stored = await upgradeJobState((await this.ctx.store.training.get(jobId)) as NodeJobState | LegacyJobState | undefined);
        if (!stored) throw new FedcreditError('NOT_FOUND', `site ${this.ctx.site} has no training job '${jobId.slice(0, 70)}'`);
        const strings = new LargeStrings();
        const blobs = jobBlobs(this.ctx.store, jobId);
        const saved = await strings.attach(stored, async (hash) => {
          const bytes = await blobs.get(`${RECORD_STRING}${hash}`);
          return bytes === undefined ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
        }, `site ${this.ctx.site}, job ${jobId}`);
        const live = await this.#build(saved.spec, saved, strings);
        this.ctx.log(`training ${jobId}: reloaded at epoch ${live.site.epoch} step ${live.site.step}`);
        return live;
      })();
      this.#jobs.set(jobId, job);
      job.catch(() => this.#jobs.delete(jobId));
    }
    return job;
  }

  /** Run one call on a job, one at a time per job. */
  async #step<T>(ref: { jobId: string }, body: (job: LiveJob) => Promise<T>): Promise<T> {
    if (!JOB_ID.test(ref.jobId)) throw new FedcreditError('BAD_REQUEST', `job id '${String(ref.jobId).slice(0, 70)}' is not valid`);
    const job = await this.#load(ref.jobId);
    const run = job.queue.then(() => body(job));
    job.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Write the job's record before an answer leaves. Its large strings (a kind's base64 rows, margins,
   * keys: training/large-strings.ts) are blobs of the job, written in the same synced batch the
   * first time a record names them and deleted in the batch whose record no longer does.
   */
  async #persist(job: LiveJob): Promise<void> {
    const jobId = job.state.spec.jobId;
    job.state.kind = job.site.save();
    job.state.updatedAt = new Date().toISOString();
    const detached = job.strings.detach(job.state);
    const blobs = jobBlobSublevel(this.ctx.store);
    const batch = this.ctx.store.db.batch();
    for (const [hash, text] of detached.added) batch.put(jobBlobKey(jobId, `${RECORD_STRING}${hash}`), Buffer.from(text, 'utf8'), { sublevel: blobs });
    batch.put(jobId, detached.record, { sublevel: this.ctx.store.training });
    for (const hash of detached.dropped) batch.del(jobBlobKey(jobId, `${RECORD_STRING}${hash}`), { sublevel: blobs });
    await batch.write({ sync: true });
    detached.commit();
  }

  // -- steps -----------------------------------------------------------------------------

  #peer(job: LiveJob, site: string): { identity: Uint8Array; sealing: Uint8Array } {
    const p = job.state.spec.peers.find((x) => x.site === site);
    if (!p) throw new FedcreditError('BAD_REQUEST', `job ${job.state.spec.jobId}: no keys for ${site}`);
    return { identity: Buffer.from(p.identityKeyHex, 'hex'), sealing: Buffer.from(p.sealingKeyHex, 'hex') };
  }

  /** What a kind's step may use: sealing to and opening from peers, persistence, the log. */
  #io(job: LiveJob): SiteIo {
    const me = this.ctx.site;
    return {
      seal: (ref, label, to, chunks) => sealPayload({ jobId: ref.jobId, attempt: ref.attempt, from: me, to, kind: label, epoch: ref.epoch, step: ref.step }, chunks, this.#peer(job, to).sealing, this.ctx.identity),
      open: (ref, label, from, env) => openPayload(env, { jobId: ref.jobId, attempt: ref.attempt, from, to: me, kind: label, epoch: ref.epoch, step: ref.step }, this.#peer(job, from).identity, this.ctx.sealingKeys.privateKey),
      persist: () => this.#persist(job),
      blobs: jobBlobs(this.ctx.store, job.state.spec.jobId),
      log: this.ctx.log,
    };
  }

  /** One step of the job's kind: typed payload in, the kind's site object answers, typed payload out. */
  async step(job: LiveJob, ref: StepRef, req: TrainingStep__Output) {
    const { kind } = job;
    if ((req.modelKind || 'lr') !== kind.name) throw new FedcreditError('BAD_REQUEST', `${this.ctx.site}: job ${ref.jobId} trains a model of kind ${kind.name}, the step names kind '${req.modelKind.slice(0, 40)}'`);
    const types = Object.hasOwn(kind.steps, req.name) ? kind.steps[req.name] : undefined;
    if (!types) throw new FedcreditError('BAD_REQUEST', `model kind ${kind.name} has no step '${req.name.slice(0, 40)}'; its steps: ${Object.keys(kind.steps).join(', ')}`);
    const payload = kind.codec.decode(types.request, req.payload, `${this.ctx.site}: ${req.name}`);
    const answer = await job.site.handle(req.name, ref, payload, this.#io(job));
    const response = { site: this.ctx.site, payload: kind.codec.encode(types.response, answer) };
    this.ctx.onCall?.({ site: this.ctx.site, method: req.name, request: { ref, ...payload }, response: answer });
    return response;
  }

  async finish(job: LiveJob, modelVersion: string) {
    const { spec } = job.state;
    if (job.state.finished) {
      const f = job.state.finished;
      return { site: this.ctx.site, featureCount: f.featureCount, reportJson: f.reportJson, transforms: f.transforms ?? [] };
    }
    if (!job.site.stopped) throw new FedcreditError('BAD_REQUEST', `${this.ctx.site}: job ${spec.jobId} has not stopped training yet`);
    if (modelVersion !== spec.modelVersion) throw new FedcreditError('BAD_REQUEST', `${this.ctx.site}: job ${spec.jobId} trains model ${spec.modelVersion}, not ${modelVersion}`);
    const done = job.site.finish();
    const isBank = job.input.role === 'bank';
    let reportJson = '';
    if (isBank) {
      const labels = job.input.labels!;
      if (!done.validationLogits) throw new FedcreditError('INTERNAL', `${this.ctx.site}: job ${spec.jobId} has no evaluated epoch`);
      const report = buildEvaluationReport({
        joint: { logits: done.validationLogits, labels: Uint8Array.from(labels.validation) },
        // The bank's rows exactly as its joint site got them, under the job's own parameters:
        // the baseline differs from the joint model only by the other sites' data (issue 19).
        bankOnly: {
          trainRows: done.bankOnlyRows?.train ?? job.input.train, trainLabels: labels.train,
          validationRows: done.bankOnlyRows?.validation ?? job.input.validation, validationLabels: labels.validation,
          params: job.input.params,
        },
        ...done.reportSection,
      });
      reportJson = JSON.stringify(report);
    }
    const model: StoredPart = {
      modelVersion, jobId: spec.jobId, site: this.ctx.site, alignmentId: spec.alignmentId, role: isBank ? 'bank' : 'passive', kind: job.kind.name,
      // mean and std are the columns' (features, then missing indicators): see preprocessing/fit.ts.
      features: spec.features, featureIndexes: spec.featureIndexes, preprocessing: job.preprocessing,
      mean: job.preprocessing.columns.map((c) => c.mean), std: job.preprocessing.columns.map((c) => c.std), ...done.part,
      createdAt: new Date().toISOString(), logIndex: spec.logIndex, purpose: spec.purpose,
      // Never sent: the site's own reference for post-loan monitoring's drift (monitoring/drift.ts).
      driftReference: spec.features.map((f, j) => referenceFrom(Float64Array.from(job.input.raw.train, (row) => row[j]!), f, REFERENCE_MIN_CELL)),
    };
    // Which steps each feature went through, by name: the report lists them; no fitted value leaves.
    const transforms = done.described ? done.described.map((d) => ({ feature: d.feature, steps: [...d.steps] })) : describeTransforms(job.preprocessing, spec.features);
    job.state.finished = { modelVersion, featureCount: done.featureCount, reportJson, transforms };
    job.state.kind = job.site.save();
    const batch = this.ctx.store.db.batch();
    saveSiteModelInBatch(this.ctx.store, batch, model);
    // The finished record holds its strings itself: the job's blobs go below.
    batch.put(spec.jobId, job.state, { sublevel: this.ctx.store.training });
    await batch.write({ sync: true });
    await job.site.close();
    await jobBlobs(this.ctx.store, spec.jobId).drop('');
    this.ctx.log(`training ${spec.jobId}: kept model ${modelVersion} (${done.featureCount} features)`);
    return { site: this.ctx.site, featureCount: done.featureCount, reportJson, transforms };
  }

  async abort(jobId: string): Promise<void> {
    if (!JOB_ID.test(jobId)) throw new FedcreditError('BAD_REQUEST', 'job id is not valid');
    const job = this.#jobs.get(jobId);
    this.#jobs.delete(jobId);
    if (job) await job.then((j) => j.site.close(), () => undefined);
    await jobBlobs(this.ctx.store, jobId).drop('');
    const saved = (await this.ctx.store.training.get(jobId)) as NodeJobState | undefined;
    if (saved?.finished) return; // a kept model is not taken back by an abort
    await this.ctx.store.db.batch().del(jobId, { sublevel: this.ctx.store.training }).write({ sync: true });
  }

  async close(): Promise<void> {
    for (const job of this.#jobs.values()) await job.then((j) => j.site.close(), () => undefined);
    this.#jobs.clear();
    await this.#engine?.close();
    await this.#plain?.close();
  }
}

/** The request's typed parameters as training/schedule.ts TrainingParams (undefined when absent). */
function paramsOf(req: StartTrainingRequest__Output): TrainingParams | undefined {
  const p = req.params;
  if (!p) return undefined;
  return paramsFromWire({ epochs: p.epochs, batchSize: p.batchSize, learningRate: p.learningRate, decay: p.decay, l2: p.l2, seed: p.seed, patience: p.patience, minDelta: p.minDelta, preprocessing: p.preprocessing });
}

function noParams(): never {
  throw new RangeError('the start carries no training parameters');
}

/** A job state stored before model kinds (LR's fields at the top level): read as an LR job. */
interface LegacyJobState {
  spec: NodeJobSpec & { publicKeyB64?: string };
  checkpoint: unknown;
  finished?: NodeJobState['finished'];
  updatedAt: string;
  [lrField: string]: unknown;
}

async function upgradeJobState(v: NodeJobState | LegacyJobState | undefined): Promise<NodeJobState | undefined> {
  if (v === undefined || 'kind' in v) return v as NodeJobState | undefined;
  const { spec, finished, updatedAt, ...lr } = v;
  const lrKind = await modelKind('lr');
  const startB64 = spec.startB64 ?? Buffer.from(lrKind.codec.encode(lrKind.startType, { publicKey: Buffer.from(spec.publicKeyB64 ?? '', 'base64') }).value).toString('base64');
  return { spec: { ...spec, modelKind: 'lr', startB64 }, kind: lr, ...(finished ? { finished } : {}), updatedAt };
}

function need<T>(v: T | null | undefined): T {
  if (v === null || v === undefined) throw new FedcreditError('BAD_REQUEST', 'the request has no step reference');
  return v;
}
