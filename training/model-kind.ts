/**
 * What a model kind (logistic regression, a scorecard, gradient-boosted trees...) supplies, so
 * that the job mechanics (training/driver.ts at the coordinator, training/node.ts at each
 * node), the transport (NodeTraining.Step, proto/fedcredit/v1/training.proto) and scoring
 * (scoring/node.ts) know nothing of its maths (issue 13).
 *
 * A kind is one folder (models/lr/ first; models/README.md says how to add one) that exports a
 * `ModelKind`:
 * - its messages: a .proto file in its folder (loaded with loadKindProto) and a step table
 *   naming, for every step, the request and response message types. The transport carries
 *   them as typed `google.protobuf.Any`s, encoded and checked by the kind's codec;
 * - its coordinator side (KindCoordinator): the work of one mini-batch step and of one epoch's
 *   evaluation, as calls `site -> step name -> payload` through a DriverContext. The driver
 *   keeps the lease, the durable job record, attempts, retries and backoff, the epoch loop,
 *   early-stopping bookkeeping, logging and the model registry;
 * - its site side (KindSite, one per job at each node, bank = label holder, passive = feature
 *   holder): answers each step by name. The node's TrainingHost keeps the spec checks, the
 *   policy, persistence (every `io.persist()` writes the site's `save()` with the job record,
 *   synced, before the answer) and one-call-at-a-time per job;
 * - each site's stored part (`finish()`, kept by site/model-store.ts tagged with the kind) and
 *   its scoring contribution, explanation and baseline (KindScoring). The secure aggregation
 *   stays in scoring/.
 *
 * Kinds are found by name in models/registry.ts (built-ins plus modules named in
 * FEDCREDIT_MODEL_KIND_MODULES, loaded by every process that trains or scores).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { HeEngine } from '../crypto/bfv-engine.js';
import { FedcreditError } from '../lib/errors.js';
import { protoDir } from '../lib/grpc.js';
import type { Any__Output } from '../proto/gen/google/protobuf/Any.js';
import type { SealedPayload__Output } from '../proto/gen/fedcredit/v1/SealedPayload.js';
import type { SealedPayloadMessage } from './envelope.js';
import type { TrainingParams } from './schedule.js';
import type { TrainingPolicy } from '../site/policy.js';
import type { EvaluationInput } from '../evaluation/report.js';

/** A decoded kind message (protobufjs toObject: camelCase fields, bytes as Buffers, defaults filled). */
export type KindMessage = Record<string, unknown>;

/** The kind's own slice of a durable record (the coordinator's job record, a node's job state): plain JSON. */
export type KindState = Record<string, unknown>;

/** Where a step call stands: the attempt ties masks to one try of a step (training/README.md). */
export interface StepRef {
  readonly jobId: string;
  readonly attempt: string;
  readonly epoch: number;
  readonly step: number;
}

/** What the bank reports at the end of an epoch. */
export interface EpochOutcome {
  readonly epoch: number;
  readonly improved: boolean;
  readonly stop: boolean;
  /** Validation AUC of the joint model at this epoch (model metadata). */
  readonly auc: number;
}

/** The job as the driver runs it, for the kind's coordinator side. */
export interface DriverContext {
  readonly jobId: string;
  readonly bank: string;
  readonly passives: readonly string[];
  readonly epoch: number;
  /** Position of the current step in the epoch (0-based); equals `batches` during evaluation. */
  readonly step: number;
  readonly batches: number;
  readonly params: TrainingParams;
  readonly plaintext: boolean;
  /** The job's HE engine (BFV, or the plaintext engine in plaintext mode), owned by the driver. */
  readonly engine: HeEngine;
  /** The kind's slice of the job record: change it, then save() before anything depends on it. */
  readonly state: KindState;
  /** Write the job record (with `state`) durably, renewing the driver's lease. */
  save(): Promise<void>;
  /** A fresh attempt id. */
  newAttempt(): string;
  /** Call step `name` at `site`; retried while the site is unreachable; resolves with the decoded answer. */
  call(site: string, name: string, ref: StepRef, payload: KindMessage): Promise<KindMessage>;
}

export interface KindCoordinator {
  /** The kind's job state at creation (LR: the job's key pair). */
  create(engine: HeEngine, plaintext: boolean, kindParams?: KindMessage): Promise<KindState>;
  /** The start payload every site receives (type `ModelKind.startType`), e.g. LR's public key. */
  startPayload(state: KindState): KindMessage;
  /** One mini-batch step (ctx.epoch, ctx.step). Must be replayable: see training/README.md. */
  step(ctx: DriverContext): Promise<void>;
  /** The epoch's evaluation, ending with the bank's verdict. */
  evaluate(ctx: DriverContext): Promise<EpochOutcome>;
  /** Tell the other sites the verdict (idempotent: sent again after a restart). */
  announce(ctx: DriverContext, outcome: EpochOutcome): Promise<void>;
}

