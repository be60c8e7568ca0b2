/**
 * Small pure pieces of the BFV kernel (./bfv-coeff.ts) that need no SEAL: the samplers of a
 * public-key encryption (Fan-Vercauteren, ePrint 2012/144, section 3: uniform ternary u,
 * centered-binomial errors) and the key holder's decryption of coefficient 0 of a share.
 */
import { randomFillSync } from 'node:crypto';

/** Uniform {-1, 0, 1} as residues mod t (rejection sampling on 2-bit draws). */
export function ternaryResidues(n: number, t: number): Float64Array {
  const out = new Float64Array(n);
  const bytes = new Uint8Array(n);
  let filled = 0;
  while (filled < n) {
    randomFillSync(bytes);
    for (let b = 0; b < bytes.length && filled < n; b++) {
      for (let shift = 0; shift < 8 && filled < n; shift += 2) {
        const v = (bytes[b]! >> shift) & 3;
        if (v < 3) out[filled++] = v === 2 ? t - 1 : v;
      }
    }
  }
  return out;
}

/** The non-zeros of a ternary polynomial (residues 0, 1, t - 1) as the kernel's entries: 2 p for +1, 2 p + 1 for -1. */
export function ternaryEntries(residues: Float64Array, t: number): Int32Array {
  const out = new Int32Array(residues.length);
  let count = 0;
  for (let p = 0; p < residues.length; p++) {
    const v = residues[p]!;
    if (v === 1) out[count++] = 2 * p;
    else if (v === t - 1) out[count++] = 2 * p + 1;
    else if (v !== 0) throw new RangeError(`coefficient ${p} of a ternary polynomial is ${v}`);
  }
  return out.subarray(0, count);
}

/** Centered binomial samples, eta = 21: popcount(a) - popcount(b) of two 21-bit draws. */
export function centeredBinomial(n: number): Int8Array {
  const words = new Uint32Array(2 * n);
  randomFillSync(words);
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) out[i] = popcount(words[2 * i]! & 0x1fffff) - popcount(words[2 * i + 1]! & 0x1fffff);
  return out;
}

function popcount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const quotient = r0 / r1;
    [r0, r1] = [r1, r0 - quotient * r1];
    [s0, s1] = [s1, s0 - quotient * s1];
  }
  return ((s0 % m) + m) % m;
}

/** Two polynomials of small signed integers as RNS residues: (low, high) u32 pairs, ordered polynomial, prime, coefficient. */
export function residueWords(values: Int8Array, primes: readonly number[]): Uint32Array {
  const k = primes.length;
  const n = values.length / 2;
  const words = new Uint32Array(2 * 2 * k * n);
  for (let j = 0; j < k; j++) {
    // q + e for e < 0, in 32-bit halves: the low half never underflows (q mod 2^32 > 2^20).
    const q = primes[j]!;
    const qLow = q % 0x1_0000_0000;
    const qHigh = Math.floor(q / 0x1_0000_0000);
    if (qLow < 128) throw new RangeError(`prime ${q} is too close to a multiple of 2^32 for residueWords`);
    for (let poly = 0; poly < 2; poly++) {
      const base = 2 * (poly * k + j) * n;
      const from = poly * n;
      for (let i = 0; i < n; i++) {
        const e = values[from + i]!;
        words[base + 2 * i] = e < 0 ? qLow + e : e;
        words[base + 2 * i + 1] = e < 0 ? qHigh : 0;
      }
    }
  }
  return words;
}

/**
 * m_0 = round(t/Q (c0[0] + sum_i c1[i] sigma_i)) mod t, where sigma holds the secret key's
 * coefficients in negacyclic order and c1 its (low, high) u32 residues per prime: the
 * coefficient-0 decryption SEAL's decrypt_scale_and_round performs, exactly, from residues.
 */
export function decryptCoefficient0(c0: readonly number[], c1: Uint32Array, primes: readonly number[], terms: Int8Array, plainModulus: number): number {
  const n = terms.length;
  const residues = primes.map((q, j) => {
    // Sums of up to 256 residues below 2^44 stay below 2^52: exact in doubles.
    let pos = c0[j]!;
    let neg = 0;
    const base = 2 * j * n;
    for (let i = 0; i < n; i++) {
      const term = terms[i]!;
      if (term !== 0) {
        const v = c1[base + 2 * i]! + c1[base + 2 * i + 1]! * 0x1_0000_0000;
        if (term > 0) pos += v;
        else neg += v;
      }
      if ((i & 255) === 255) {
        pos %= q;
        neg %= q;
      }
    }
    return ((((pos % q) - (neg % q)) % q) + q) % q;
  });
  return scaleAndRound(residues, primes, plainModulus);
}

/** The secret key's coefficients s[i] from decryptCoefficient0's terms (terms[0] = s[0], terms[n - i] = -s[i]). */
export function secretCoefficients(terms: Int8Array): Int8Array {
  const n = terms.length;
  const s = new Int8Array(n);
  s[0] = terms[0]!;
  for (let i = 1; i < n; i++) s[i] = -terms[n - i]!;
  return s;
}

/** m = round(t x / Q) mod t for x given by its residues x_j < q_j (CRT): BFV's scale and round. */
export function scaleAndRound(residues: readonly number[], primes: readonly number[], plainModulus: number): number {
  const qs = primes.map(BigInt);
  const bigQ = qs.reduce((a, b) => a * b, 1n);
  let x = 0n;
  qs.forEach((q, j) => {
    const rest = bigQ / q;
    x += BigInt(residues[j]!) * rest * modInverse(rest % q, q);
  });
  x %= bigQ;
  const t = BigInt(plainModulus);
  return Number(((t * x + bigQ / 2n) / bigQ) % t);
}
