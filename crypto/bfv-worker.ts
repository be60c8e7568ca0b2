/**
 * The BFV kernel's unit of work, run in a Piscina worker (see ./bfv-engine.ts) or in-thread.
 *
 * Each thread owns one SEAL instance and one BfvCoeffContext (node-seal objects cannot cross
 * threads). Tasks carry bytes only: key material and feature matrices travel as views over
 * SharedArrayBuffers, so sending them with every task costs a reference, not a copy; the
 * thread loads a key once per key id and keeps each feature chunk's NTT form once per
 * (feature set, batch, feature), which is what makes the per-epoch work a multiply-accumulate.
 */
import { BFV_POLY_DEGREE, BfvCoeffContext } from './bfv-coeff.js';
import type { PreparedFeature, PreparedResidual } from './bfv-coeff.js';
import { createHash } from 'node:crypto';
import { histogramEntries } from './bfv-histogram.js';
import { NttResidues } from './bfv-prepared.js';
import type { HistogramNode } from './bfv-histogram.js';

/** The arrays copied into one SharedArrayBuffer, as views: what a worker task carries by reference. */
export function sharedCopies(arrays: readonly Uint8Array[]): Uint8Array[] {
  const shared = new Uint8Array(new SharedArrayBuffer(arrays.reduce((n, c) => n + c.length, 0)));
  const out: Uint8Array[] = [];
  let at = 0;
  for (const c of arrays) {
    shared.set(c, at);
    out.push(shared.subarray(at, at + c.length));
    at += c.length;
  }
  return out;
}

export interface KeyRef {
  /** Stable id of the key pair (e.g. a hash of the public key). */
  readonly id: string;
  readonly publicKey?: Uint8Array;
  readonly secretKey?: Uint8Array;
}

/** A party's feature matrix as residues mod t, feature-major: value (f, i) at f * samples + i. */
export interface FeatureRef {
  readonly id: string;
  readonly residues: Float64Array;
  readonly samples: number;
  readonly features: number;
}

export type BfvTask =
  | { readonly op: 'encrypt'; readonly keys: KeyRef; readonly values: Float64Array; readonly level: number }
  | { readonly op: 'sum'; readonly keys: KeyRef; readonly parts: readonly Uint8Array[]; readonly addend?: Float64Array }
  | {
      readonly op: 'gradient';
      readonly keys: KeyRef;
      readonly matrix: FeatureRef;
      /** Samples [start, end) of the batch, chunked by N in order. */
      readonly start: number;
      readonly end: number;
      /** Features [from, to). */
      readonly from: number;
      readonly to: number;
      readonly residual: readonly Uint8Array[];
      readonly masks: Float64Array;
      readonly level: number;
    }
  | {
      /** Transform features [from, to) of every batch range to NTT form now (job set-up). */
      readonly op: 'prepare';
      readonly keys: KeyRef;
      readonly matrix: FeatureRef;
      readonly ranges: readonly (readonly [number, number])[];
      readonly from: number;
      readonly to: number;
      readonly level: number;
    }
  | {
      /** Histogram prefix shares of one feature for every node (./bfv-histogram.ts). */
      readonly op: 'histogram';
      readonly keys: KeyRef;
      /** The bank's chunks of the level in NTT form ('ntt' tasks' data; views over one SharedArrayBuffer) and their levels. */
      readonly ntt: readonly Uint8Array[];
      readonly levels: readonly number[];
      readonly stride: number;
      readonly nodes: readonly HistogramNode[];
      readonly bins: Uint8Array;
      /** Released bins of this feature per node. */
      readonly binCount: readonly number[];
      /** groups x stride per node, node by node. */
      readonly masks: Float64Array;
    }
  | {
      /** Chunks to NTT form (BfvCoeffContext.nttChunkData): per chunk [level as one byte, its u64 residue data]. */
      readonly op: 'ntt';
      readonly keys: KeyRef;
      readonly chunks: readonly Uint8Array[];
    }
  | { readonly op: 'prefix'; readonly keys: KeyRef; readonly items: readonly Uint8Array[] }
  | { readonly op: 'mask'; readonly keys: KeyRef; readonly ciphertext: Uint8Array; readonly mask: Float64Array }
  | { readonly op: 'decrypt'; readonly keys: KeyRef; readonly items: readonly Uint8Array[]; readonly count: number }
  | { readonly op: 'forget'; readonly matrixId: string }
  /** Start this thread's SEAL instance, context and histogram kernels now (a job's start), not in its first step. */
  | { readonly op: 'warm' };

