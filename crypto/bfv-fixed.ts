/**
 * Fixed-point encoding for the BFV coefficient kernel (./bfv-coeff.ts): a real v becomes the
 * integer round(v * 2^s), stored mod t in [0, t). Products of a 2^a and a 2^b value are at scale
 * 2^(a+b); sums stay exact as long as |sum| < t/2, which callers guarantee by clipping (see
 * training/fixed-point.ts for the scales and the bound).
 */
import { randomFillSync } from 'node:crypto';

export const BFV_POLY_DEGREE = 8192;
/** Largest prime below 2^50 that is 1 mod 16384 (SEAL's PlainModulus.Batching(8192, 50)). */
export const BFV_PLAIN_MODULUS = 1125899906826241;

const T = BFV_PLAIN_MODULUS;
const HALF = Math.floor(T / 2);

/** Signed integer (|v| <= t/2) to its residue in [0, t). */
export function toResidue(v: number): number {
  if (!Number.isSafeInteger(v) || Math.abs(v) > HALF) throw new RangeError(`${v} is not an integer of magnitude <= ${HALF} (t/2)`);
  return v < 0 ? v + T : v;
}

/** Residue in [0, t) to the signed integer in (-t/2, t/2]. */
export function fromResidue(r: number): number {
  if (!Number.isInteger(r) || r < 0 || r >= T) throw new RangeError(`${r} is not a residue in [0, ${T})`);
  return r > HALF ? r - T : r;
}

/** (a - b) mod t for residues: how a site removes its mask. */
export function subResidue(a: number, b: number): number {
  const d = a - b;
  return d < 0 ? d + T : d;
}

/** (a + b) mod t for residues. */
export function addResidue(a: number, b: number): number {
  const s = a + b;
  return s >= T ? s - T : s;
}

// encodeFixed and decodeFixed have no product caller: the kernel tests state expected residues with them.
/** round(v * 2^scaleBits) as a residue; v must be finite. */
export function encodeFixed(v: number, scaleBits: number): number {
  if (!Number.isFinite(v)) throw new RangeError(`cannot encode ${v}: values must be finite`);
  return toResidue(Math.round(v * 2 ** scaleBits));
}

/** A residue at scale 2^scaleBits back to a real. */
export function decodeFixed(r: number, scaleBits: number): number {
  return fromResidue(r) / 2 ** scaleBits;
}

/** Uniform residues in [0, t) from the OS CSPRNG (rejection sampling on 50-bit draws). */
export function randomResidues(count: number): Float64Array {
  const out = new Float64Array(count);
  const words = new Uint32Array(2 * count + 16);
  let filled = 0;
  while (filled < count) {
    randomFillSync(words);
    for (let i = 0; i + 1 < words.length && filled < count; i += 2) {
      const v = (words[i]! & 0x3ffff) * 0x1_0000_0000 + words[i + 1]!;
      if (v < T) out[filled++] = v;
    }
  }
  return out;
}

/** x~ = x_0 - sum_{i>=1} x_i X^{N-i} mod t, so that coefficient 0 of d * x~ is sum_i d_i x_i. */
export function negacyclicReverse(column: Float64Array, t: number): Float64Array {
  const out = new Float64Array(column.length === 0 ? 1 : BFV_POLY_DEGREE);
  if (column.length === 0) return out;
  out[0] = column[0]!;
  for (let i = 1; i < column.length; i++) {
    const v = column[i]!;
    out[BFV_POLY_DEGREE - i] = v === 0 ? 0 : t - v;
  }
  return out;
}
