/**
 * Loading node-seal 6.0.3 (Microsoft SEAL 4.1 compiled to WASM) once per thread, and keeping
 * a WASM trap from turning into silent corruption.
 *
 * ESM interop: node-seal's `main` is a UMD bundle, so Node's ESM loader gives
 * `import sealModule from 'node-seal'` the CommonJS `module.exports`, which is the factory
 * itself; TypeScript, reading the package's CJS-flavoured .d.ts under NodeNext, types the same
 * import as `{ default: factory }`. `sealFactory()` accepts both shapes.
 *
 * One SEAL instance per worker thread is the rule on this project: SEAL objects live in one
 * WASM heap and cannot cross threads, so workers exchange serialized bytes only.
 *
 * When SEAL hits an unrecoverable error inside WASM (std::terminate, bad_alloc), emscripten
 * aborts with a WebAssembly.RuntimeError and the instance is left half-dead: later calls fail
 * with unrelated messages ("pool is uninitialized") or abort again. `SealRuntime.run` catches
 * the first trap, marks the runtime unusable and says so; the next `sealRuntime()` call loads
 * a fresh instance.
 *
 * The CKKS comparison (bench/ckks/) loads SEAL through this file too: CKKSEncoder, RelinKeys,
 * GaloisKeys and ComprMode are exported for it alone.
 */
import sealModule from 'node-seal';
import type { CipherText } from 'node-seal/implementation/cipher-text.js';
import type { SEALLibrary } from 'node-seal/implementation/seal.js';

export type { SEALLibrary };
export type { CipherText } from 'node-seal/implementation/cipher-text.js';
export type { PlainText } from 'node-seal/implementation/plain-text.js';
export type { Context as SealContext } from 'node-seal/implementation/context.js';
export type { ParmsIdType } from 'node-seal/implementation/parms-id-type.js';
export type { CKKSEncoder } from 'node-seal/implementation/ckks-encoder.js';
export type { Evaluator } from 'node-seal/implementation/evaluator.js';
export type { Encryptor } from 'node-seal/implementation/encryptor.js';
export type { Decryptor } from 'node-seal/implementation/decryptor.js';
export type { PublicKey } from 'node-seal/implementation/public-key.js';
export type { SecretKey } from 'node-seal/implementation/secret-key.js';
export type { RelinKeys } from 'node-seal/implementation/relin-keys.js';
export type { GaloisKeys } from 'node-seal/implementation/galois-keys.js';

type SealFactory = () => Promise<SEALLibrary>;

/** WebAssembly.RuntimeError, which this project's TypeScript libs (ES2023 + node) do not declare. */
const WasmRuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } }).WebAssembly.RuntimeError;

/** Thrown once SEAL has aborted inside WASM: this instance cannot be used again. */
export class SealAbortedError extends Error {
  override readonly name = 'SealAbortedError';
}

/** Anything node-seal allocates in the WASM heap. */
export interface SealObject {
  delete(): void;
}

/** Registers a SEAL object for deletion when the current SealRuntime.run call ends. */
export type Own = <O extends SealObject>(object: O) => O;

/** SEAL's compression mode argument to saveArray (node-seal types it loosely). */
export type ComprMode = Parameters<CipherText['saveArray']>[0];

export class SealRuntime {
  #abortedDuring: string | undefined;

  constructor(readonly seal: SEALLibrary) {}

  get aborted(): boolean {
    return this.#abortedDuring !== undefined;
  }

  /**
   * Run `fn` against this SEAL instance. Every SEAL object `fn` passes to `own` is deleted when
   * `fn` returns or throws, so no code path can leak WASM memory. A WASM trap poisons the
   * runtime and is rethrown as SealAbortedError.
   */
  run<T>(operation: string, fn: (own: Own) => T): T {
    this.assertUsable(operation);
    const owned: SealObject[] = [];
    const own = <O extends SealObject>(object: O): O => {
      owned.push(object);
      return object;
    };
    try {
      return fn(own);
    } catch (e) {
      if (isWasmTrap(e)) {
        this.#abortedDuring = operation;
        if (current !== undefined && currentRuntime === this) current = undefined;
        throw new SealAbortedError(
          `SEAL aborted inside WASM during ${operation} (${e.message}); this SEAL instance is unusable: dispose its contexts and create new ones`,
        );
      }
      throw e;
    } finally {
      // After a trap the heap is inconsistent and delete() could trap again: leave it to GC.
      if (!this.aborted) for (let i = owned.length - 1; i >= 0; i--) owned[i]!.delete();
    }
  }

  assertUsable(operation: string): void {
    if (this.#abortedDuring !== undefined) {
      throw new SealAbortedError(
        `cannot ${operation}: SEAL aborted earlier during ${this.#abortedDuring}; dispose this context and create a new one`,
      );
    }
  }
}

let current: Promise<SealRuntime> | undefined;
let currentRuntime: SealRuntime | undefined;

/** This thread's SEAL instance, loaded on first use (about 100 ms) and shared by its contexts. */
export function sealRuntime(): Promise<SealRuntime> {
  if (current === undefined) {
    const loading = sealFactory()().then((seal) => {
      const runtime = new SealRuntime(seal);
      currentRuntime = runtime;
      return runtime;
    });
    // A failed load must not be cached forever: the next caller retries.
    loading.catch(() => {
      if (current === loading) current = undefined;
    });
    current = loading;
  }
  return current;
}

function sealFactory(): SealFactory {
  const candidate: unknown = sealModule;
  if (typeof candidate === 'function') return candidate as SealFactory;
  const inner: unknown = (candidate as { default?: unknown }).default;
  if (typeof inner === 'function') return inner as SealFactory;
  throw new Error('node-seal did not export its factory function; reinstall node-seal 6.0.3 (npm ci)');
}

/** true for the error emscripten throws when the WASM code aborts or traps. */
export function isWasmTrap(e: unknown): e is Error {
  return e instanceof WasmRuntimeError;
}

/** Narrow node-seal's `T | void` results (returned when no destination is passed). */
export function made<T>(value: T | void, what: string): T {
  if (value === undefined) throw new Error(`node-seal returned nothing for ${what}; expected a new object`);
  return value;
}
