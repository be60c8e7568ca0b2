/**
 * Fixed-point scales of the encrypted VFL protocol and why sums never wrap mod t.
 *
 * Linear terms (partial scores u_k and the residual d' = 4(sigma(z) - y) = z + 2 - 4y) are
 * encoded at 2^12, standardized features at 2^10 after clipping to +-8 (a standardized value
 * beyond 8 sigma is an outlier whose exact size does not help a linear model). Each site clips
 * its own partial term to +-32 before encrypting, so |d'| <= 3 * 32 + 2 = 98 for three sites.
 * A gradient coefficient sum_i d'_i x_i over a batch of B samples is then at most
 * B * 98 * 8 * 2^22, below t/2 ~ 2^49 for every B <= 2^17 = 131072 (worst case; real sums
 * are orders of magnitude smaller). `gradientBoundBits` states it and tests check it.
 */
import { BFV_PLAIN_MODULUS } from '../crypto/bfv-coeff.js';

export const LINEAR_SCALE_BITS = 12;
export const FEATURE_SCALE_BITS = 10;
export const FEATURE_CLIP = 8;
export const PARTIAL_CLIP = 32;
export const MAX_BATCH = 2 ** 17;
/** Sites whose partial terms add up in the residual: bank, tax, power. */
export const MAX_SITES = 3;

/** log2 of the largest |gradient coefficient| a batch of `batch` samples can produce. */
export function gradientBoundBits(batch: number, sites = MAX_SITES): number {
  const residual = sites * PARTIAL_CLIP + 2;
  return Math.log2(batch * residual * FEATURE_CLIP) + LINEAR_SCALE_BITS + FEATURE_SCALE_BITS;
}

// No product caller: tests/training/kernel.test.ts checks the batch bound with it.
/** true when every gradient sum of such a batch is exactly representable mod t. */
export function batchFitsPlainModulus(batch: number, sites = MAX_SITES): boolean {
  return gradientBoundBits(batch, sites) < Math.log2(BFV_PLAIN_MODULUS / 2);
}

export function clip(v: number, limit: number): number {
  return v > limit ? limit : v < -limit ? -limit : v;
}

/**
 * Clipped, quantized features, feature-major (value (f, i) at f * rows.length + i), both as
 * residues mod t at 2^10 (what the kernel multiplies) and as the reals those residues stand for
 * (what the site's own plaintext arithmetic uses, so both sides see the same numbers).
 */
export function encodeFeatureMatrix(rows: readonly Float64Array[], width: number): { residues: Float64Array; values: Float64Array } {
  const n = rows.length;
  const residues = new Float64Array(n * width);
  const values = new Float64Array(n * width);
  const scale = 2 ** FEATURE_SCALE_BITS;
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (row.length !== width) throw new RangeError(`feature row ${i} has ${row.length} values; expected ${width}`);
    for (let f = 0; f < width; f++) {
      const v = row[f]!;
      if (!Number.isFinite(v)) throw new RangeError(`feature row ${i}, column ${f} is ${v}; features must be finite numbers`);
      // |q| <= 8 * 2^10: far inside (-t/2, t/2), so the residue is q or q + t.
      const q = Math.round(clip(v, FEATURE_CLIP) * scale);
      residues[f * n + i] = q < 0 ? q + BFV_PLAIN_MODULUS : q;
      values[f * n + i] = q / scale;
    }
  }
  return { residues, values };
}
