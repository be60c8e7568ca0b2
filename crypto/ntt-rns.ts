/**
 * Our own negacyclic NTT over SEAL's RNS primes (43-44 bits), for the histogram kernel's
 * plaintexts (docs/design/secureboost.md section 3, task T1): the plaintext is the passive
 * site's own bin pattern, so transforming it outside SEAL handles no secret, and it replaces
 * SEAL's WASM plainTransformToNtt and multiplyPlain with a transform plus a pointwise
 * multiply-accumulate. The ciphertext side is read and written as SEAL's NTT-form bytes; a
 * share's inverse transform, modulus switch and fresh zero are ./ntt-wasm.ts's too (finishShare,
 * no JS reference here: tests/crypto/share-finish.test.ts compares them with SEAL's).
 *
 * This file is the plain-JS version: the twiddle tables the kernel uses, and the reference
 * arithmetic the tests compare ./ntt-wasm.ts (the kernel's fast path, ~4x faster) with.
 *
 * Exactness. Residues are below 2^44, products below 2^88: each modular product is computed
 * exactly in doubles by Dekker's two-product (Veltkamp split; Dekker 1971): a b = p + e with
 * p = fl(a b) and e exact, then k = floor(p / q) and k q = p' + e' the same way, so
 * r = (p - p') + (e - e') is exact (p - p' by Sterbenz, every other term below 2^53), and one or
 * two corrections put r in [0, q).
 *
 * Matching SEAL byte for byte (tests/crypto/ntt-rns.test.ts checks it against
 * plainTransformToNtt):
 * - lift: SEAL 4.1's Evaluator::transform_to_ntt_inplace(Plaintext&) maps a coefficient
 *   c >= (t + 1) / 2 to c - t (mod Q), others to c; then residues mod each q_j;
 * - root: psi = the smallest primitive 2N-th root of unity mod q (SEAL's
 *   try_minimal_primitive_root), forward Cooley-Tukey with psi^bitrev(i) twiddles
 *   (ntt_negacyclic_harvey), values fully reduced, output in SEAL's bit-reversed order;
 * - bytes: a Plaintext with the level's parms_id, N k coefficients, prime by prime.
 */
import { BFV_PLAIN_MODULUS, BFV_POLY_DEGREE } from './bfv-fixed.js';

const SPLIT = 134217729; // 2^27 + 1

/** Twiddles of one prime: psi^bitrev(i) and its Veltkamp halves, for i in [0, N). */
export interface PrimeTables {
  readonly q: number;
  /** Veltkamp halves of q, and 1 / q. */
  readonly qHi: number;
  readonly qLo: number;
  readonly qInv: number;
  readonly roots: Float64Array;
  readonly rootsHi: Float64Array;
  readonly rootsLo: Float64Array;
}