/** A site's rows, preprocessed with statistics of the aligned training split (training/node.ts, preprocessing/fit.ts). */
export interface SiteInput {
  readonly jobId: string;
  readonly site: string;
  readonly role: 'bank' | 'passive';
  readonly bank: string;
  readonly passives: readonly string[];
  readonly params: TrainingParams;
  readonly plaintext: boolean;
  /** The decoded start payload. */
  readonly start: KindMessage;
  readonly train: readonly Float64Array[];
  readonly validation: readonly Float64Array[];
  /** The job's feature names at this site, in row order (`features` of the stored part). */
  readonly features: readonly string[];
  /**
   * The same rows before any preprocessing: the values as the site stores them, NaN for a
   * missing cell (a kind that bins, e.g. a scorecard, starts here). Never leaves the site.
   */
  readonly raw: { readonly train: readonly Float64Array[]; readonly validation: readonly Float64Array[] };
  /** The bank's labels (0/1), absent at passive sites. */
  readonly labels?: { readonly train: readonly number[]; readonly validation: readonly number[] };
  /** The node's HE engine for this job (shared between jobs, owned by the node). */
  engine(): HeEngine;
  /** The job's blobs (SiteIo.blobs), for a kind that reads back at open what it keeps there. */
  readonly blobs?: KindBlobs;
}

/** Transport services a site's step may use. */
export interface SiteIo {
  /** Seal chunks to peer `to`, signed by this node, bound to the step and a label (training/envelope.ts). */
  seal(ref: StepRef, label: string, to: string, chunks: readonly Uint8Array[]): SealedPayloadMessage;
  /** Check and open a sealed payload from peer `from` for this step and label. */
  open(ref: StepRef, label: string, from: string, env: SealedPayload__Output | null | undefined): Uint8Array[];
  /** Write the site's save() with the job record, synced: call before answering with anything that depends on it. */
  persist(): Promise<void>;
  /**
   * Large per-step bytes kept beside the job record instead of in save() (design 4.7: "one blob
   * per level, deleted at the next level"), so a persist does not rewrite them. Written synced.
   */
  blobs?: KindBlobs;
  log(line: string): void;
}

/** A job's blobs at a site, by name (dropped with the job's end or abort). */
export interface KindBlobs {
  put(name: string, bytes: Uint8Array): Promise<void>;
  get(name: string): Promise<Uint8Array | undefined>;
  /** Delete every blob whose name starts with `prefix`. */
  drop(prefix: string): Promise<void>;
}

/** What a site keeps when a job ends. */
export interface FinishedPart {
  /** The kind's fields of the stored part (kept with the common ones: site/model-store.ts). */
  readonly part: KindState & { readonly baseline: number };
  readonly featureCount: number;
  /** Bank only: the joint validation logits of the kept model, for the evaluation report. */
  readonly validationLogits?: readonly number[];
  readonly validationLabels?: readonly number[];
  /**
   * What the model report lists for this site, by feature or characteristic name, never a value
   * (absent: the site's preprocessing steps, preprocessing/fit.ts describeTransforms).
   */
  readonly described?: readonly { readonly feature: string; readonly steps: readonly string[] }[];
  /**
   * Bank only: the rows of the report's bank-only baseline when the kind has its own (the
   * scorecard: the bank's WOE-coded characteristics, the bank-only scorecard); absent: the
   * bank's preprocessed rows (LR on its own values).
   */
  readonly bankOnlyRows?: { readonly train: readonly Float64Array[]; readonly validation: readonly Float64Array[] };
  /** Bank only: the kind's section of the evaluation report (aggregates only; evaluation/report.ts checks it). */
  readonly reportSection?: Pick<EvaluationInput, 'scorecard'>;
}

export interface KindSite {
  readonly epoch: number;
  readonly step: number;
  readonly stopped: boolean;
  /** Answer step `name`; persists through io before answering where the step changes state. */
  handle(name: string, ref: StepRef, payload: KindMessage, io: SiteIo): Promise<KindMessage>;
  /** Everything needed to carry on after a restart (plain JSON). */
  save(): KindState;
  finish(): FinishedPart;
  close(): Promise<void>;
}