export type BfvResult = Uint8Array[] | Float64Array[];

interface ThreadState {
  context: BfvCoeffContext;
  /** The last residuals seen, in NTT form, by a hash of their bytes: one batch's feature groups share one. */
  residuals: Map<string, PreparedResidual>;
  publicKeyId: string | undefined;
  secretKeyId: string | undefined;
  prepared: Map<string, PreparedFeature>;
}

let state: Promise<ThreadState> | undefined;

function threadState(): Promise<ThreadState> {
  state ??= BfvCoeffContext.create().then((context) => ({ context, residuals: new Map(), publicKeyId: undefined, secretKeyId: undefined, prepared: new Map() }));
  return state;
}

function useKeys(s: ThreadState, keys: KeyRef, needSecret: boolean): void {
  if (keys.publicKey !== undefined && s.publicKeyId !== keys.id) {
    s.context.loadKeys({ publicKey: keys.publicKey.slice() });
    s.publicKeyId = keys.id;
  }
  if (needSecret) {
    if (keys.secretKey === undefined) throw new Error('decrypt task without a secret key: only the key holder decrypts');
    if (s.secretKeyId !== keys.id) {
      s.context.loadKeys({ secretKey: keys.secretKey.slice() });
      s.secretKeyId = keys.id;
    }
  }
}

/**
 * NTT feature chunks kept per thread: 196 KB each at level 1, so 6000 is ~1.2 GB, well inside the
 * 4 GB WASM heap. Beyond that the oldest go (Map keeps insertion order): a pool cannot broadcast
 * a 'forget' to every worker, so this bound is what keeps old training jobs from piling up.
 */
const MAX_PREPARED = 6000;

function evictOldest(prepared: Map<string, PreparedFeature>): void {
  while (prepared.size > MAX_PREPARED) {
    const [key, oldest] = prepared.entries().next().value as [string, PreparedFeature];
    oldest.delete();
    prepared.delete(key);
  }
}

/** Residuals kept per thread: a batch's residual is reused by every feature group, then dropped. */
const MAX_RESIDUALS = 2;

/**
 * The residual in NTT form, from the cache when this thread has seen the same bytes (SHA-256:
 * a hash collision would need a SHA-256 collision, and the bytes come from the party's own job).
 */
function residualFor(s: ThreadState, residual: readonly Uint8Array[], id?: string): PreparedResidual {
  let key = `id:${id}`;
  if (id === undefined) {
    const hash = createHash('sha256');
    for (const chunk of residual) hash.update(chunk);
    key = hash.digest('hex');
  }
  let prepared = s.residuals.get(key);
  if (prepared === undefined) {
    prepared = s.context.prepareResidual(residual);
    s.residuals.set(key, prepared);
    while (s.residuals.size > MAX_RESIDUALS) {
      const [oldest, value] = s.residuals.entries().next().value as [string, PreparedResidual];
      value.delete();
      s.residuals.delete(oldest);
    }
  }
  return prepared;
}

/** The NTT forms of feature f over samples [start, end), chunk by chunk, from the cache or made now. */
function preparedChunks(s: ThreadState, matrix: FeatureRef, f: number, start: number, end: number, level: number): PreparedFeature[] {
  const chunks: PreparedFeature[] = [];
  for (let at = start; at < end; at += BFV_POLY_DEGREE) {
    const stop = Math.min(end, at + BFV_POLY_DEGREE);
    const key = `${matrix.id}:${level}:${f}:${at}:${stop}`;
    let prepared = s.prepared.get(key);
    if (prepared === undefined) {
      const base = f * matrix.samples;
      prepared = s.context.prepareFeature(matrix.residues.slice(base + at, base + stop), level);
      s.prepared.set(key, prepared);
      evictOldest(s.prepared);
    }
    chunks.push(prepared);
  }
  return chunks;
}

