/**
 * The histogram share's finish in the kernel's WASM (crypto/ntt-wasm.ts finishShare: inverse
 * NTT, c0's first coefficients only, SEAL's divide-and-round switch one level down, the fresh
 * public-key encryption of zero, the masks) against SEAL's path (cipherTransformFromNtt,
 * cipherModSwitchTo, addPlain, add of the same zero): byte for byte, given the same u and errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BfvCoeffContext } from '../../crypto/bfv-coeff.js';
import { BFV_PLAIN_MODULUS, BFV_POLY_DEGREE, randomResidues } from '../../crypto/bfv-fixed.js';
import { NO_BIN, histogramPlaintexts } from '../../crypto/bfv-histogram.js';
import { ternaryResidues } from '../../crypto/bfv-sampling.js';
import { primeTables } from '../../crypto/ntt-rns.js';
import { WasmHistogramKernel, instantiateNttWasm } from '../../crypto/ntt-wasm.js';
import { rng } from '../training/helpers.js';

const N = BFV_POLY_DEGREE;
const T = BFV_PLAIN_MODULUS;
const WORK_LEVEL = 1;
let ctx: BfvCoeffContext;

beforeAll(async () => {
  ctx = await BfvCoeffContext.create();
  ctx.generateKeys();
});
afterAll(() => ctx.dispose());

/** A real chunk at the work level (a strided encryption of random values), in NTT form. */
function chunkData(next: () => number, stride: number): Uint8Array {
  const values = Float64Array.from({ length: N / stride }, () => Math.floor((next() - 0.5) * 2 ** 40));
  const { data } = ctx.nttChunkData(ctx.encrypt(stridedResidues(values, stride), WORK_LEVEL));
  return data;
}

function stridedResidues(values: Float64Array, stride: number): Float64Array {
  const poly = new Float64Array(N);
  values.forEach((v, i) => {
    poly[i * stride] = v < 0 ? v + T : v;
  });
  return poly;
}

function errors(next: () => number): Int8Array {
  return Int8Array.from({ length: 2 * N }, () => Math.round((next() - 0.5) * 2 * 21));
}

describe('lazy multiply-accumulate', () => {
  it('an accumulator reduced every 2 products equals one reduced only when read (64 products, histogram and dense plaintexts)', () => {
    const next = rng(8);
    const tables = ctx.shape.levels[WORK_LEVEL]!.primes.map((q) => primeTables(q));
    const lazy = new WasmHistogramKernel(tables, T);
    const eager = new WasmHistogramKernel(tables, T, 2);
    lazy.begin(2);
    eager.begin(2);
    for (let c = 0; c < 32; c++) {
      const data = chunkData(next, 8);
      lazy.chunk(data);
      eager.chunk(data);
      const plain = histogramPlaintexts(Uint8Array.from({ length: N / 8 }, () => Math.floor(next() * 16)), 0, 8, 2);
      for (let g = 0; g < 2; g++) {
        const x = c % 4 === 3 ? randomResidues(N) : plain[g]!;
        lazy.add(g, x);
        eager.add(g, x);
      }
    }
    for (let g = 0; g < 2; g++) expect(Buffer.from(lazy.result(g)!).equals(Buffer.from(eager.result(g)!))).toBe(true);
  });

  it('reduceLazy brings values up to 2^63 - 1 to their residue', () => {
    const wasm = instantiateNttWasm();
    const q = ctx.shape.levels[WORK_LEVEL]!.primes[2]!;
    const values = [0n, 1n, BigInt(q) - 1n, BigInt(q), 3n * BigInt(q) - 1n, 2n ** 62n + 12345n, 2n ** 63n - 1n, 2n ** 63n - BigInt(q), 65536n * 3n * BigInt(q)];
    const view = new BigUint64Array(wasm.memory.buffer, 0, values.length);
    view.set(values);
    wasm.reduceLazy(0, values.length, BigInt(q), 1 / q);
    expect(Array.from(new BigUint64Array(wasm.memory.buffer, 0, values.length))).toEqual(values.map((v) => v % BigInt(q)));
  });
});

