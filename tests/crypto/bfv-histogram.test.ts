/**
 * The strided histogram kernel (docs/design/secureboost.md sections 3 and 12.1): exact sums over
 * random layouts at strides 1, 2, 8 and 32 against plain sums, the cross-term argument by brute
 * force on small rings, the masks' uniformity at the key holder, the plaintext engine's
 * agreement with the SEAL engine, and wire kind 3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BfvCoeffContext } from '../../crypto/bfv-coeff.js';
import { createBfvEngine, shareKeys } from '../../crypto/bfv-engine.js';
import type { HeEngine, HistogramRequest, KeyRef } from '../../crypto/bfv-engine.js';
import { BFV_PLAIN_MODULUS, BFV_POLY_DEGREE, addResidue, randomResidues, subResidue, toResidue } from '../../crypto/bfv-fixed.js';
import { HISTOGRAM_WIRE_SIZES, NO_BIN, histogramPlaintexts, stridedPolynomials } from '../../crypto/bfv-histogram.js';
import { checkWire, wireBytes } from '../../crypto/bfv-wire.js';
import { PlainEngine } from '../../models/lr/plain-engine.js';
import { rng } from '../training/helpers.js';

const T = BFV_PLAIN_MODULUS;
const N = BFV_POLY_DEGREE;

/** Schoolbook product in Z_t[X]/(X^n + 1), BigInt: the reference the layout is checked against. */
function negacyclic(a: Float64Array, b: Float64Array, n: number): bigint[] {
  const out = new Array<bigint>(n).fill(0n);
  for (let i = 0; i < n; i++) {
    if (a[i] === 0) continue;
    for (let j = 0; j < n; j++) {
      if (b[j] === 0) continue;
      const p = BigInt(a[i]!) * BigInt(b[j]!);
      const k = i + j;
      if (k < n) out[k] = out[k]! + p;
      else out[k - n] = out[k - n]! - p;
    }
  }
  const t = BigInt(T);
  return out.map((v) => ((v % t) + t) % t);
}

interface Case {
  req: HistogramRequest;
  values: Float64Array;
  /** Expected residues, share-major (node, feature, group, bin in group). */
  expected: Float64Array;
}

/** A random level: nodes padded to whole chunks, random bins (some NO_BIN), random v. */
function randomCase(seed: number, stride: number, nodeRows: readonly number[], features: number, maxBins: number): Omit<Case, 'req'> & { req: Omit<HistogramRequest, 'chunks'> } {
  const next = rng(seed);
  const m = N / stride;
  const nodes = [];
  let chunks = 0;
  for (const rows of nodeRows) {
    const c = Math.ceil(rows / m);
    nodes.push({ firstChunk: chunks, chunks: c, rows });
    chunks += c;
  }
  const values = new Float64Array(chunks * m);
  const binCount = nodes.map(() => Array.from({ length: features }, () => 1 + Math.floor(next() * maxBins)));
  const bins = Array.from({ length: features }, () => new Uint8Array(chunks * m).fill(NO_BIN));
  nodes.forEach((node, x) => {
    for (let r = 0; r < node.rows; r++) {
      const p = node.firstChunk * m + r;
      values[p] = Math.round((next() * 2 - 1) * 2 ** 47);
      for (let f = 0; f < features; f++) if (next() > 0.05) bins[f]![p] = Math.floor(next() * binCount[x]![f]!);
    }
  });
  const expected: number[] = [];
  nodes.forEach((node, x) => {
    for (let f = 0; f < features; f++) {
      const sums = new Float64Array(Math.ceil(binCount[x]![f]! / stride) * stride);
      for (let p = node.firstChunk * m; p < (node.firstChunk + node.chunks) * m; p++) {
        const b = bins[f]![p]!;
        if (b !== NO_BIN) sums[b] = addResidue(sums[b]!, toResidue(values[p]!));
      }
      expected.push(...sums);
    }
  });
  return { req: { stride, nodes, bins, binCount }, values, expected: Float64Array.from(expected) };
}

async function run(engine: HeEngine, keys: KeyRef, c: ReturnType<typeof randomCase>, masks: Float64Array): Promise<{ shares: Uint8Array[]; decrypted: Float64Array }> {
  const chunks = await engine.encryptStrided(keys, c.values, c.req.stride);
  const shares = await engine.maskedHistograms(keys, { ...c.req, chunks }, masks);
  return { shares, decrypted: await engine.decryptPrefix(keys, shares, c.req.stride) };
}