/** A stored part, as scoring reads it: the common fields plus the kind's (site/model-store.ts). */
export interface ScoringPart {
  readonly modelVersion: string;
  readonly site: string;
  readonly features: readonly string[];
  readonly featureIndexes: readonly number[];
  readonly [field: string]: unknown;
}

export interface KindScoring {
  /**
   * Set when the kind's models cannot be scored yet (boosted trees until issue 16's leaf chain):
   * the coordinator refuses every query on such a model with MODEL_KIND_NOT_SCORABLE and this
   * message, before any node is asked.
   */
  readonly notScorable?: string;
  /** This site's term of the joint logit for a stored feature vector, and each feature's part of it (the explanation). */
  contribution(part: ScoringPart, vector: Float64Array): { value: number; contributions: Float64Array };
  /** The term when the site has no record of the enterprise. */
  baseline(part: ScoringPart): number;
  /**
   * Set by kinds whose joint term is a sum over slots that no single site can evaluate (boosted
   * trees: a leaf is reached only if every site's splits on its path agree; fusion: a tree's card
   * term). The query then runs the leaf chain (scoring/leaf-chain.ts, docs/design/secureboost.md
   * 7.1): the bank encrypts values x its own indicator under its per-model scoring key, each
   * passive multiplies by its own indicator, the slot sum reaches the coordinator only through
   * the secure aggregation's mod t_s lane. `contribution` is then the site's plain term outside
   * the chain (trees: the bank's base score, passives 0). Generic: `values` is whatever the
   * slots carry (trees: leaf weights; fusion: card terms).
   */
  readonly leafChain?: LeafChainHook;
}

/** The leaf chain's kind hook (docs/design/secureboost.md 12.4). */
export interface LeafChainHook {
  /** Slots of the chain: T trees x 2^depth leaves (the same number at every site of a model). */
  slots(part: ScoringPart): number;
  /** x_k over the slots, 0/1: slot (t, l) is 1 iff every split of this site on the path to leaf l of tree t holds for the vector (NaN = missing: the split's default direction; undefined: the site has no record, every feature missing). */
  indicator(part: ScoringPart, vector: Float64Array | undefined): Uint8Array;
  /** Bank only (the part holding the structure): the value per slot (trees: leaf weight w; fusion: the card term), 0 at unused slots. */
  values?(part: ScoringPart): Float64Array;
  /** Per own feature (part.features order): the explanation weights of 7.5 (no path is known to any site). */
  explanation(part: ScoringPart, vector: Float64Array | undefined): Float64Array;
}

export interface ModelKind {
  /** The name `fedcredit train --model` takes and every stored part carries. */
  readonly name: string;
  readonly codec: KindCodec;
  /** Request and response message type of every step, by step name. */
  readonly steps: Readonly<Record<string, { readonly request: string; readonly response: string }>>;
  /** Message type of the start payload. */
  readonly startType: string;
  /**
   * A site's own floors on the kind's parameters (site/policy.ts), checked at the job's start
   * before anything is stored: throws BAD_REQUEST naming the parameter (boosted trees: minCellCount
   * under the policy's treesMinCell).
   */
  readonly checkSitePolicy?: (start: KindMessage, policy: TrainingPolicy, site: string) => void;
  /**
   * The kind's own job parameters, if it has any (the scorecard's bins, minimum bin size...):
   * RunTrainingRequest.kind_params carries them as message `type` of the kind's codec; the
   * coordinator takes `defaults` when the request has none, `check`s them before any work
   * (throwing a BAD_REQUEST that names the parameter and its range), keeps them in the job's
   * parameters (log entry, model metadata) and hands them to the kind's `create`.
   */
  readonly params?: { readonly type: string; readonly defaults: KindMessage; check(p: KindMessage): KindMessage };
  /**
   * Driver steps per epoch, from the job's checked kind parameters (boosted trees: one step per
   * tree level); absent: the mini-batch count of the LR batch rule (training/schedule.ts).
   */
  stepsPerEpoch?(kindParams: KindMessage | undefined): number;
  coordinator(): KindCoordinator;
  openSite(input: SiteInput, saved: KindState | undefined): Promise<KindSite>;
  readonly scoring: KindScoring;
}

/** Load a kind's .proto file; `import "fedcredit/v1/..."` resolves to the transport's own files. */
export function loadKindProto(file: string): protobuf.Root {
  const root = new protobuf.Root();
  const shared = protoDir();
  root.resolvePath = (origin, target) => {
    if (path.isAbsolute(target)) return target;
    if (target.startsWith('fedcredit/') || target.startsWith('google/')) return path.join(shared, target);
    return path.resolve(path.dirname(origin), target);
  };
  root.loadSync(file);
  return root;
}

