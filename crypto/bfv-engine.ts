/**
 * Where the BFV kernel runs: on the calling thread, or over a Piscina pool of worker threads,
 * each owning its SEAL instance (./bfv-worker.ts). The training protocol talks to the
 * `HeEngine` interface only, so a plaintext engine (models/lr/plain-engine.ts, benchmarks only)
 * drops in without touching the protocol.
 *
 * Locating the worker, as for PSI (./psi-blinder.ts): compiled code loads its sibling
 * `bfv-worker.js`; code run from source (vitest) loads `dist/crypto/bfv-worker.js`, which
 * `npm run build` produces, and refuses a build older than its sources. Without it, or with one
 * core, the engine runs in-thread and says why in `reason`.
 */
import { WORKER_EXEC_ARGV } from './worker-exec-argv.js';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { BFV_POLY_DEGREE } from './bfv-coeff.js';
import { runBfvTask, sharedCopies } from './bfv-worker.js';
import type { BfvResult, BfvTask, FeatureRef, KeyRef } from './bfv-worker.js';
import { histogramSlots, shareCount, stridedPolynomials } from './bfv-histogram.js';
import type { HistogramRequest } from './bfv-histogram.js';

export type { FeatureRef, KeyRef } from './bfv-worker.js';
export type { HistogramNode, HistogramRequest } from './bfv-histogram.js';

/** Level at which partial terms and residuals travel and are multiplied (3 of 4 primes). */
export const WORK_LEVEL = 1;

/** The operations of the VFL protocol on encrypted (or, in plaintext mode, clear) vectors. */
export interface HeEngine {
  readonly kind: 'bfv' | 'plaintext';
  readonly mode: 'in-thread' | 'worker-pool';
  readonly threads: number;
  readonly reason: string;
  /** Samples per ciphertext. */
  readonly chunkSize: number;
  /** Encrypt residues mod t as ceil(length / chunkSize) ciphertexts at WORK_LEVEL. */
  encrypt(keys: KeyRef, residues: Float64Array): Promise<Uint8Array[]>;
  /** Chunk-wise sum of ciphertext vectors plus a plaintext vector of residues. */
  sum(keys: KeyRef, parts: readonly (readonly Uint8Array[])[], addend: Float64Array): Promise<Uint8Array[]>;
  /**
   * Job set-up: transform every feature chunk of these batch ranges to NTT form now, in the
   * worker that will use it (and so load SEAL and the key there), instead of during epoch 1.
   */
  prepareFeatures(keys: KeyRef, matrix: FeatureRef, ranges: readonly (readonly [number, number])[]): Promise<void>;
  /** One coefficient-0 share per feature: sum over samples [start, end) of residual x feature, plus masks[f]. */
  maskedGradient(keys: KeyRef, matrix: FeatureRef, start: number, end: number, residual: readonly Uint8Array[], masks: Float64Array): Promise<Uint8Array[]>;
  /** Each ciphertext switched to the lowest level plus its mask polynomial. */
  maskForDecryption(keys: KeyRef, ciphertexts: readonly Uint8Array[], masks: readonly Float64Array[]): Promise<Uint8Array[]>;
  /** Key holder: the first `count` residues of each item. */
  decrypt(keys: KeyRef, items: readonly Uint8Array[], count: number): Promise<Float64Array[]>;
  /**
   * Histogram kernel (docs/design/secureboost.md 3, 12.1; ./bfv-histogram.ts). Encrypt v
   * (signed integers, |v| < 2^49) in the strided layout: values[c m .. c m + m) -> chunk c,
   * m = N / stride, at WORK_LEVEL.
   */
  encryptStrided(keys: KeyRef, values: Float64Array, stride: number): Promise<Uint8Array[]>;
  /**
   * Per (node, feature, bin group): a prefix share of the stride sums of v over the node's rows
   * in each bin of the group, masks[share * stride + k] added to bin k; node-major, then
   * feature, then group. One task per feature on the pool.
   */
  maskedHistograms(keys: KeyRef, req: HistogramRequest, masks: Float64Array): Promise<Uint8Array[]>;
  /** Key holder: the stride residues of each prefix share, share-major. */
  decryptPrefix(keys: KeyRef, shares: readonly Uint8Array[], stride: number): Promise<Float64Array>;
  /** Drop the cached NTT forms of a feature matrix (end of a job). */
  forget(matrixId: string): Promise<void>;
  /**
   * Start the worker threads, their SEAL instances and kernels now (a BFV job's start), so the
   * first step that needs them does not pay it: a passive's first federated tree used to include
   * ~2.5 CPU-s of it. Optional: the plaintext engine has nothing to start.
   */
  warm?(): Promise<void>;
  close(): Promise<void>;
}

