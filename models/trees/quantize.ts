/**
 * Gradients and hessians of the logistic loss as small integers, packed into one integer per
 * row (docs/design/secureboost.md section 2). The federated histograms add these integers under
 * BFV (plain modulus t ~ 2^50), so every sum must decode exactly; the in-test references quantize
 * the same way, which is what lets a federated model equal its reference split for split.
 *
 *     sg = 23 - ceil(log2 n),  sh = sg + 2     (n = training rows of the tree)
 *     G_i = round(g_i 2^sg)   |G_i| <= 2^sg, so |sum over any set| <= n 2^sg <= 2^23
 *     H_i = round(h_i 2^sh)   0 <= H_i <= 2^sg (h <= 1/4), so sum over any set <= 2^23
 *     v_i = G_i + 2^25 H_i    |sum| <= 2^48 + 2^23 < t / 2 ~ 2^49
 *
 * (The design writes |sum| < 2^48; at the edge H = 2^23 with G = 2^23 the sum is 2^48 + 2^23,
 * still far below t / 2: the tests decode exactly that edge.)
 *
 * A sum V decodes as H = round(V / 2^25), G = V - 2^25 H: |G| <= 2^23 < 2^24 keeps V / 2^25
 * within 1/4 of H, never at a half. `round` is Math.round (halves towards +infinity): a reference
 * that re-derives the constants must round the same way. Quantization after Shi et al. (NeurIPS
 * 2022: a few bits of gradient lose no AUC); the packing is FATE's "GH packing".
 */

export interface Quant {
  /** Fractional bits of G. */
  readonly sg: number;
  /** Fractional bits of H (sg + 2: h is at most 1/4). */
  readonly sh: number;
}

/** H's offset in a packed value: 2^25 leaves G (|G| <= 2^23) a margin of two bits. */
export const H_SHIFT = 2 ** 25;
/** The bound on |G| and on H of any sum (section 2). */
export const SUM_BOUND = 2 ** 23;
/** The largest |V| of a valid sum: H <= 2^23 and |G| <= 2^23. */
export const PACKED_BOUND = H_SHIFT * SUM_BOUND + SUM_BOUND;
/** Largest n with at least one fractional bit of g (sg >= 1). */
export const MAX_ROWS = 2 ** 22;

/** The fixed point of a tree over n training rows. */
export function quantFor(n: number): Quant {
  if (!Number.isInteger(n) || n < 1 || n > MAX_ROWS) {
    throw new RangeError(`quantFor: the number of training rows must be a whole number from 1 to ${MAX_ROWS}, got ${n}; sample fewer rows per tree (rowSample)`);
  }
  // ceil(log2 n) without floating log: the bit length of n - 1.
  const bits = n === 1 ? 0 : 32 - Math.clz32(n - 1);
  const sg = 23 - bits;
  return { sg, sh: sg + 2 };
}

/** G_i of one gradient g in [-1, 1]. */
export function quantG(g: number, q: Quant): number {
  if (!(g >= -1 && g <= 1)) throw new RangeError(`gradient ${g} is outside [-1, 1]; g = p - y for a probability p and a 0/1 label`);
  return Math.round(g * 2 ** q.sg);
}

/** H_i of one hessian h in [0, 1/4]. */
export function quantH(h: number, q: Quant): number {
  if (!(h >= 0 && h <= 0.25)) throw new RangeError(`hessian ${h} is outside [0, 1/4]; h = p (1 - p) for a probability p`);
  return Math.round(h * 2 ** q.sh);
}

/** v_i = G_i + 2^25 H_i for every row. */
export function packGH(g: Float64Array, h: Float64Array, q: Quant): Float64Array {
  if (g.length !== h.length) throw new RangeError(`packGH: ${g.length} gradients but ${h.length} hessians; pass one of each per row`);
  const v = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) v[i] = quantG(g[i]!, q) + H_SHIFT * quantH(h[i]!, q);
  return v;
}

/** The exact integer sums (G, H) of a sum V of packed values over at most 2^23 / 2^sg rows. */
export function unpackSum(v: number): { G: number; H: number } {
  if (!Number.isSafeInteger(v) || Math.abs(v) > PACKED_BOUND) {
    throw new RangeError(`unpackSum: ${v} is not a sum of packed values (a whole number of size at most 2^48 + 2^23); check the mask removal and centering mod t`);
  }
  const H = Math.round(v / H_SHIFT);
  const G = v - H_SHIFT * H;
  // +0 for -0: Math.round(-0.25) is -0, and the sums are compared with Object.is in tests.
  return { G: G + 0, H: H + 0 };
}

/** The real value of a quantized gradient sum. */
export function realG(G: number, q: Quant): number {
  return G / 2 ** q.sg;
}

/** The real value of a quantized hessian sum. */
export function realH(H: number, q: Quant): number {
  return H / 2 ** q.sh;
}
