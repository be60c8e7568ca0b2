/**
 * Where PSI blinding runs: on the calling thread, or spread over a Piscina worker pool in chunks.
 *
 * Locating the worker. The repo compiles with `tsc` into `dist/` (rootDir = repo root), so from
 * compiled code this module is `dist/alignment/psi-blinder.js` and the worker its sibling
 * `psi-worker.js`. Under vitest (or any TS-from-source runner) this module is `crypto/*.ts`; a
 * plain worker thread cannot load TypeScript, so the pool loads the compiled
 * `dist/alignment/psi-worker.js` instead, which `npm run build` produces (`npm test` always builds
 * first). If that file is missing or older than its sources, or the machine has one core, the
 * blinder runs in-thread and says why in `reason`: same bytes out, only slower. The worker's
 * logic is one pure function (`runPsiTask`) that both paths call.
 */
import { WORKER_EXEC_ARGV } from '../crypto/worker-exec-argv.js';
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { POINT_BYTES } from './psi-hash.js';
import { runPsiTask, type PsiWorkerTask } from './psi-worker.js';
import { checkPoints } from './psi-x25519.js';

export interface PsiBlinder {
  readonly mode: 'in-thread' | 'worker-pool';
  /** Threads doing the arithmetic. */
  readonly threads: number;
  /** Why this mode: shown in logs and benchmark notes. */
  readonly reason: string;
  /** hash_to_curve each `idLength`-byte ID in `ids`, then apply `keys` (32 bytes each) in order. */
  hashAndBlind(keys: Uint8Array, ids: Uint8Array, idLength: number): Promise<Uint8Array>;
  /** Apply `keys` (32 bytes each) in order to every 32-byte point; same order out. */
  blind(keys: Uint8Array, points: Uint8Array): Promise<Uint8Array>;
  /** `count` fresh uniformly random points of the prime-order subgroup (padding). */
  randomPoints(count: number): Promise<Uint8Array>;
  /** Stop the workers; the blinder is unusable afterwards. */
  close(): Promise<void>;
}

export interface PsiBlinderOptions {
  /** Worker threads; 'auto' = available cores; 0 or 1 = in-thread. Default 'auto'. */
  readonly threads?: number | 'auto';
  /** Elements per task. Big enough to amortise a message (~1 ms), small enough to balance. */
  readonly chunkSize?: number;
  /** Override the worker file (tests); undefined = {@link resolvePsiWorkerUrl}. */
  readonly workerUrl?: URL;
}

const DEFAULT_CHUNK = 2048;

export type WorkerResolution = { readonly url: URL; readonly reason: string } | { readonly url: undefined; readonly reason: string };

/** The compiled worker to load from a module at `moduleUrl` (this module by default). */
export function resolvePsiWorkerUrl(moduleUrl: string = import.meta.url): WorkerResolution {
  if (moduleUrl.endsWith('.js')) {
    const url = new URL('./psi-worker.js', moduleUrl);
    return fs.existsSync(url)
      ? { url, reason: 'compiled worker next to this module' }
      : { url: undefined, reason: `${fileURLToPath(url)} is missing` };
  }
  if (!moduleUrl.endsWith('.ts')) return { url: undefined, reason: `cannot locate the PSI worker from ${moduleUrl}` };
  const url = new URL('../dist/alignment/psi-worker.js', moduleUrl);
  if (!fs.existsSync(url)) {
    return { url: undefined, reason: `running from source and ${fileURLToPath(url)} is not built (run npm run build)` };
  }
  // A stale build would blind differently from the source under test; refuse it rather than
  // produce a wrong intersection.
  for (const name of ['psi-worker', 'psi-hash', 'psi-x25519']) {
    const source = new URL(`./${name}.ts`, moduleUrl);
    const built = new URL(`../dist/alignment/${name}.js`, moduleUrl);
    if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(source).mtimeMs) {
      return { url: undefined, reason: `${fileURLToPath(built)} is older than its source (run npm run build)` };
    }
  }
  return { url, reason: 'running from source: using the compiled dist/alignment/psi-worker.js' };
}