export interface BfvEngineOptions {
  /** Worker threads; 'auto' = available cores; 0 or 1 = in-thread. Default 'auto'. */
  readonly threads?: number | 'auto';
  /** Features per gradient task: enough to amortise the residual's NTT, few enough to balance. */
  readonly featuresPerTask?: number;
  readonly workerUrl?: URL;
}

/** Key bytes in SharedArrayBuffers, so every task can carry them for the price of a reference. */
export function shareKeys(keys: { readonly publicKey: Uint8Array; readonly secretKey?: Uint8Array }): KeyRef {
  const share = (bytes: Uint8Array): Uint8Array => {
    const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
    out.set(bytes);
    return out;
  };
  const id = createHash('sha256').update(keys.publicKey).digest('hex').slice(0, 32);
  return { id, publicKey: share(keys.publicKey), ...(keys.secretKey ? { secretKey: share(keys.secretKey) } : {}) };
}

/** A feature-major residue matrix in a SharedArrayBuffer. */
export function shareFeatures(id: string, residues: Float64Array, samples: number, features: number): FeatureRef {
  if (residues.length !== samples * features) throw new RangeError(`feature matrix has ${residues.length} residues; ${samples} samples x ${features} features = ${samples * features}`);
  const shared = new Float64Array(new SharedArrayBuffer(residues.byteLength));
  shared.set(residues);
  return { id, residues: shared, samples, features };
}

export type WorkerResolution = { readonly url: URL; readonly reason: string } | { readonly url: undefined; readonly reason: string };

export function resolveBfvWorkerUrl(moduleUrl: string = import.meta.url): WorkerResolution {
  if (moduleUrl.endsWith('.js')) {
    const url = new URL('./bfv-worker.js', moduleUrl);
    return fs.existsSync(url) ? { url, reason: 'compiled worker next to this module' } : { url: undefined, reason: `${fileURLToPath(url)} is missing` };
  }
  const url = new URL('../dist/crypto/bfv-worker.js', moduleUrl);
  if (!fs.existsSync(url)) return { url: undefined, reason: `running from source and ${fileURLToPath(url)} is not built (run npm run build)` };
  for (const name of ['bfv-worker', 'bfv-coeff', 'bfv-wire', 'bfv-histogram', 'bfv-fixed', 'bfv-sampling', 'bfv-prepared', 'ntt-rns', 'ntt-wasm', 'seal']) {
    const source = new URL(`./${name}.ts`, moduleUrl);
    const built = new URL(`../dist/crypto/${name}.js`, moduleUrl);
    if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(source).mtimeMs) {
      return { url: undefined, reason: `${fileURLToPath(built)} is older than its source (run npm run build)` };
    }
  }
  return { url, reason: 'running from source: using the compiled dist/crypto/bfv-worker.js' };
}

