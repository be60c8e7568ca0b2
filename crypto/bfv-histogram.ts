/**
 * The strided layout of the histogram kernel (docs/design/secureboost.md sections 3 and 12.1),
 * pure and SEAL-free so the plaintext engine, the SEAL engine and the tests share it.
 *
 * Stride s (a power of two), m = N / s rows per chunk:
 * - the bank's chunk c holds v of layout positions c m .. c m + m - 1, row i of the chunk at
 *   coefficient s i: d = sum_{i<m} v_i X^{s i};
 * - the passive's plaintext for (feature, bin group q = bins [q s, q s + s), chunk c) is
 *   x = sum_{i: bin(i) in group q} X^{b'(i)} X^{-s i}, b'(i) = bin(i) - q s, with
 *   X^{-s i} = -X^{N - s i} for i >= 1 (X^N = -1): coefficient b' (i = 0) is +1, coefficient
 *   N - s i + b' (i >= 1) is -1 = t - 1. Distinct samples hit distinct coefficients.
 *
 * Why coefficient b' < s of d x is exactly sum_{i: bin(i) = q s + b'} v_i: the product term of
 * d's sample i' and x's sample i is v_{i'} X^{s (i' - i) + b(i)} (sign included in the
 * negacyclic wrap). For i' = i it is v_i X^{b(i)}: coefficient b(i) < s. For i' != i,
 * e = s (i' - i) + b(i) with 1 <= |i' - i| <= m - 1: if i' > i, s <= e < N, so coefficient e >= s;
 * if i' < i, -N < e < 0 wraps to N + e >= N - s (m - 1) + b(i) = s + b(i) >= s. So no cross term
 * ever lands in [0, s) (tests/crypto/bfv-histogram.test.ts checks it by brute force on small N).
 *
 * Level: the chunks are encrypted and multiplied at WORK_LEVEL (3 primes), and each share is
 * switched to the lowest level (2 primes) before it leaves, as section 3 asks ("switch to the
 * lowest level, divides the data-dependent noise"). Section 4.1's size table assumes chunks at
 * the 2-prime level (~178 KB); at that level there would be no lower level to switch to, and
 * the share's noise e x would carry the passive's bin pattern to the key holder. So chunks are
 * 266 KB each (3 primes), not 178 KB; the planner (models/trees/layout.ts WireSizes) should be
 * fed the measured sizes (tests print them).
 */
import { BFV_PLAIN_MODULUS, BFV_POLY_DEGREE, toResidue } from './bfv-fixed.js';

/** A layout position whose row is padding or in no released cell: skipped (models/trees/layout.ts NO_BIN). */
export const NO_BIN = 255;

export interface HistogramNode {
  readonly firstChunk: number;
  readonly chunks: number;
  /** Real rows (the rest of the node's chunks is padding). */
  readonly rows: number;
}

/** What maskedHistograms takes (12.1): the bank's chunks of this level and one passive's bins. */
export interface HistogramRequest {
  readonly chunks: readonly Uint8Array[];
  readonly stride: number;
  readonly nodes: readonly HistogramNode[];
  /** Per feature, the released bin index per layout position (NO_BIN = skip). */
  readonly bins: readonly Uint8Array[];
  /** [node][feature]: released bins; a (node, feature) gives ceil(binCount / stride) shares. */
  readonly binCount: readonly (readonly number[])[];
}

export function checkStride(stride: number, n = BFV_POLY_DEGREE): void {
  if (!Number.isInteger(stride) || stride < 1 || stride > n || (stride & (stride - 1)) !== 0) {
    throw new RangeError(`stride must be a power of two in 1..${n}, got ${stride}`);
  }
}

/** Signed values (|v| < 2^49) in the strided layout: one polynomial of n residues per chunk of m = n / stride values. */
export function stridedPolynomials(values: Float64Array, stride: number, n = BFV_POLY_DEGREE): Float64Array[] {
  checkStride(stride, n);
  const m = n / stride;
  const out: Float64Array[] = [];
  for (let at = 0; at < values.length; at += m) {
    const poly = new Float64Array(n);
    const end = Math.min(values.length, at + m);
    for (let i = at; i < end; i++) poly[(i - at) * stride] = toResidue(values[i]!);
    out.push(poly);
  }
  return out;
}

/**
 * The plaintexts of one chunk for every bin group of one feature: `out[q]` is x (n residues mod
 * t, coefficients 0, 1 or t - 1), undefined when no row of the chunk is in group q.
 */
export function histogramPlaintexts(bins: Uint8Array, chunk: number, stride: number, groups: number, n = BFV_POLY_DEGREE, t = BFV_PLAIN_MODULUS): (Float64Array | undefined)[] {
  return histogramEntries(bins, chunk, stride, groups, n).map((entries) => (entries === undefined ? undefined : plaintextOfEntries(entries, n, t)));
}