function unmask(decrypted: Float64Array, masks: Float64Array): Float64Array {
  return decrypted.map((v, i) => subResidue(v, masks[i]!));
}

describe('strided layout (no SEAL)', () => {
  it('no cross term lands in [0, s): every sample pair, brute force on small rings', () => {
    for (const n of [16, 32, 64]) {
      for (let stride = 1; stride <= n; stride *= 2) {
        const m = n / stride;
        for (let i = 0; i < m; i++) {
          // d with only sample i' = 1, x with only sample i in bin b': the product's one non-zero coefficient.
          for (let ip = 0; ip < m; ip++) {
            const d = new Float64Array(m);
            d[ip] = 1;
            const poly = stridedPolynomials(d, stride, n)[0]!;
            const low = (i * 7 + ip) % stride;
            const bins = new Uint8Array(m).fill(NO_BIN);
            bins[i] = low;
            const x = histogramPlaintexts(bins, 0, stride, 1, n)[0]!;
            const product = negacyclic(poly, x, n);
            const hits = product.flatMap((v, k) => (v === 0n ? [] : [k]));
            expect(hits).toHaveLength(1);
            if (ip === i) {
              expect(hits[0]).toBe(low);
              expect(product[low]).toBe(1n);
            } else expect(hits[0]!).toBeGreaterThanOrEqual(stride);
          }
        }
      }
    }
  });

  it('coefficients 0..s-1 of d x are the bin sums, on random small layouts', () => {
    const n = 64;
    for (const stride of [1, 2, 4, 8, 16]) {
      const next = rng(stride + 11);
      const m = n / stride;
      const groups = 3;
      const v = Float64Array.from({ length: m }, () => Math.round((next() * 2 - 1) * 2 ** 40));
      const bins = Uint8Array.from({ length: m }, () => (next() < 0.1 ? NO_BIN : Math.floor(next() * groups * stride)));
      const d = stridedPolynomials(v, stride, n)[0]!;
      const plains = histogramPlaintexts(bins, 0, stride, groups, n);
      for (let q = 0; q < groups; q++) {
        const product = plains[q] === undefined ? new Array<bigint>(n).fill(0n) : negacyclic(d, plains[q]!, n);
        for (let k = 0; k < stride; k++) {
          let sum = 0;
          for (let i = 0; i < m; i++) if (bins[i] === q * stride + k) sum = addResidue(sum, toResidue(v[i]!));
          expect(product[k]).toBe(BigInt(sum));
        }
      }
    }
  });
});