export function powMod(base: bigint, exp: bigint, m: bigint): bigint {
  let r = 1n;
  let b = base % m;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

export function bitReverse(i: number, bits: number): number {
  let r = 0;
  for (let k = 0; k < bits; k++) r |= ((i >> k) & 1) << (bits - 1 - k);
  return r;
}

function hi(x: number): number {
  const c = SPLIT * x;
  return c - (c - x);
}

/** The smallest primitive 2n-th root of unity mod q (as SEAL chooses it). */
export function minimalPrimitiveRoot(q: number, n: number): number {
  const Q = BigInt(q);
  const order = BigInt(2 * n);
  if ((Q - 1n) % order !== 0n) throw new RangeError(`prime ${q} is not 1 mod ${2 * n}: no negacyclic NTT of degree ${n}`);
  let root = 0n;
  for (let g = 2n; g < Q; g++) {
    const r = powMod(g, (Q - 1n) / order, Q);
    if (powMod(r, BigInt(n), Q) === Q - 1n) {
      root = r;
      break;
    }
  }
  // Every primitive 2n-th root is root^(odd k); keep the smallest.
  const square = (root * root) % Q;
  let best = root;
  let current = root;
  for (let k = 1; k < n; k++) {
    current = (current * square) % Q;
    if (current < best) best = current;
  }
  return Number(best);
}

export function primeTables(q: number, n = BFV_POLY_DEGREE): PrimeTables {
  if (!(Number.isInteger(q) && q > 2 && q < 2 ** 50)) throw new RangeError(`NTT prime must be an integer below 2^50, got ${q}`);
  const psi = BigInt(minimalPrimitiveRoot(q, n));
  const Q = BigInt(q);
  const bits = Math.log2(n);
  const powers = new Float64Array(n);
  let p = 1n;
  for (let i = 0; i < n; i++) {
    powers[i] = Number(p);
    p = (p * psi) % Q;
  }
  const roots = new Float64Array(n);
  for (let i = 0; i < n; i++) roots[i] = powers[bitReverse(i, bits)]!;
  return { q, qHi: hi(q), qLo: q - hi(q), qInv: 1 / q, roots, rootsHi: roots.map(hi), rootsLo: roots.map((r) => r - hi(r)) };
}

/** a b mod q, exact, for a, b in [0, q), q < 2^50; bHi, bLo = Veltkamp halves of b. */
export function mulMod(a: number, b: number, bHi: number, bLo: number, t: PrimeTables): number {
  const p = a * b;
  const c = SPLIT * a;
  const aHi = c - (c - a);
  const aLo = a - aHi;
  const e = aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
  const k = Math.floor(p * t.qInv);
  const kq = k * t.q;
  const d = SPLIT * k;
  const kHi = d - (d - k);
  const kLo = k - kHi;
  const f = kHi * t.qHi - kq + kHi * t.qLo + kLo * t.qHi + kLo * t.qLo;
  let r = p - kq + (e - f);
  if (r < 0) r += t.q;
  if (r < 0) r += t.q;
  if (r >= t.q) r -= t.q;
  if (r >= t.q) r -= t.q;
  return r;
}

/** In-place forward negacyclic NTT of residues mod t.q, SEAL's output order. */
export function forwardNtt(a: Float64Array, t: PrimeTables): void {
  const n = a.length;
  const q = t.q;
  const { roots, rootsHi, rootsLo, qHi, qLo, qInv } = t;
  let gap = n;
  for (let m = 1; m < n; m <<= 1) {
    gap >>= 1;
    for (let i = 0; i < m; i++) {
      const w = roots[m + i]!;
      const wHi = rootsHi[m + i]!;
      const wLo = rootsLo[m + i]!;
      const start = 2 * i * gap;
      for (let j = start; j < start + gap; j++) {
        const u = a[j]!;
        const x = a[j + gap]!;
        let v = 0;
        if (x !== 0) {
          // mulMod(x, w) inlined: this loop is the kernel's hot path.
          const p = x * w;
          const c = SPLIT * x;
          const xHi = c - (c - x);
          const xLo = x - xHi;
          const e = xHi * wHi - p + xHi * wLo + xLo * wHi + xLo * wLo;
          const k = Math.floor(p * qInv);
          const kq = k * q;
          const d = SPLIT * k;
          const kHi = d - (d - k);
          const kLo = k - kHi;
          const f = kHi * qHi - kq + kHi * qLo + kLo * qHi + kLo * qLo;
          v = p - kq + (e - f);
          if (v < 0) v += q;
          else if (v >= q) v -= q;
        }
        const s = u + v;
        a[j] = s >= q ? s - q : s;
        const dd = u - v;
        a[j + gap] = dd < 0 ? dd + q : dd;
      }
    }
  }
}

/**
 * The first `layers` layers of forwardNtt as a matrix. Layer m (m = 1, 2, .., 2^(layers-1)) pairs
 * positions j and j + n / 2m inside block i = j / (n / m) with twiddle roots[m + i]: for m <
 * 2^layers both depend only on the top `layers` bits of j, so these layers act on each class of
 * positions with the same low bits (j mod L, L = n / 2^layers) alike, as one 2^layers x
 * 2^layers matrix. Row h of the result (2^layers residues, at h 2^layers) is the image of the
 * unit at position h L: after the layers, position r L + low holds sum_h a[h L + low] M[h][r].
 * ./ntt-wasm.ts scatters a sparse 0 / +-1 plaintext through it instead of running those layers.
 */
export function firstLayersMatrix(t: PrimeTables, layers: number): Float64Array {
  const size = 1 << layers;
  const q = t.q;
  const out = new Float64Array(size * size);
  for (let h = 0; h < size; h++) {
    const a = out.subarray(h * size, (h + 1) * size);
    a[h] = 1;
    let gap = size;
    for (let m = 1; m < size; m <<= 1) {
      gap >>= 1;
      for (let i = 0; i < m; i++) {
        const start = 2 * i * gap;
        for (let j = start; j < start + gap; j++) {
          const u = a[j]!;
          const v = a[j + gap] === 0 ? 0 : mulMod(a[j + gap]!, t.roots[m + i]!, t.rootsHi[m + i]!, t.rootsLo[m + i]!, t);
          const sum = u + v;
          a[j] = sum >= q ? sum - q : sum;
          const diff = u - v;
          a[j + gap] = diff < 0 ? diff + q : diff;
        }
      }
    }
  }
  return out;
}

/**
 * A plaintext's coefficients (residues mod t, at most n) lifted to each prime as SEAL lifts
 * them, then transformed: k polynomials of n residues, prime by prime.
 */
export function plaintextNtt(coefficients: Float64Array, tables: readonly PrimeTables[], n = BFV_POLY_DEGREE, plainModulus = BFV_PLAIN_MODULUS): Float64Array {
  const out = new Float64Array(tables.length * n);
  const threshold = (plainModulus + 1) / 2;
  tables.forEach((t, j) => {
    const a = out.subarray(j * n, (j + 1) * n);
    for (let i = 0; i < coefficients.length; i++) {
      const c = coefficients[i]!;
      if (c === 0) continue;
      // c - t is negative and above -2^50: its residue is q minus (t - c) mod q.
      const r = c >= threshold ? (t.q - ((plainModulus - c) % t.q)) % t.q : c % t.q;
      a[i] = r;
    }
    forwardNtt(a, t);
  });
  return out;
}

/**
 * acc += ct * x pointwise, mod each prime: ct and acc are NTT-form ciphertexts (2 polynomials
 * x k primes x n residues), x an NTT-form plaintext (k primes x n). The histogram kernel's
 * product and accumulation in one pass.
 */
export function multiplyAccumulate(acc: Float64Array, ct: Float64Array, x: Float64Array, tables: readonly PrimeTables[], n = BFV_POLY_DEGREE): void {
  const k = tables.length;
  for (let j = 0; j < k; j++) {
    const t = tables[j]!;
    const { q, qHi, qLo, qInv } = t;
    const xBase = j * n;
    for (let poly = 0; poly < 2; poly++) {
      const base = (poly * k + j) * n;
      for (let i = 0; i < n; i++) {
        const b = x[xBase + i]!;
        if (b === 0) continue;
        const a = ct[base + i]!;
        const p = a * b;
        const c = SPLIT * a;
        const aHi = c - (c - a);
        const aLo = a - aHi;
        const g = SPLIT * b;
        const bHi = g - (g - b);
        const bLo = b - bHi;
        const e = aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
        const kk = Math.floor(p * qInv);
        const kq = kk * q;
        const d = SPLIT * kk;
        const kHi = d - (d - kk);
        const kLo = kk - kHi;
        const f = kHi * qHi - kq + kHi * qLo + kLo * qHi + kLo * qLo;
        let r = p - kq + (e - f);
        if (r < 0) r += q;
        else if (r >= q) r -= q;
        const s = acc[base + i]! + r;
        acc[base + i] = s >= q ? s - q : s;
      }
    }
  }
}