/**
 * histogramPlaintexts as the kernel's WASM takes them (ntt-wasm.ts addEntries): per group, the
 * non-zero coefficients only, coefficient p as 2 p (+1) or 2 p + 1 (t - 1). A chunk's plaintext
 * holds at most m = n / stride of its n coefficients (a few hundred per group at 32 bins), so
 * nothing dense is made, copied or scanned.
 */
export function histogramEntries(bins: Uint8Array, chunk: number, stride: number, groups: number, n = BFV_POLY_DEGREE): (Int32Array | undefined)[] {
  const m = n / stride;
  const lists = new Int32Array(groups * m);
  const counts = new Int32Array(groups);
  const base = chunk * m;
  for (let i = 0; i < m; i++) {
    const b = bins[base + i]!;
    if (b === NO_BIN) continue;
    const q = Math.floor(b / stride);
    if (q >= groups) throw new RangeError(`bin ${b} at layout position ${base + i} is beyond the ${groups} groups of ${stride} bins released`);
    const low = b - q * stride;
    lists[q * m + counts[q]!++] = i === 0 ? 2 * low : 2 * (n - stride * i + low) + 1;
  }
  return Array.from(counts, (c, q) => (c === 0 ? undefined : lists.subarray(q * m, q * m + c)));
}

/** The dense plaintext (residues mod t) of histogramEntries' non-zeros. */
export function plaintextOfEntries(entries: Int32Array, n = BFV_POLY_DEGREE, t = BFV_PLAIN_MODULUS): Float64Array {
  const x = new Float64Array(n);
  for (const e of entries) x[e >> 1] = e & 1 ? t - 1 : 1;
  return x;
}

/** One (node, feature)'s shares: `groups` of them from `offset` in the result (node-major, then feature, then group). */
export interface ShareSlot {
  readonly node: number;
  readonly feature: number;
  readonly groups: number;
  readonly offset: number;
}

/**
 * Check a request against the chunk count and ring degree and list its shares. Throws a
 * RangeError saying what is inconsistent (the callers' own layout is wrong, never the peer's).
 */
export function histogramSlots(req: Omit<HistogramRequest, 'chunks'>, chunkCount: number, n = BFV_POLY_DEGREE): ShareSlot[] {
  checkStride(req.stride, n);
  const m = n / req.stride;
  const features = req.bins.length;
  req.bins.forEach((b, f) => {
    if (b.length !== chunkCount * m) throw new RangeError(`feature ${f} has ${b.length} bins; ${chunkCount} chunks of ${m} positions need ${chunkCount * m}`);
  });
  if (req.binCount.length !== req.nodes.length) throw new RangeError(`binCount has ${req.binCount.length} rows for ${req.nodes.length} nodes`);
  const slots: ShareSlot[] = [];
  let offset = 0;
  req.nodes.forEach((node, x) => {
    if (!(Number.isInteger(node.firstChunk) && Number.isInteger(node.chunks) && node.firstChunk >= 0 && node.chunks >= 0 && node.firstChunk + node.chunks <= chunkCount)) {
      throw new RangeError(`node ${x} spans chunks [${node.firstChunk}, ${node.firstChunk + node.chunks}) outside the ${chunkCount} chunks given`);
    }
    if (!(Number.isInteger(node.rows) && node.rows >= 0 && node.rows <= node.chunks * m)) throw new RangeError(`node ${x} has ${node.rows} rows in ${node.chunks} chunks of ${m}`);
    const counts = req.binCount[x]!;
    if (counts.length !== features) throw new RangeError(`binCount[${x}] has ${counts.length} entries for ${features} features`);
    counts.forEach((count, f) => {
      if (!(Number.isInteger(count) && count >= 0 && count <= NO_BIN)) throw new RangeError(`binCount[${x}][${f}] is ${count}; released bins are 0..${NO_BIN}`);
      const bins = req.bins[f]!;
      for (let p = node.firstChunk * m; p < (node.firstChunk + node.chunks) * m; p++) {
        const b = bins[p]!;
        if (b !== NO_BIN && b >= count) throw new RangeError(`feature ${f} has bin ${b} at position ${p} of node ${x}, which releases ${count} bins`);
      }
      const groups = Math.ceil(count / req.stride);
      slots.push({ node: x, feature: f, groups, offset });
      offset += groups;
    });
  });
  return slots;
}

export function shareCount(slots: readonly ShareSlot[]): number {
  const last = slots[slots.length - 1];
  return last === undefined ? 0 : last.offset + last.groups;
}

/**
 * Wire sizes of this kernel in bytes, for the stride planner (models/trees/layout.ts `WireSizes`,
 * design 4.1): a bank chunk at WORK_LEVEL (3 primes, bit-packed), a prefix share's c1 at the
 * lowest level plus its 8-byte header, and c0's words per bin (u64 per prime, 2 primes).
 * tests/crypto/bfv-histogram.test.ts checks them against wireBytes of a real context.
 */
export const HISTOGRAM_WIRE_SIZES = { ciphertext: 266_248, shareC1: 88_072, sharePerBin: 16 } as const;