describe('histogram kernel over SEAL', () => {
  let ctx: BfvCoeffContext;
  let keys: KeyRef;
  let seal: HeEngine;
  const plain = new PlainEngine();

  beforeAll(async () => {
    ctx = await BfvCoeffContext.create();
    keys = shareKeys(ctx.generateKeys());
    seal = createBfvEngine({ threads: 0 });
  });
  afterAll(async () => {
    ctx.dispose();
    await seal.close();
  });

  for (const stride of [1, 2, 8, 32]) {
    it(`stride ${stride}: exact sums on a random layout; the plaintext engine agrees`, async () => {
      const m = N / stride;
      // Two nodes, the first over two chunks (the second partly padding), the other in one.
      const c = randomCase(100 + stride, stride, [m + Math.floor(m / 3), Math.max(1, Math.floor(m / 2))], 2, stride === 1 ? 3 : Math.min(40, 2 * stride + 3));
      const masks = randomResidues(c.expected.length);
      const enc = await run(seal, keys, c, masks);
      expect([...unmask(enc.decrypted, masks)]).toEqual([...c.expected]);
      for (const share of enc.shares) {
        expect(checkWire(share, ctx.shape)).toEqual({ ok: true, value: { kind: 'prefix', level: ctx.lastLevel, prefix: stride } });
        expect(share.length).toBe(wireBytes(ctx.shape, ctx.lastLevel, 'prefix', stride));
      }
      const clear = await run(plain, keys, c, masks);
      expect([...clear.decrypted]).toEqual([...enc.decrypted]);
    }, 120_000);
  }

  it('masked values are uniform at the key holder (chi-square on 10^4 draws); unmasked they are not', async () => {
    const stride = 64;
    // 160 features x 1 node x 1 group x 64 bins = 10,240 decrypted values from one chunk of 128 rows.
    const next = rng(5);
    const m = N / stride;
    const values = Float64Array.from({ length: m }, () => Math.round(next() * 2 ** 20));
    const features = 160;
    const bins = Array.from({ length: features }, () => Uint8Array.from({ length: m }, () => Math.floor(next() * stride)));
    const req = { stride, nodes: [{ firstChunk: 0, chunks: 1, rows: m }], bins, binCount: [Array.from({ length: features }, () => stride)] };
    const chunks = await seal.encryptStrided(keys, values, stride);
    const chi = (xs: Float64Array): number => {
      const buckets = 64;
      const counts = new Array<number>(buckets).fill(0);
      for (const x of xs) counts[Math.floor((x / T) * buckets)]!++;
      const e = xs.length / buckets;
      return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
    };
    const masks = randomResidues(features * stride);
    const masked = await seal.decryptPrefix(keys, await seal.maskedHistograms(keys, { ...req, chunks }, masks), stride);
    expect(masked.length).toBe(10_240);
    // 63 degrees of freedom: P(chi2 > 120) ~ 2e-5.
    expect(chi(masked)).toBeLessThan(120);
    const zero = new Float64Array(features * stride);
    const bare = await seal.decryptPrefix(keys, await seal.maskedHistograms(keys, { ...req, chunks }, zero), stride);
    expect(chi(bare)).toBeGreaterThan(1000);
    expect([...unmask(masked, masks)]).toEqual([...bare]);
  }, 300_000);

  it('runs on the worker pool (dist build) with the same sums, shares node-major', async () => {
    const pool = createBfvEngine({ threads: 2 });
    try {
      expect(pool.mode).toBe('worker-pool');
      const c = randomCase(9, 8, [1500, 700, 20], 3, 20);
      const masks = randomResidues(c.expected.length);
      const enc = await run(pool, keys, c, masks);
      expect([...unmask(enc.decrypted, masks)]).toEqual([...c.expected]);
    } finally {
      await pool.close();
    }
  }, 300_000);

  it('rejects a bin beyond the released count, a mask count that does not fit, and a corrupted stride field', async () => {
    const c = randomCase(3, 8, [100], 1, 8);
    const chunks = await plain.encryptStrided(keys, c.values, 8);
    const sealChunks = await seal.encryptStrided(keys, c.values, 8);
    const wrongBins = c.req.bins[0]!.slice();
    wrongBins[0] = 5;
    const bad = { ...c.req, bins: [wrongBins], binCount: [[2]] };
    await expect(seal.maskedHistograms(keys, { ...bad, chunks: sealChunks }, new Float64Array(8))).rejects.toThrow(/bin 5 at position 0 of node 0, which releases 2 bins/);
    await expect(plain.maskedHistograms(keys, { ...bad, chunks }, new Float64Array(8))).rejects.toThrow(/releases 2 bins/);
    await expect(plain.maskedHistograms(keys, { ...c.req, chunks }, new Float64Array(3))).rejects.toThrow(/masks/);
    await expect(seal.maskedHistograms(keys, { ...c.req, chunks: sealChunks }, new Float64Array(3))).rejects.toThrow(/masks/);
    const [share] = await seal.maskedHistograms(keys, { ...c.req, chunks: sealChunks }, new Float64Array(8));
    // Chunks at the lowest level would leave the products' noise undivided: refused.
    const low = stridedPolynomials(c.values, 8).map((poly) => ctx.encrypt(poly, ctx.lastLevel));
    await expect(seal.maskedHistograms(keys, { ...c.req, chunks: low }, new Float64Array(8))).rejects.toThrow(/lowest level/);
    const corrupt = share!.slice();
    corrupt[6] = 3;
    expect(checkWire(corrupt, ctx.shape)).toMatchObject({ ok: false, reason: expect.stringMatching(/stride 3/) });
    expect(checkWire(share!.subarray(0, share!.length - 1), ctx.shape).ok).toBe(false);
    expect(sealChunks[0]!.length).toBe(HISTOGRAM_WIRE_SIZES.ciphertext);
    for (const s of [1, 8, 32]) expect(wireBytes(ctx.shape, ctx.lastLevel, 'prefix', s)).toBe(HISTOGRAM_WIRE_SIZES.shareC1 + s * HISTOGRAM_WIRE_SIZES.sharePerBin);
    console.log(`prefix share bytes at the lowest level: s=1 ${wireBytes(ctx.shape, ctx.lastLevel, 'prefix', 1)}, s=8 ${wireBytes(ctx.shape, ctx.lastLevel, 'prefix', 8)}, s=32 ${wireBytes(ctx.shape, ctx.lastLevel, 'prefix', 32)}; chunk ${sealChunks[0]!.length}`);
  }, 120_000);
});