export function createPsiBlinder(opts: PsiBlinderOptions = {}): PsiBlinder {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`PSI blinder: chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const requested = opts.threads ?? 'auto';
  if (requested !== 'auto' && (!Number.isInteger(requested) || requested < 0)) {
    throw new RangeError(`PSI blinder: threads must be 'auto' or a non-negative integer, got ${String(requested)}`);
  }
  const threads = requested === 'auto' ? os.availableParallelism() : requested;
  if (threads <= 1) {
    return new InThreadBlinder(chunkSize, requested === 'auto' ? 'one core available' : `threads = ${threads} requested`);
  }
  const resolved = opts.workerUrl ? { url: opts.workerUrl, reason: 'worker file given by caller' } : resolvePsiWorkerUrl();
  if (resolved.url === undefined) return new InThreadBlinder(chunkSize, resolved.reason);
  return new PoolBlinder(resolved.url, threads, chunkSize, resolved.reason);
}

/** Split a task over elements into chunk-sized tasks (flat byte ranges, never objects). */
function chunkTasks(
  keys: Uint8Array,
  data: Uint8Array,
  elementBytes: number,
  chunkSize: number,
  make: (keys: Uint8Array, slice: Uint8Array) => PsiWorkerTask,
): PsiWorkerTask[] {
  const tasks: PsiWorkerTask[] = [];
  const step = chunkSize * elementBytes;
  for (let start = 0; start < data.length; start += step) {
    tasks.push(make(keys.slice(), data.slice(start, Math.min(start + step, data.length))));
  }
  return tasks;
}

function randomPointTasks(count: number, chunkSize: number): PsiWorkerTask[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`PSI blinder: random point count must be a non-negative integer, got ${count}`);
  }
  const tasks: PsiWorkerTask[] = [];
  for (let start = 0; start < count; start += chunkSize) {
    tasks.push({ op: 'random-points', count: Math.min(chunkSize, count - start) });
  }
  return tasks;
}

function checkedIds(ids: Uint8Array, idLength: number): void {
  if (!(ids instanceof Uint8Array)) throw new TypeError('PSI blinder: ids must be a Uint8Array');
  if (!Number.isInteger(idLength) || idLength < 1 || ids.length % idLength !== 0) {
    throw new RangeError(`PSI blinder: ${ids.length} bytes is not a whole number of ${idLength}-byte IDs`);
  }
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * A chunk that failed in a worker, said in terms of the PSI call. A worker that dies (killed,
 * out of memory, process.exit in a dependency) rejects its chunk through Piscina; this names
 * which call and chunk it was, so that a failed alignment says why instead of just stopping.
 */
function blinderFailure(op: PsiWorkerTask['op'], index: number, count: number, cause: unknown): Error {
  const why = cause instanceof Error ? cause.message : String(cause);
  const died = /exited|terminated|out of memory/i.test(why) ? 'a PSI worker thread died: ' : '';
  // A refusal of the input itself (a low-order point) keeps its type, so callers can tell it
  // from an infrastructure failure.
  const Kind = cause instanceof RangeError ? RangeError : Error;
  return new Kind(`PSI blinder: ${op} chunk ${index + 1} of ${count} failed: ${died}${why}`, { cause });
}

/** What both blinders share: cutting work into chunk-sized tasks; subclasses decide where tasks run. */
abstract class ChunkedBlinder implements PsiBlinder {
  abstract readonly mode: PsiBlinder['mode'];
  abstract readonly threads: number;
  abstract readonly reason: string;

  constructor(protected readonly chunkSize: number) {}

  protected abstract run(tasks: readonly PsiWorkerTask[], total: number): Promise<Uint8Array>;
  abstract close(): Promise<void>;

  hashAndBlind(keys: Uint8Array, ids: Uint8Array, idLength: number): Promise<Uint8Array> {
    checkedIds(ids, idLength);
    const tasks = chunkTasks(keys, ids, idLength, this.chunkSize, (k, slice) => ({ op: 'hash-blind', keys: k, ids: slice, idLength }));
    return this.run(tasks, (ids.length / idLength) * POINT_BYTES);
  }

  blind(keys: Uint8Array, points: Uint8Array): Promise<Uint8Array> {
    checkPoints(points);
    const tasks = chunkTasks(keys, points, POINT_BYTES, this.chunkSize, (k, slice) => ({ op: 'blind', keys: k, points: slice }));
    return this.run(tasks, points.length);
  }

  randomPoints(count: number): Promise<Uint8Array> {
    return this.run(randomPointTasks(count, this.chunkSize), count * POINT_BYTES);
  }
}

class InThreadBlinder extends ChunkedBlinder {
  readonly mode = 'in-thread';
  readonly threads = 1;
  constructor(
    chunkSize: number,
    readonly reason: string,
  ) {
    super(chunkSize);
  }

  protected async run(tasks: readonly PsiWorkerTask[], total: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (const task of tasks) {
      parts.push(runPsiTask(task));
      // Yield between chunks: a node blinding a million IDs must still answer its RPCs.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return concat(parts, total);
  }

  async close(): Promise<void> {}
}

class PoolBlinder extends ChunkedBlinder {
  readonly mode = 'worker-pool';
  private readonly pool: Piscina<PsiWorkerTask, Uint8Array>;

  constructor(
    url: URL,
    readonly threads: number,
    chunkSize: number,
    readonly reason: string,
  ) {
    super(chunkSize);
    this.pool = new Piscina<PsiWorkerTask, Uint8Array>({ filename: url.href, minThreads: threads, maxThreads: threads, execArgv: [...WORKER_EXEC_ARGV] });
  }

  protected async run(tasks: readonly PsiWorkerTask[], total: number): Promise<Uint8Array> {
    // One failed chunk fails the whole call; the rest of its chunks are withdrawn from the
    // queue (and any still running are stopped) instead of burning the shared pool for minutes
    // before the caller hears about it.
    const abort = new AbortController();
    // Piscina listens on the signal once per task: hundreds per call, by design.
    setMaxListeners(tasks.length + 1, abort.signal);
    const chunks = tasks.map((task, i) => {
      const options =
        task.op === 'random-points'
          ? { signal: abort.signal }
          : { signal: abort.signal, transferList: [(task.op === 'blind' ? task.points : task.ids).buffer as ArrayBuffer] };
      return this.pool.run(task, options).catch((cause: unknown) => {
        if (abort.signal.aborted) throw cause;
        abort.abort();
        throw blinderFailure(task.op, i, tasks.length, cause);
      });
    });
    // Promise.all subscribes to every chunk, so the later rejections of aborted chunks are handled.
    return concat(await Promise.all(chunks), total);
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
