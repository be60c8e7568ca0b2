/**
 * The CKKS parameter sets of this project and the types of the CKKS API (bench/ckks/ckks.ts).
 *
 * Security: both sets stay within the coefficient-modulus budget SEAL's CoeffModulus::MaxBitCount
 * allows for 128-bit classical security (HomomorphicEncryption.org standard, Albrecht et al. 2018,
 * ternary secrets), and SEAL re-checks this at context creation (SecurityLevel tc128).
 * Precision: a fresh CKKS round trip errs by about 2^12 / scale here (measured), so the scale
 * sets the precision and what is left of each prime after the scale sets the headroom.
 */
import type { SealContext } from '../../crypto/seal.js';
import { isWasmTrap } from '../../crypto/seal.js';

export type CkksParamSetName = 'ckks-8192' | 'ckks-4096';
/** Serialization compression. 'none' is the default: see CkksContextOptions. */
export type CkksCompression = 'none' | 'zstd';

export interface CkksParamSet {
  readonly name: CkksParamSetName;
  readonly polyModulusDegree: number;
  /** RNS prime sizes; the last is SEAL's special prime for key switching. */
  readonly coeffModulusBits: readonly number[];
  /** Values are encoded at scale 2^scaleBits. */
  readonly scaleBits: number;
  readonly slots: number;
  /** Classical security per the HomomorphicEncryption.org standard, enforced by SEAL (tc128). */
  readonly securityBits: 128;
  /** Multiplications (with rescale) a fresh ciphertext supports. */
  readonly depth: number;
  /** Inputs must satisfy |v| <= maxAbsValue; results after `depth` multiplications too. */
  readonly maxAbsValue: number;
  /** Measured max abs error of a fresh round trip; a slot sum over n slots multiplies it by ~sqrt(n). */
  readonly typicalError: number;
}

export const CKKS_PARAM_SETS: Readonly<Record<CkksParamSetName, CkksParamSet>> = {
  // 200 of the 218 bits SEAL allows at N = 8192 for 128-bit security.
  'ckks-8192': {
    name: 'ckks-8192', polyModulusDegree: 8192, coeffModulusBits: [60, 40, 40, 60], scaleBits: 40,
    slots: 4096, securityBits: 128, depth: 2, maxAbsValue: 2 ** 18, typicalError: 1e-8,
  },
  // All 109 bits SEAL allows at N = 4096. A 25-bit scale is what leaves room for one rescale and
  // a special prime as large as the data primes (rotation noise); precision ~1e-4.
  'ckks-4096': {
    name: 'ckks-4096', polyModulusDegree: 4096, coeffModulusBits: [42, 25, 42], scaleBits: 25,
    slots: 2048, securityBits: 128, depth: 1, maxAbsValue: 2 ** 15, typicalError: 2e-4,
  },
};

/** Bytes that are not a ciphertext or key of this context. */
export class CkksFormatError extends Error {
  override readonly name = 'CkksFormatError';
}

export interface CkksKeyMaterial {
  readonly publicKey: Uint8Array;
  /** Only the key holder ever has this. */
  readonly secretKey: Uint8Array;
  /** Needed by multiply() (ciphertext x ciphertext) only. */
  readonly relinKeys?: Uint8Array;
  /** Needed by sumSlots() and innerProductPlain(): rotations by powers of two. */
  readonly galoisKeys?: Uint8Array;
}
export type CkksPublicKeyMaterial = Omit<CkksKeyMaterial, 'secretKey'>;

/** The keys other parties get: everything but the secret key. */
export function publicKeyMaterial(keys: CkksKeyMaterial): CkksPublicKeyMaterial {
  const { secretKey: _secret, ...rest } = keys;
  return rest;
}

export interface CkksContextOptions {
  /**
   * 'none' (default): measured on a fresh ckks-8192 ciphertext, zstd saves 16% (393 KB -> 331 KB)
   * for ~5 ms per save, while SEAL's WASM zstd decoder aborts or spins on truncated input, so a
   * compressed payload from another party could take a worker down. 'zstd' writes and accepts
   * compressed bytes; use it only for bytes this party stores and reads back itself.
   */
  readonly compression?: CkksCompression;
}

export interface CkksKeyOptions {
  readonly relinKeys?: boolean;
  readonly galoisKeys?: boolean;
}

/**
 * Load serialized bytes into a SEAL object. SEAL's own checks (coefficients below their
 * primes, parms_id known to the context) become CkksFormatError; a WASM trap passes through
 * to SealRuntime.run.
 */
export function loadSealBytes(target: { loadArray(context: SealContext, bytes: Uint8Array): void }, context: SealContext, bytes: Uint8Array, what: string): void {
  try {
    target.loadArray(context, bytes);
  } catch (e) {
    if (isWasmTrap(e)) throw e;
    throw new CkksFormatError(`${what}: SEAL refused it (${e instanceof Error ? e.message : String(e)})`);
  }
}