/** Pure function of the task and this thread's caches; both the pool and in-thread paths call it. */
export async function runBfvTask(task: BfvTask): Promise<BfvResult> {
  const s = await threadState();
  const ctx = s.context;
  switch (task.op) {
    case 'encrypt': {
      useKeys(s, task.keys, false);
      const out: Uint8Array[] = [];
      for (let at = 0; at < task.values.length; at += BFV_POLY_DEGREE) out.push(ctx.encrypt(task.values.subarray(at, at + BFV_POLY_DEGREE), task.level));
      return out;
    }
    case 'sum':
      useKeys(s, task.keys, false);
      return [ctx.sum(task.parts, task.addend)];
    case 'gradient': {
      useKeys(s, task.keys, false);
      const { matrix, start, end, level } = task;
      if (!(0 <= start && start < end && end <= matrix.samples) || !(0 <= task.from && task.from < task.to && task.to <= matrix.features)) {
        throw new RangeError(`gradient task: samples [${start}, ${end}) or features [${task.from}, ${task.to}) outside the ${matrix.samples} x ${matrix.features} matrix`);
      }
      const features: PreparedFeature[][] = [];
      for (let f = task.from; f < task.to; f++) features.push(preparedChunks(s, matrix, f, start, end, level));
      return ctx.maskedInnerProducts(residualFor(s, task.residual), features, task.masks);
    }
    case 'prepare': {
      useKeys(s, task.keys, false);
      for (let f = task.from; f < task.to; f++) for (const [start, end] of task.ranges) preparedChunks(s, task.matrix, f, start, end, task.level);
      return [];
    }
    case 'histogram': {
      useKeys(s, task.keys, false);
      const chunks = new NttResidues(task.levels, task.ntt);
      const out: Uint8Array[] = [];
      let at = 0;
      task.nodes.forEach((node, x) => {
        const groups = Math.ceil(task.binCount[x]! / task.stride);
        const masks = task.masks.subarray(at, at + groups * task.stride);
        at += groups * task.stride;
        if (groups === 0) return;
        const range = Array.from({ length: node.chunks }, (_, k) => node.firstChunk + k);
        out.push(...ctx.maskedPrefixShares(chunks, range, (c) => histogramEntries(task.bins, c, task.stride, groups), groups, task.stride, masks));
      });
      if (at !== task.masks.length) throw new RangeError(`histogram task: ${task.masks.length} masks for ${at / task.stride} shares`);
      return out;
    }
    case 'ntt': {
      useKeys(s, task.keys, false);
      // Straight into shared memory: the result then reaches the main thread and every
      // histogram task by reference (the main thread used to copy each batch once more, ~20-30 MB
      // a level at 100k rows, all of it garbage for its collector).
      const done = task.chunks.map((bytes) => ctx.nttChunkData(bytes));
      const shared = sharedCopies(done.map((d) => d.data));
      return done.flatMap((d, k) => [Uint8Array.of(d.level), shared[k]!]);
    }
    case 'prefix':
      useKeys(s, task.keys, true);
      return task.items.map((item) => ctx.decryptPrefix(item));
    case 'mask':
      useKeys(s, task.keys, false);
      return [ctx.maskForDecryption(task.ciphertext, task.mask)];
    case 'decrypt':
      useKeys(s, task.keys, true);
      return task.items.map((item) => ctx.decrypt(item, task.count));
    case 'forget': {
      for (const [key, prepared] of s.prepared) {
        if (key.startsWith(`${task.matrixId}:`)) {
          prepared.delete();
          s.prepared.delete(key);
        }
      }
      return [];
    }
    case 'warm':
      ctx.warmKernels();
      return [];
    default:
      throw new TypeError(`bfv worker: unknown task op ${JSON.stringify((task as { op?: unknown }).op)}`);
  }
}

export default function bfvWorker(task: BfvTask): Promise<BfvResult> {
  // Results are at most a few hundred KB per task: a structured clone costs microseconds.
  return runBfvTask(task);
}