export function createBfvEngine(opts: BfvEngineOptions = {}): HeEngine {
  const requested = opts.threads ?? 'auto';
  if (requested !== 'auto' && (!Number.isInteger(requested) || requested < 0)) {
    throw new RangeError(`BFV engine: threads must be 'auto' or a non-negative integer, got ${String(requested)}`);
  }
  const featuresPerTask = opts.featuresPerTask ?? 4;
  if (!Number.isInteger(featuresPerTask) || featuresPerTask < 1) throw new RangeError(`featuresPerTask must be a positive integer, got ${featuresPerTask}`);
  const threads = requested === 'auto' ? os.availableParallelism() : requested;
  if (threads <= 1) return new BfvEngine(undefined, 1, featuresPerTask, requested === 'auto' ? 'one core available' : `threads = ${threads} requested`);
  const resolved = opts.workerUrl ? { url: opts.workerUrl, reason: 'worker file given by caller' } : resolveBfvWorkerUrl();
  if (resolved.url === undefined) return new BfvEngine(undefined, 1, featuresPerTask, resolved.reason);
  // One single-thread pool per worker, so gradient tasks can be routed: the NTT forms of a
  // feature group then live in one worker only (prepared once per job, half the memory).
  const pools = Array.from({ length: threads }, () => new Piscina<BfvTask, BfvResult>({ filename: resolved.url!.href, minThreads: 1, maxThreads: 1, execArgv: [...WORKER_EXEC_ARGV] }));
  return new BfvEngine(pools, threads, featuresPerTask, resolved.reason);
}

class BfvEngine implements HeEngine {
  readonly kind = 'bfv';
  readonly chunkSize = BFV_POLY_DEGREE;
  readonly mode: 'in-thread' | 'worker-pool';

  readonly #busy: number[];
  /** Worker of each (feature matrix, feature group), assigned round-robin on first use. */
  readonly #affinity = new Map<string, number>();
  /** Shared copies of the last key pairs (#sharedKeys), with the object they were made from. */
  readonly #keysShared = new Map<string, { source: KeyRef; keys: KeyRef }>();

  constructor(
    private readonly pools: readonly Piscina<BfvTask, BfvResult>[] | undefined,
    readonly threads: number,
    private readonly featuresPerTask: number,
    readonly reason: string,
  ) {
    this.mode = pools ? 'worker-pool' : 'in-thread';
    this.#busy = new Array<number>(pools?.length ?? 1).fill(0);
  }

