/**
 * A data node's part in a training job (training/ strategy, driven step by step by the
 * coordinator over NodeTraining, proto/fedcredit/v1/training.proto).
 *
 * - StartTraining checks the node's local policy (site/policy.ts) first: a refusal stores
 *   nothing. It builds this site's SiteData from its stored alignment (the agreed train and
 *   validation ID order) and its feature vectors, standardized on the aligned training split
 *   (mean and std go into the SiteModel), the bank also its labels, and keeps the job spec.
 * - Every state change is written to `store.training` (one JSON record per job) before the
 *   node answers: the Site checkpoint, the masks of a masked gradient or masked scores it sent
 *   (tied to the coordinator's attempt id), the bank's epoch outcomes and the joint validation
 *   scores of its best epoch. A restarted node reloads the job on the first call for it
 *   (re-preparing its features) and carries on; Apply/Finish calls for a step it already
 *   applied answer OK without applying twice; a decryption for another attempt is refused.
 * - Ciphertexts for another node are sealed to it and signed (training/envelope.ts); the
 *   node receives from the coordinator only masked residues mod t and the bank's decisions.
 * - At the end each site keeps its part of the model (site/model-store.ts); the bank computes
 *   the evaluation report (evaluation/report.ts) and returns only its aggregates.
 */
import type { Identity } from '../crypto/identity.js';
import type { X25519KeyPair } from '../crypto/x25519.js';
import { createBfvEngine, shareKeys, type HeEngine } from '../crypto/bfv-engine.js';
import { FedcreditError } from '../lib/errors.js';
import { unary } from '../lib/grpc.js';
import { fitStandardizer, standardizeRows } from '../models/lr/plain-logreg.js';
import { imputeTrainingRows } from '../models/lr/impute.js';
import { decodeEntry, sitesOf, type LogEntry } from '../log/entries.js';
import { BankSite } from '../models/lr/bank.js';
import type { BankCheckpoint, BankData } from '../models/lr/bank.js';
import { FEATURE_CLIP, clip } from './fixed-point.js';
import { COORDINATOR } from '../models/lr/messages.js';
import { PassiveSite } from '../models/lr/passive.js';
import { PlainEngine } from '../models/lr/plain-engine.js';
import { checkParams, type TrainingParams } from './schedule.js';
import type { SiteCheckpoint, SiteData } from '../models/lr/site.js';
import { buildEvaluationReport } from '../evaluation/report.js';
import { explainableProblem } from '../scoring/sealed-explanation.js';
import type { NodeTrainingHandlers } from '../proto/gen/fedcredit/v1/NodeTraining.js';
import type { StartTrainingRequest__Output } from '../proto/gen/fedcredit/v1/StartTrainingRequest.js';
import type { TrainingStepRef__Output } from '../proto/gen/fedcredit/v1/TrainingStepRef.js';
import type { SealedPayload__Output } from '../proto/gen/fedcredit/v1/SealedPayload.js';
import { callerIdentity, type Transport } from '../lib/tls.js';
import { requireCertifiedPeers } from '../registration/cert.js';
import { saveSiteModelInBatch, type SiteModel } from '../site/model-store.js';
import { checkBatchRule, checkTrainingPolicy, type TrainingPolicy } from '../site/policy.js';
import { openPayload, sealPayload, type EnvelopeFields, type SealedPayloadMessage } from './envelope.js';
import { bytesToFloat64, type NodeStore } from '../site/store.js';

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
  publicKeyB64: string;
  plaintext: boolean;
  modelVersion: string;
  logIndex: number;
  featureIndexes: number[];
  features: string[];
  /** Aligned positions outside the bank's labelled population (left out by every site). */
}

interface EpochRecord { epoch: number; improved: boolean; stop: boolean; auc: number }

/** `store.training/<jobId>`: everything needed to carry on after a restart. */
export interface NodeJobState {
  spec: NodeJobSpec;
  checkpoint: SiteCheckpoint | BankCheckpoint;
  /** Masks of the masked gradient sent for (epoch, step) under this attempt. */
  pending?: { attempt: string; epoch: number; step: number; batch: number; masks: number[] };
  /** Bank: masks of the masked validation scores sent for this epoch and attempt. */
  pendingScores?: { attempt: string; epoch: number; masks: number[][] };
  outcomes: EpochRecord[];
  /** Bank: joint validation logits of the best epoch (the kept model), which the bank may see. */
  bestScores?: number[];
  finished?: { modelVersion: string; featureCount: number; reportJson: string };
  updatedAt: string;
}

