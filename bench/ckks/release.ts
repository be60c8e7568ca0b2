/**
 * What the CKKS key holder does to decrypted values before they leave it.
 *
 * CKKS decryption is approximate, and the approximation error is a function of the secret key:
 * Li and Micciancio (Eurocrypt 2021, "On the Security of Homomorphic Encryption on Approximate
 * Numbers") recover the key from a handful of exact decryptions handed back to an adversary.
 * Their countermeasure, analysed by Li, Micciancio, Schultz and Sorrell (Crypto 2022), is noise
 * flooding: add fresh noise much larger than the CKKS error before release. Rounding to a
 * coarse grid afterwards hides what is left of the error in all but the values that land near a
 * rounding boundary, so we do both, in that order.
 *
 * Guidance: pick `noiseSigma` at least 2^10 times the parameter set's `typicalError` and below
 * the precision the receiver needs; pick `decimals` so that 10^-decimals is coarser than
 * noiseSigma. E.g. ckks-8192 (error ~1e-8): sigma 1e-5, 4 decimals.
 */
import crypto from 'node:crypto';

export interface ReleaseOptions {
  /** Standard deviation of the Gaussian flooding noise, > 0. */
  readonly noiseSigma: number;
  /** Decimal places kept after flooding, 0..12. */
  readonly decimals: number;
}

/** Flood with Gaussian noise, then round: the one order that hides the CKKS error. */
export function prepareForRelease(values: Float64Array, options: ReleaseOptions): Float64Array {
  return roundForRelease(floodNoise(values, options.noiseSigma), options.decimals);
}

/**
 * Round each value to `decimals` decimal places (half away from zero). Rounding alone is not a
 * proof of safety (see the module comment): prefer prepareForRelease.
 */
export function roundForRelease(values: Float64Array, decimals: number): Float64Array {
  requireValues(values);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 12) {
    throw new RangeError(`decimals must be an integer in 0..12, got ${decimals}`);
  }
  const factor = 10 ** decimals;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const r = Math.sign(v) * Math.round(Math.abs(v) * factor) / factor;
    out[i] = r === 0 ? 0 : r; // no -0: it would tell the receiver the sign of a tiny error
  }
  return out;
}

/**
 * Add independent Gaussian noise N(0, sigma^2) to each value, drawn from the OS CSPRNG
 * (Box-Muller over 53-bit uniforms).
 */
export function floodNoise(values: Float64Array, sigma: number): Float64Array {
  requireValues(values);
  if (!Number.isFinite(sigma) || sigma <= 0) throw new RangeError(`noise sigma must be a finite number > 0, got ${sigma}`);
  const out = new Float64Array(values.length);
  const pairs = Math.ceil(values.length / 2);
  const random = crypto.randomBytes(pairs * 16);
  for (let p = 0; p < pairs; p++) {
    // 1 - u keeps the logarithm's argument in (0, 1].
    const u1 = 1 - uniform53(random, 16 * p);
    const u2 = uniform53(random, 16 * p + 8);
    const radius = sigma * Math.sqrt(-2 * Math.log(u1));
    const i = 2 * p;
    out[i] = values[i]! + radius * Math.cos(2 * Math.PI * u2);
    if (i + 1 < values.length) out[i + 1] = values[i + 1]! + radius * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/** A uniform double in [0, 1) from 53 random bits at `offset`. */
function uniform53(random: Buffer, offset: number): number {
  const hi = random.readUInt32BE(offset) >>> 5; // 27 bits
  const lo = random.readUInt32BE(offset + 4) >>> 6; // 26 bits
  return (hi * 2 ** 26 + lo) / 2 ** 53;
}

function requireValues(values: Float64Array): void {
  if (!(values instanceof Float64Array)) throw new TypeError(`values must be a Float64Array, got ${values === null ? 'null' : typeof values}`);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`values[${bad}] is ${values[bad]}; only finite numbers can be released`);
}