  async encrypt(keys: KeyRef, residues: Float64Array): Promise<Uint8Array[]> {
    const tasks: BfvTask[] = [];
    for (let at = 0; at < residues.length; at += this.chunkSize) {
      tasks.push({ op: 'encrypt', keys, values: residues.slice(at, at + this.chunkSize), level: WORK_LEVEL });
    }
    return (await this.#all(tasks)).flat() as Uint8Array[];
  }

  async sum(keys: KeyRef, parts: readonly (readonly Uint8Array[])[], addend: Float64Array): Promise<Uint8Array[]> {
    const chunks = Math.ceil(addend.length / this.chunkSize);
    parts.forEach((p, i) => {
      if (p.length !== chunks) throw new RangeError(`sum: part ${i} has ${p.length} ciphertexts; ${addend.length} samples take ${chunks}`);
    });
    const tasks: BfvTask[] = [];
    for (let c = 0; c < chunks; c++) {
      tasks.push({ op: 'sum', keys, parts: parts.map((p) => p[c]!), addend: addend.slice(c * this.chunkSize, (c + 1) * this.chunkSize) });
    }
    return (await this.#all(tasks)).flat() as Uint8Array[];
  }

  async maskedGradient(keys: KeyRef, matrix: FeatureRef, start: number, end: number, residual: readonly Uint8Array[], masks: Float64Array): Promise<Uint8Array[]> {
    if (masks.length !== matrix.features) throw new RangeError(`${matrix.features} features but ${masks.length} masks`);
    const tasks: BfvTask[] = [];
    for (let from = 0; from < matrix.features; from += this.featuresPerTask) {
      const to = Math.min(matrix.features, from + this.featuresPerTask);
      tasks.push({ op: 'gradient', keys, matrix, start, end, from, to, residual, masks: masks.slice(from, to), level: WORK_LEVEL });
    }
    return (await this.#all(tasks, tasks.map((task) => this.#workerFor(task)))).flat() as Uint8Array[];
  }

  async prepareFeatures(keys: KeyRef, matrix: FeatureRef, ranges: readonly (readonly [number, number])[]): Promise<void> {
    const tasks: BfvTask[] = [];
    for (let from = 0; from < matrix.features; from += this.featuresPerTask) {
      tasks.push({ op: 'prepare', keys, matrix, ranges, from, to: Math.min(matrix.features, from + this.featuresPerTask), level: WORK_LEVEL });
    }
    await this.#all(tasks, tasks.map((task) => this.#workerFor(task)));
  }

  /** The worker owning a feature group (round-robin on first use), so its NTT forms live there only. */
  #workerFor(task: BfvTask): number {
    const key = task.op === 'gradient' || task.op === 'prepare' ? `${task.matrix.id}:${task.from}` : '';
    let worker = this.#affinity.get(key);
    if (worker === undefined) {
      worker = this.#affinity.size % this.threads;
      this.#affinity.set(key, worker);
    }
    return worker;
  }

  async maskForDecryption(keys: KeyRef, ciphertexts: readonly Uint8Array[], masks: readonly Float64Array[]): Promise<Uint8Array[]> {
    if (masks.length !== ciphertexts.length) throw new RangeError(`${ciphertexts.length} ciphertexts but ${masks.length} masks`);
    return (await this.#all(ciphertexts.map((ciphertext, i) => ({ op: 'mask', keys, ciphertext, mask: masks[i]! }) as const))).flat() as Uint8Array[];
  }

  async decrypt(keys: KeyRef, items: readonly Uint8Array[], count: number): Promise<Float64Array[]> {
    const per = Math.max(1, Math.ceil(items.length / (this.threads * 2)));
    const tasks: BfvTask[] = [];
    for (let at = 0; at < items.length; at += per) tasks.push({ op: 'decrypt', keys, items: items.slice(at, at + per), count });
    return (await this.#all(tasks)).flat() as Float64Array[];
  }

  async encryptStrided(keys: KeyRef, values: Float64Array, stride: number): Promise<Uint8Array[]> {
    const polys = stridedPolynomials(values, stride);
    return (await this.#all(polys.map((poly) => ({ op: 'encrypt', keys, values: poly, level: WORK_LEVEL }) as const))).flat() as Uint8Array[];
  }

  async maskedHistograms(keys: KeyRef, req: HistogramRequest, masks: Float64Array): Promise<Uint8Array[]> {
    const slots = histogramSlots(req, req.chunks.length);
    const total = shareCount(slots);
    if (masks.length !== total * req.stride) throw new RangeError(`${total} shares of stride ${req.stride} need ${total * req.stride} masks, got ${masks.length}`);
    // Each chunk to NTT form once, the chunks split over the threads (every feature task needs
    // every chunk: when each thread transformed them all itself, that duplicate work was ~15% of
    // a passive's kernel time), then in one SharedArrayBuffer: every feature task carries a
    // reference, not a copy.
    const per = Math.max(1, Math.ceil(req.chunks.length / this.threads));
    const chunks = this.pools === undefined ? req.chunks : sharedCopies(req.chunks);
    const nttTasks: BfvTask[] = [];
    for (let from = 0; from < chunks.length; from += per) nttTasks.push({ op: 'ntt', keys, chunks: chunks.slice(from, from + per) });
    const transformed = ((await this.#all(nttTasks)) as Uint8Array[][]).flat();
    const levels: number[] = [];
    const data: Uint8Array[] = [];
    for (let k = 0; k < transformed.length; k += 2) {
      levels.push(transformed[k]![0]!);
      data.push(transformed[k + 1]!);
    }
    // The workers wrote each batch's NTT data into shared memory already (the 'ntt' op).
    const ntt = data.every((d) => d.buffer instanceof SharedArrayBuffer) ? data : sharedCopies(data);
    const features = req.bins.length;
    const tasks: BfvTask[] = [];
    for (let f = 0; f < features; f++) {
      const mine = slots.filter((slot) => slot.feature === f);
      const featureMasks = new Float64Array(mine.reduce((n, slot) => n + slot.groups * req.stride, 0));
      let to = 0;
      for (const slot of mine) {
        featureMasks.set(masks.subarray(slot.offset * req.stride, (slot.offset + slot.groups) * req.stride), to);
        to += slot.groups * req.stride;
      }
      tasks.push({ op: 'histogram', keys, ntt, levels, stride: req.stride, nodes: req.nodes, bins: req.bins[f]!, binCount: req.binCount.map((row) => row[f]!), masks: featureMasks });
    }
    const results = (await this.#all(tasks)) as Uint8Array[][];
    // Back from feature-major to node-major, then feature, then group.
    const out = new Array<Uint8Array>(total);
    for (let f = 0; f < features; f++) {
      let k = 0;
      for (const slot of slots) {
        if (slot.feature !== f) continue;
        for (let g = 0; g < slot.groups; g++) out[slot.offset + g] = results[f]![k++]!;
      }
    }
    return out;
  }

  async decryptPrefix(keys: KeyRef, shares: readonly Uint8Array[], stride: number): Promise<Float64Array> {
    const per = Math.max(1, Math.ceil(shares.length / (this.threads * 2)));
    // One copy into shared memory, then the tasks pass references (their structured clones were
    // ~1 s of the coordinator's main thread per 100k tree, and as much again in the workers).
    const items = this.pools === undefined ? shares : sharedCopies(shares);
    const tasks: BfvTask[] = [];
    for (let at = 0; at < items.length; at += per) tasks.push({ op: 'prefix', keys, items: items.slice(at, at + per) });
    const parts = (await this.#all(tasks)).flat() as Float64Array[];
    const out = new Float64Array(shares.length * stride);
    parts.forEach((values, i) => {
      if (values.length !== stride) throw new RangeError(`prefix share ${i} carries ${values.length} coefficients; the level's stride is ${stride}`);
      out.set(values, i * stride);
    });
    return out;
  }

  async forget(matrixId: string): Promise<void> {
    const forget: BfvTask = { op: 'forget', matrixId };
    if (this.pools === undefined) await runBfvTask(forget);
    else await Promise.all(this.pools.map((pool) => pool.run(forget)));
    for (const key of [...this.#affinity.keys()]) if (key.startsWith(`${matrixId}:`)) this.#affinity.delete(key);
  }

  /** Run tasks on the given workers, or each on the least busy one. */
  async #all(tasks: readonly BfvTask[], workers?: readonly number[]): Promise<BfvResult[]> {
    const pools = this.pools;
    if (pools !== undefined) {
      return Promise.all(
        tasks.map(async (task, i) => {
          const w = workers?.[i] ?? this.#busy.indexOf(Math.min(...this.#busy));
          this.#busy[w]!++;
          try {
            return await pools[w]!.run('keys' in task ? { ...task, keys: this.#sharedKeys(task.keys) } : task);
          } finally {
            this.#busy[w]!--;
          }
        }),
      );
    }
    const out: BfvResult[] = [];
    for (const task of tasks) {
      out.push(await runBfvTask(task));
      // Yield between tasks: a node training in-thread must still answer its RPCs.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return out;
  }

  /**
   * The keys as views over SharedArrayBuffers, made once per key pair: a task's structured clone
   * then passes a reference instead of copying the public key (~650 KB) and the secret key into
   * every task (a passive's 150 histogram tasks a tree copied ~100 MB).
   */
  #sharedKeys(keys: KeyRef): KeyRef {
    const key = `${keys.id}:${keys.publicKey?.length ?? 0}:${keys.secretKey?.length ?? 0}`;
    let shared = this.#keysShared.get(key);
    if (shared === undefined || shared.source !== keys) {
      shared = {
        source: keys,
        keys: { id: keys.id, ...(keys.publicKey ? { publicKey: sharedCopies([keys.publicKey])[0]! } : {}), ...(keys.secretKey ? { secretKey: sharedCopies([keys.secretKey])[0]! } : {}) },
      };
      this.#keysShared.delete(key);
      this.#keysShared.set(key, shared);
      while (this.#keysShared.size > 8) this.#keysShared.delete(this.#keysShared.keys().next().value!);
    }
    return shared.keys;
  }

  async warm(): Promise<void> {
    const warm: BfvTask = { op: 'warm' };
    if (this.pools === undefined) await runBfvTask(warm);
    else await Promise.all(this.pools.map((pool) => pool.run(warm)));
  }

  async close(): Promise<void> {
    if (this.pools) await Promise.all(this.pools.map((pool) => pool.destroy()));
  }
}