interface LiveJob {
  state: NodeJobState;
  site: PassiveSite | BankSite;
  data: SiteData | BankData;
  mean: number[];
  std: number[];
  queue: Promise<unknown>;
}

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
      PartialLinear: observed('PartialLinear', (ref: TrainingStepRef__Output) => this.#step(ref, (job) => this.partialLinear(job, ref))),
      Residual: observed('Residual', (req: { ref: TrainingStepRef__Output | null; partials: SealedPayload__Output[] }) => {
        const ref = need(req.ref);
        return this.#step(ref, (job) => this.residual(job, ref, req.partials));
      }),
      Gradient: observed('Gradient', (req: { ref: TrainingStepRef__Output | null; residual: SealedPayload__Output | null }) => {
        const ref = need(req.ref);
        return this.#step(ref, (job) => this.gradient(job, ref, req.residual));
      }),
      ApplyGradient: observed('ApplyGradient', (req: { ref: TrainingStepRef__Output | null; values: number[] }) => {
        const ref = need(req.ref);
        return this.#step(ref, (job) => this.applyGradient(job, ref, req.values));
      }),
      ValidationPartial: observed('ValidationPartial', (ref: TrainingStepRef__Output) => this.#step(ref, (job) => this.validationPartial(job, ref))),
      MaskedScores: observed('MaskedScores', (req: { ref: TrainingStepRef__Output | null; partials: SealedPayload__Output[] }) => {
        const ref = need(req.ref);
        return this.#step(ref, (job) => this.maskedScores(job, ref, req.partials));
      }),
      FinishEpoch: observed('FinishEpoch', (req: { ref: TrainingStepRef__Output | null; values: number[] }) => {
        const ref = need(req.ref);
        return this.#step(ref, (job) => this.finishEpoch(job, ref, req.values));
      }),
      EpochResult: observed('EpochResult', (req: { ref: TrainingStepRef__Output | null; improved: boolean; stop: boolean }) => {
        const ref = need(req.ref);
        return this.#step(ref, (job) => this.epochResult(job, ref, req.improved, req.stop));
      }),
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
    const answer = {
      site, hasLabels, featureCount: featureIndexes.length, trainSize: alignment.train.length, validationSize: alignment.validation.length, alignmentDigest: alignment.digest,
    };
    // The batch rule, against this site's columns (the bank's intercept too) and its split.
    if (req.paramsJson || !req.checkOnly) checkBatchRule(site, req.jobId, req.paramsJson, alignment.train.length, featureIndexes.length + (hasLabels ? 1 : 0));
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
      params = JSON.parse(req.paramsJson) as TrainingParams;
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
    const spec: NodeJobSpec = {
      jobId: req.jobId, alignmentId: req.alignmentId, alignmentDigest: alignment.digest, purpose: req.purpose, bank: req.bank, passives: [...req.passives],
      params, peers, publicKeyB64: Buffer.from(req.publicKey).toString('base64'), plaintext: req.plaintext, modelVersion: req.modelVersion,
      logIndex: Number(req.logIndex), featureIndexes, features: featureIndexes.map((i) => catalogue[i]!),
    };
    const live = await this.#build(spec, undefined);
    await this.#persist(live);
    this.#jobs.set(spec.jobId, Promise.resolve(live));
    await this.ctx.recordServed(decoded.entry, spec.logIndex);
    this.ctx.log(`training ${spec.jobId}: started as ${role}, ${featureIndexes.length} features, ${alignment.train.length} training / ${alignment.validation.length} validation enterprises`);
    return answer;
  }

  async #build(spec: NodeJobSpec, saved: NodeJobState | undefined): Promise<LiveJob> {
    const { store, site } = this.ctx;
    const alignment = await store.alignments.get(spec.alignmentId);
    if (!alignment) throw new FedcreditError('NOT_FOUND', `site ${site}: alignment ${spec.alignmentId} of job ${spec.jobId} is gone`);
    // One multi-get per split: per-id reads of 100k vectors were the job start's largest cost.
    const rowsOf = async (ids: readonly string[]) => (await store.features.getMany([...ids])).map((bytes) => {
      if (bytes === undefined) throw new FedcreditError('INTERNAL', `site ${site}: an aligned enterprise has no feature vector; recompute features (fedcredit node features) and align again`);
      const v = bytesToFloat64(bytes);
      return Float64Array.from(spec.featureIndexes, (i) => v[i]!);
    });
    const trainRaw = await rowsOf(alignment.train);
    const validationRaw = await rowsOf(alignment.validation);
    imputeTrainingRows(trainRaw, validationRaw);
    const standardizer = fitStandardizer(trainRaw);
    const data: SiteData = { name: site, train: standardizeRows(trainRaw, standardizer), validation: standardizeRows(validationRaw, standardizer) };
    const engine = spec.plaintext ? (this.#plain ??= new PlainEngine()) : (this.#engine ??= createBfvEngine());
    const keys = shareKeys({ publicKey: Buffer.from(spec.publicKeyB64, 'base64') });
    let siteObj: PassiveSite | BankSite;
    let full: SiteData | BankData = data;
    if (spec.bank === site) {
      const labelsOf = async (ids: readonly string[]) => (await store.labels.getMany([...ids])).map((y) => {
        if (y !== '0' && y !== '1') throw new FedcreditError('INTERNAL', `site ${site}: an aligned enterprise has no label; recompute features and align again`);
        return Number(y);
      });
      const bankData: BankData = { ...data, trainLabels: await labelsOf(alignment.train), validationLabels: await labelsOf(alignment.validation) };
      full = bankData;
      siteObj = saved
        ? BankSite.restore(saved.checkpoint as BankCheckpoint, bankData, spec.passives, spec.params, engine, keys, spec.jobId)
        : new BankSite(bankData, spec.passives, spec.params, engine, keys, spec.jobId);
    } else {
      siteObj = saved
        ? PassiveSite.restore(saved.checkpoint, data, spec.bank, spec.params, engine, keys, spec.jobId)
        : new PassiveSite(data, spec.bank, spec.params, engine, keys, spec.jobId);
    }
    if (!siteObj.stopped) await siteObj.prepare();
    const state: NodeJobState = saved ?? { spec, checkpoint: siteObj.checkpoint(), outcomes: [], updatedAt: new Date().toISOString() };
    if (saved?.pending && saved.pending.epoch === siteObj.epoch && saved.pending.step === siteObj.step && !siteObj.stopped) {
      siteObj.restorePendingMasks(saved.pending);
    }
    if (saved?.pendingScores && siteObj instanceof BankSite && saved.pendingScores.epoch === siteObj.epoch) {
      siteObj.restorePendingScoreMasks(saved.pendingScores);
    }
    return { state, site: siteObj, data: full, mean: [...standardizer.mean], std: [...standardizer.std], queue: Promise.resolve() };
  }

  /** The live job, reloading it from the store after a restart. */
  #load(jobId: string): Promise<LiveJob> {
    let job = this.#jobs.get(jobId);
    if (!job) {
      job = (async () => {
        const saved = (await this.ctx.store.training.get(jobId)) as NodeJobState | undefined;
        if (!saved) throw new FedcreditError('NOT_FOUND', `site ${this.ctx.site} has no training job '${jobId.slice(0, 70)}'`);
        const live = await this.#build(saved.spec, saved);
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

  async #persist(job: LiveJob): Promise<void> {
    job.state.checkpoint = job.site.checkpoint();
    job.state.updatedAt = new Date().toISOString();
    await this.ctx.store.db.batch().put(job.state.spec.jobId, job.state, { sublevel: this.ctx.store.training }).write({ sync: true });
  }

  // -- steps -----------------------------------------------------------------------------

  #peer(job: LiveJob, site: string): { identity: Uint8Array; sealing: Uint8Array } {
    const p = job.state.spec.peers.find((x) => x.site === site);
    if (!p) throw new FedcreditError('BAD_REQUEST', `job ${job.state.spec.jobId}: no keys for ${site}`);
    return { identity: Buffer.from(p.identityKeyHex, 'hex'), sealing: Buffer.from(p.sealingKeyHex, 'hex') };
  }

  #atStep(job: LiveJob, ref: TrainingStepRef__Output, what: string): number {
    const s = job.site;
    if (s.stopped || ref.epoch !== s.epoch || ref.step !== s.step) {
      throw new FedcreditError('BAD_REQUEST', `${this.ctx.site}: ${what} for epoch ${ref.epoch} step ${ref.step}, but this site is at epoch ${s.epoch} step ${s.step}${s.stopped ? ' (stopped)' : ''}`);
    }
    return s.currentBatch();
  }

  #seal(job: LiveJob, ref: TrainingStepRef__Output, kind: EnvelopeFields['kind'], to: string, ciphertexts: readonly Uint8Array[]): SealedPayloadMessage {
    return sealPayload({ jobId: ref.jobId, attempt: ref.attempt, from: this.ctx.site, to, kind, epoch: ref.epoch, step: ref.step }, ciphertexts, this.#peer(job, to).sealing, this.ctx.identity);
  }

  #open(job: LiveJob, ref: TrainingStepRef__Output, kind: EnvelopeFields['kind'], from: string, env: SealedPayload__Output | null | undefined): Uint8Array[] {
    return openPayload(env, { jobId: ref.jobId, attempt: ref.attempt, from, to: this.ctx.site, kind, epoch: ref.epoch, step: ref.step }, this.#peer(job, from).identity, this.ctx.sealingKeys.privateKey);
  }

  #passive(job: LiveJob): PassiveSite {
    if (!(job.site instanceof PassiveSite)) throw new FedcreditError('BAD_REQUEST', `${this.ctx.site} is the bank of job ${job.state.spec.jobId}, not a passive site`);
    return job.site;
  }

  #bank(job: LiveJob): BankSite {
    if (!(job.site instanceof BankSite)) throw new FedcreditError('BAD_REQUEST', `${this.ctx.site} is not the bank of job ${job.state.spec.jobId}`);
    return job.site;
  }

  async partialLinear(job: LiveJob, ref: TrainingStepRef__Output): Promise<SealedPayloadMessage> {
    const site = this.#passive(job);
    const batch = this.#atStep(job, ref, 'partial linear terms');
    const m = await site.partialLinear(ref.epoch, batch);
    return this.#seal(job, ref, 'partial-linear', site.bank, m.ciphertexts);
  }

  async residual(job: LiveJob, ref: TrainingStepRef__Output, partials: SealedPayload__Output[]) {
    const bank = this.#bank(job);
    const batch = this.#atStep(job, ref, 'residual');
    const messages = bank.passives.map((from) => ({
      kind: 'partial-linear' as const, from, to: bank.name, sealed: true as const, epoch: ref.epoch, batch,
      ciphertexts: this.#open(job, ref, 'partial-linear', from, partials.find((p) => p.from === from)),
    }));
    const { own } = await bank.residual(ref.epoch, batch, messages);
    const gradient = await bank.maskedGradient(ref.epoch, batch, own);
    await this.#keepMasks(job, ref, batch);
    return {
      residuals: bank.passives.map((to) => this.#seal(job, ref, 'residual', to, own)),
      gradient: { site: bank.name, shares: gradient.shares.map((s) => Buffer.from(s)) },
    };
  }

  async gradient(job: LiveJob, ref: TrainingStepRef__Output, residual: SealedPayload__Output | null) {
    const site = this.#passive(job);
    const batch = this.#atStep(job, ref, 'residual');
    const ciphertexts = this.#open(job, ref, 'residual', site.bank, residual);
    const m = await site.gradientFromResidual({ kind: 'residual', from: site.bank, to: site.name, sealed: true, epoch: ref.epoch, batch, ciphertexts });
    await this.#keepMasks(job, ref, batch);
    return { site: site.name, shares: m.shares.map((s) => Buffer.from(s)) };
  }

  async #keepMasks(job: LiveJob, ref: TrainingStepRef__Output, batch: number): Promise<void> {
    const p = job.site.pendingMasks()!;
    job.state.pending = { attempt: ref.attempt, epoch: ref.epoch, step: ref.step, batch, masks: p.masks };
    await this.#persist(job);
  }

  async applyGradient(job: LiveJob, ref: TrainingStepRef__Output, values: number[]) {
    const s = job.site;
    if (ref.epoch < s.epoch || (ref.epoch === s.epoch && ref.step < s.step) || s.stopped) return { site: this.ctx.site, already: true };
    const pending = job.state.pending;
    if (!pending || pending.attempt !== ref.attempt || pending.epoch !== ref.epoch || pending.step !== ref.step || ref.step !== s.step) {
      throw new FedcreditError('STALE_ATTEMPT', `${this.ctx.site}: decrypted gradient for epoch ${ref.epoch} step ${ref.step} attempt ${ref.attempt.slice(0, 20)} matches no masked gradient this site has outstanding; refused`);
    }
    s.applyGradient({ kind: 'decrypted-gradient', from: COORDINATOR, to: s.name, sealed: false, epoch: ref.epoch, batch: pending.batch, values: Float64Array.from(values) });
    delete job.state.pending;
    await this.#persist(job);
    this.ctx.log(`training ${ref.jobId}: applied epoch ${ref.epoch} step ${ref.step}`);
    return { site: this.ctx.site, already: false };
  }

  async validationPartial(job: LiveJob, ref: TrainingStepRef__Output): Promise<SealedPayloadMessage> {
    const site = this.#passive(job);
    if (site.stopped || ref.epoch !== site.epoch || site.step !== site.batches) {
      throw new FedcreditError('BAD_REQUEST', `${this.ctx.site}: validation partial for epoch ${ref.epoch}, but this site is at epoch ${site.epoch} step ${site.step}`);
    }
    const m = await site.validationPartial(ref.epoch);
    return this.#seal(job, { ...ref, step: site.batches }, 'validation-partial', site.bank, m.ciphertexts);
  }

  async maskedScores(job: LiveJob, ref: TrainingStepRef__Output, partials: SealedPayload__Output[]) {
    const bank = this.#bank(job);
    const at = { ...ref, step: bank.batches };
    const messages = bank.passives.map((from) => ({
      kind: 'validation-partial' as const, from, to: bank.name, sealed: true as const, epoch: ref.epoch,
      ciphertexts: this.#open(job, at, 'validation-partial', from, partials.find((p) => p.from === from)),
    }));
    const m = await bank.maskedScores(ref.epoch, messages);
    job.state.pendingScores = { attempt: ref.attempt, epoch: ref.epoch, masks: bank.pendingScoreMasks()!.masks };
    await this.#persist(job);
    return { samples: m.samples, ciphertexts: m.ciphertexts.map((c) => Buffer.from(c)) };
  }

  async finishEpoch(job: LiveJob, ref: TrainingStepRef__Output, values: number[]) {
    const bank = this.#bank(job);
    const done = job.state.outcomes.find((o) => o.epoch === ref.epoch);
    if (done) return { epoch: done.epoch, improved: done.improved, stop: done.stop, validationAuc: done.auc };
    const pending = job.state.pendingScores;
    if (!pending || pending.attempt !== ref.attempt || pending.epoch !== ref.epoch) {
      throw new FedcreditError('STALE_ATTEMPT', `${this.ctx.site}: decrypted scores for epoch ${ref.epoch} attempt ${ref.attempt.slice(0, 20)} match no masked scores outstanding; refused`);
    }
    const { auc, messages } = bank.finishEpoch({ kind: 'decrypted-scores', from: COORDINATOR, to: bank.name, sealed: false, epoch: ref.epoch, values: Float64Array.from(values) }, [bank.name]);
    const own = messages[0]!;
    bank.applyEpochResult(own);
    job.state.outcomes.push({ epoch: ref.epoch, improved: own.improved, stop: own.stop || bank.stopped, auc });
    if (own.improved && bank.bestScores) job.state.bestScores = [...bank.bestScores];
    delete job.state.pendingScores;
    await this.#persist(job);
    this.ctx.log(`training ${ref.jobId}: epoch ${ref.epoch} evaluated${own.improved ? ' (best so far)' : ''}${bank.stopped ? ', stopping' : ''}`);
    return { epoch: ref.epoch, improved: own.improved, stop: bank.stopped, validationAuc: auc };
  }

  async epochResult(job: LiveJob, ref: TrainingStepRef__Output, improved: boolean, stop: boolean) {
    const site = this.#passive(job);
    if (ref.epoch < site.epoch) return { site: this.ctx.site, already: true };
    if (ref.epoch !== site.epoch || site.step !== site.batches) {
      throw new FedcreditError('BAD_REQUEST', `${this.ctx.site}: epoch result for epoch ${ref.epoch}, but this site is at epoch ${site.epoch} step ${site.step}`);
    }
    site.applyEpochResult({ kind: 'epoch-result', from: site.bank, to: site.name, sealed: false, epoch: ref.epoch, improved, stop });
    await this.#persist(job);
    return { site: this.ctx.site, already: false };
  }

  async finish(job: LiveJob, modelVersion: string) {
    const { spec } = job.state;
    if (job.state.finished) return { site: this.ctx.site, featureCount: job.state.finished.featureCount, reportJson: job.state.finished.reportJson };
    if (!job.site.stopped) throw new FedcreditError('BAD_REQUEST', `${this.ctx.site}: job ${spec.jobId} has not stopped training yet`);
    if (modelVersion !== spec.modelVersion) throw new FedcreditError('BAD_REQUEST', `${this.ctx.site}: job ${spec.jobId} trains model ${spec.modelVersion}, not ${modelVersion}`);
    const weights = [...job.site.modelWeights()];
    const isBank = job.site instanceof BankSite;
    const intercept = isBank ? weights.pop()! : undefined;
    // Baseline: mean partial term over this site's training population (its answer when it has no record).
    let sum = 0;
    for (const row of job.data.train) {
      let u = intercept ?? 0;
      for (let f = 0; f < weights.length; f++) u += weights[f]! * clip(row[f]!, FEATURE_CLIP);
      sum += u;
    }
    let reportJson = '';
    if (job.site instanceof BankSite) {
      const bank = job.site;
      const data = job.data as BankData;
      if (!job.state.bestScores) throw new FedcreditError('INTERNAL', `${this.ctx.site}: job ${spec.jobId} has no evaluated epoch`);
      const report = buildEvaluationReport({
        joint: { logits: job.state.bestScores, labels: bank.validationLabels },
        bankOnly: {
          trainRows: data.train.map((r) => r.map((v) => clip(v, FEATURE_CLIP))), trainLabels: data.trainLabels,
          validationRows: data.validation.map((r) => r.map((v) => clip(v, FEATURE_CLIP))), validationLabels: data.validationLabels,
          options: { l2: spec.params.l2, seed: spec.params.seed },
        },
      });
      reportJson = JSON.stringify(report);
    }
    const model: SiteModel = {
      modelVersion, jobId: spec.jobId, site: this.ctx.site, alignmentId: spec.alignmentId, role: isBank ? 'bank' : 'passive',
      features: spec.features, featureIndexes: spec.featureIndexes, mean: job.mean, std: job.std, clip: FEATURE_CLIP, weights,
      ...(intercept !== undefined ? { intercept } : {}), baseline: sum / job.data.train.length, createdAt: new Date().toISOString(), logIndex: spec.logIndex,
      purpose: spec.purpose,
    };
    job.state.finished = { modelVersion, featureCount: weights.length, reportJson };
    job.state.checkpoint = job.site.checkpoint();
    const batch = this.ctx.store.db.batch();
    saveSiteModelInBatch(this.ctx.store, batch, model);
    batch.put(spec.jobId, job.state, { sublevel: this.ctx.store.training });
    await batch.write({ sync: true });
    await job.site.close();
    this.ctx.log(`training ${spec.jobId}: kept model ${modelVersion} (${weights.length} features)`);
    return { site: this.ctx.site, featureCount: weights.length, reportJson };
  }

  async abort(jobId: string): Promise<void> {
    if (!JOB_ID.test(jobId)) throw new FedcreditError('BAD_REQUEST', 'job id is not valid');
    const job = this.#jobs.get(jobId);
    this.#jobs.delete(jobId);
    if (job) await job.then((j) => j.site.close(), () => undefined);
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

function need<T>(v: T | null | undefined): T {
  if (v === null || v === undefined) throw new FedcreditError('BAD_REQUEST', 'the request has no step reference');
  return v;
}