const TYPE_PREFIX = 'type.googleapis.com/';

/** Encodes a kind's messages into Anys and decodes (and type-checks) them back. */
export class KindCodec {
  constructor(private readonly root: protobuf.Root, private readonly pkg: string) {}

  /** A name with a dot is fully qualified (a transport message such as fedcredit.v1.SealedPayload); else it is the kind's. */
  #full(name: string): string {
    return name.includes('.') ? name : `${this.pkg}.${name}`;
  }

  #type(name: string): protobuf.Type {
    try {
      return this.root.lookupType(this.#full(name));
    } catch {
      throw new FedcreditError('INTERNAL', `model kind package ${this.pkg} declares no message ${name}`);
    }
  }

  typeUrl(name: string): string {
    return TYPE_PREFIX + this.#full(name);
  }

  encode(name: string, message: KindMessage): { type_url: string; value: Buffer } {
    const type = this.#type(name);
    return { type_url: this.typeUrl(name), value: Buffer.from(type.encode(type.fromObject(message)).finish()) };
  }

  decode(name: string, any: Any__Output | null | undefined, what: string): KindMessage {
    const type = this.#type(name);
    if (!any) throw new FedcreditError('BAD_REQUEST', `${what}: no payload; expected ${this.#full(name)}`);
    if (any.type_url !== this.typeUrl(name)) {
      throw new FedcreditError('BAD_REQUEST', `${what}: payload is '${String(any.type_url).slice(0, 100)}', expected ${this.typeUrl(name)}`);
    }
    try {
      return type.toObject(type.decode(any.value), { defaults: true, arrays: true, longs: Number }) as KindMessage;
    } catch (err) {
      throw new FedcreditError('BAD_REQUEST', `${what}: payload does not decode as ${this.#full(name)} (${(err as Error).message})`);
    }
  }
}

/** A field of a decoded message, checked: a kind's handlers use these instead of casts. */
export const field = {
  number(m: KindMessage, key: string): number {
    const v = m[key];
    if (typeof v !== 'number') throw new FedcreditError('BAD_REQUEST', `field ${key} is not a number`);
    return v;
  },
  bool(m: KindMessage, key: string): boolean {
    return m[key] === true;
  },
  numbers(m: KindMessage, key: string): number[] {
    const v = m[key];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw new FedcreditError('BAD_REQUEST', `field ${key} is not a list of numbers`);
    return v as number[];
  },
  bytesList(m: KindMessage, key: string): Buffer[] {
    const v = m[key];
    if (!Array.isArray(v) || v.some((x) => !(x instanceof Uint8Array))) throw new FedcreditError('BAD_REQUEST', `field ${key} is not a list of byte strings`);
    return (v as Uint8Array[]).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  },
  bytes(m: KindMessage, key: string): Buffer {
    const v = m[key];
    if (!(v instanceof Uint8Array)) throw new FedcreditError('BAD_REQUEST', `field ${key} is not a byte string`);
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  },
  sealed(m: KindMessage, key: string): SealedPayload__Output | undefined {
    const v = m[key];
    return v === null || v === undefined ? undefined : (v as SealedPayload__Output);
  },
  sealedList(m: KindMessage, key: string): SealedPayload__Output[] {
    const v = m[key];
    if (!Array.isArray(v)) throw new FedcreditError('BAD_REQUEST', `field ${key} is not a list of sealed payloads`);
    return v as SealedPayload__Output[];
  },
  message(m: KindMessage, key: string): KindMessage {
    const v = m[key];
    if (v === null || typeof v !== 'object') throw new FedcreditError('BAD_REQUEST', `field ${key} is missing`);
    return v as KindMessage;
  },
};

/**
 * A file of a kind's folder (its .proto), from the kind's module whether it runs from source or
 * from dist/ (tsc does not copy .proto files: dist/models/lr/kind.js reads models/lr/lr.proto).
 */
export function kindFile(moduleUrl: string, name: string): string {
  const dir = path.dirname(fileURLToPath(moduleUrl));
  const beside = path.join(dir, name);
  if (fs.existsSync(beside)) return beside;
  const root = path.dirname(protoDir());
  const rel = path.relative(path.join(root, 'dist'), dir);
  const source = path.join(root, rel, name);
  if (!rel.startsWith('..') && fs.existsSync(source)) return source;
  throw new FedcreditError('INTERNAL', `model kind file ${name} is neither beside ${dir} nor at ${source}; reinstall the package`);
}