describe('chunk to NTT form in WASM', () => {
  it('the same bytes as SEAL\'s load, cipherTransformToNtt and save, for chunks at the work level and the top', () => {
    const next = rng(4);
    for (const level of [0, WORK_LEVEL, WORK_LEVEL, 2]) {
      const bytes = ctx.encrypt(stridedResidues(Float64Array.from({ length: N / 8 }, () => Math.floor((next() - 0.5) * 2 ** 40)), 8), level);
      const own = ctx.nttChunkData(bytes, 'own');
      const seal = ctx.nttChunkData(bytes, 'seal');
      expect(own.level).toBe(level);
      expect(seal.level).toBe(level);
      expect(Buffer.from(own.data).equals(Buffer.from(seal.data))).toBe(true);
    }
  });
});

describe('share finish in WASM', () => {
  for (const stride of [1, 8, 32, N]) {
    it(`stride ${stride}: the same bytes as SEAL's inverse NTT, switch, masks and zero, on histogram and random plaintexts`, () => {
      const next = rng(70 + stride);
      for (let k = 0; k < 6; k++) {
        const data = chunkData(next, Math.min(stride, 32));
        const plain = k % 2 === 0
          ? (histogramPlaintexts(Uint8Array.from({ length: N / Math.min(stride, 32) }, () => (next() < 0.3 ? NO_BIN : Math.floor(next() * Math.min(stride, 32)))), 0, Math.min(stride, 32), 1)[0] ?? Float64Array.of(1))
          : randomResidues(N);
        const masks = k === 1 ? new Float64Array(stride) : randomResidues(stride);
        if (k === 3) masks.set([T - 1, 1, (T + 1) / 2, (T - 1) / 2].slice(0, stride));
        const randomness = { u: ternaryResidues(N, T), e: errors(next) };
        if (k === 5) {
          // A single non-zero (SEAL refuses an all-zero product as transparent).
          randomness.u.fill(0);
          randomness.u[7] = T - 1;
        }
        const own = ctx.prefixShareForTest(data, plain, WORK_LEVEL, masks, stride, 'own', randomness);
        const seal = ctx.prefixShareForTest(data, plain, WORK_LEVEL, masks, stride, 'seal', randomness);
        expect(own.length).toBe(seal.length);
        expect(Buffer.from(own).equals(Buffer.from(seal))).toBe(true);
      }
    }, 120_000);
  }

  it('without given randomness, two finishes of one product differ (a fresh zero each) and both decrypt to the masked sums', () => {
    const next = rng(5);
    const stride = 8;
    const data = chunkData(next, stride);
    const plain = histogramPlaintexts(Uint8Array.from({ length: N / stride }, () => Math.floor(next() * stride)), 0, stride, 1)[0]!;
    const masks = randomResidues(stride);
    const fixed = { u: new Float64Array(N), e: new Int8Array(2 * N) };
    // u = 0, e = 0: the product switched down plus the masks, nothing random added.
    const bare = ctx.prefixShareForTest(data, plain, WORK_LEVEL, masks, stride, 'own', fixed);
    const a = ctx.prefixShareForTest(data, plain, WORK_LEVEL, masks, stride, 'own', { u: ternaryResidues(N, T), e: errors(next) });
    const b = ctx.prefixShareForTest(data, plain, WORK_LEVEL, masks, stride, 'own', { u: ternaryResidues(N, T), e: errors(next) });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(a).equals(Buffer.from(bare))).toBe(false);
    expect(Array.from(ctx.decryptPrefix(a))).toEqual(Array.from(ctx.decryptPrefix(bare)));
    expect(Array.from(ctx.decryptPrefix(b))).toEqual(Array.from(ctx.decryptPrefix(bare)));
  });

  it('the zero multiplies the public key: a share re-randomized with u = 0 and one with a real u differ in every prime of c1', () => {
    const next = rng(6);
    const data = chunkData(next, 8);
    const plain = randomResidues(N);
    const masks = new Float64Array(8);
    const e = new Int8Array(2 * N);
    const withU = ctx.prefixShareForTest(data, plain, WORK_LEVEL, masks, 8, 'own', { u: ternaryResidues(N, T), e });
    const withoutU = ctx.prefixShareForTest(data, plain, WORK_LEVEL, masks, 8, 'own', { u: new Float64Array(N), e });
    let differing = 0;
    for (let i = 8 + 2 * 8 * 8; i < withU.length; i++) if (withU[i] !== withoutU[i]) differing++;
    expect(differing).toBeGreaterThan((withU.length - 136) * 0.9);
  });
});
