/**
 * Our plaintext NTT (crypto/ntt-wasm.ts, and its JS reference crypto/ntt-rns.ts) against SEAL's
 * plainTransformToNtt, byte for byte, and
 * the histogram kernel's own-NTT path against its SEAL path (design section 3, task T1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BfvCoeffContext } from '../../crypto/bfv-coeff.js';
import { BFV_PLAIN_MODULUS, BFV_POLY_DEGREE, randomResidues, subResidue } from '../../crypto/bfv-fixed.js';
import { NO_BIN, histogramEntries, histogramPlaintexts, plaintextOfEntries, stridedPolynomials } from '../../crypto/bfv-histogram.js';
import { multiplyAccumulate, mulMod, plaintextNtt, primeTables } from '../../crypto/ntt-rns.js';
import { WasmHistogramKernel, scatterLayers, wasmSimdAvailable } from '../../crypto/ntt-wasm.js';
import { rng } from '../training/helpers.js';

const N = BFV_POLY_DEGREE;
const T = BFV_PLAIN_MODULUS;
let ctx: BfvCoeffContext;

beforeAll(async () => {
  ctx = await BfvCoeffContext.create();
  ctx.generateKeys();
});
afterAll(() => ctx.dispose());

describe('own RNS NTT', () => {
  it('mulMod is exact against BigInt on random and extreme residues of every prime', () => {
    const next = rng(3);
    for (const q of ctx.shape.levels[0]!.primes) {
      const t = primeTables(q, 16);
      const picks = [0, 1, 2, q - 1, q - 2, Math.floor(q / 2), ...Array.from({ length: 2000 }, () => Math.floor(next() * q))];
      for (let i = 0; i < picks.length; i++) {
        const a = picks[i]!;
        const b = picks[(i * 7 + 3) % picks.length]!;
        const c = 134217729 * b;
        const bHi = c - (c - b);
        expect(mulMod(a, b, bHi, b - bHi, t)).toBe(Number((BigInt(a) * BigInt(b)) % BigInt(q)));
      }
    }
  });

  for (const level of [1, 2]) {
    it(`WASM and JS NTT equal SEAL's plainTransformToNtt byte for byte on 100 random plaintexts at level ${level}`, () => {
      const next = rng(40 + level);
      for (let k = 0; k < 100; k++) {
        let coefficients: Float64Array;
        if (k % 2 === 0) coefficients = randomResidues(N);
        else {
          // The kernel's plaintexts: 0, 1 or t - 1 in the strided pattern.
          const stride = 2 ** (k % 6);
          const bins = Uint8Array.from({ length: N / stride }, () => (next() < 0.3 ? NO_BIN : Math.floor(next() * stride)));
          coefficients = histogramPlaintexts(bins, 0, stride, 1)[0] ?? Float64Array.of(1);
        }
        if (k === 1) coefficients = Float64Array.of(T - 1, 5, (T + 1) / 2, (T - 1) / 2); // short, at the lift threshold
        const seal = ctx.sealPlainNtt(coefficients, level);
        for (const impl of ['own', 'js'] as const) {
          const own = ctx.ownPlainNtt(coefficients, level, impl);
          expect(own.length).toBe(seal.length);
          expect(Buffer.from(own).equals(Buffer.from(seal))).toBe(true);
        }
      }
    }, 120_000);
  }

  it('a sparse histogram plaintext scattered through its first K layers transforms exactly as the full NTT, for every K', () => {
    const next = rng(17);
    for (const [level, simd] of [[1, true], [2, true], [1, false]] as const) {
      const tables = ctx.shape.levels[level]!.primes.map((q) => primeTables(q));
      const kernel = new WasmHistogramKernel(tables, T, undefined, simd);
      for (const nnz of [0, 1, 3, 64, 256, 1500, N]) {
        const coefficients = new Float64Array(N);
        for (let c = 0; c < nnz; c++) coefficients[nnz === N ? c : Math.floor(next() * N)] = next() < 0.5 ? 1 : T - 1;
        // Positions 0 and N - 1 (the first and last class of each layer's matrix).
        if (nnz === 3) [coefficients[0], coefficients[N - 1]] = [T - 1, 1];
        const want = Buffer.from(BigUint64Array.from(plaintextNtt(coefficients, tables), (v) => BigInt(v)).buffer);
        for (const layers of [0, 2, 3, 4, 5, 6, 7, undefined]) {
          expect(Buffer.from(kernel.transform(coefficients, layers)).equals(want), `level ${level}, ${nnz} non-zeros, ${layers ?? 'chosen'} layers, simd ${simd}`).toBe(true);
        }
      }
      // A coefficient other than 0, 1, t - 1 takes the full NTT whatever is asked.
      const dense = randomResidues(N);
      const want = Buffer.from(BigUint64Array.from(plaintextNtt(dense, tables), (v) => BigInt(v)).buffer);
      expect(Buffer.from(kernel.transform(dense, 5)).equals(want)).toBe(true);
    }
    expect(scatterLayers(256, N)).toBeGreaterThan(0);
    expect(scatterLayers(N, N)).toBe(0);
  }, 120_000);

  it('addEntries (non-zeros only) accumulates exactly what add (dense) does, and refuses entries outside the ring', () => {
    const next = rng(23);
    const tables = ctx.shape.levels[1]!.primes.map((q) => primeTables(q));
    const k = tables.length;
    const [a, b] = [new WasmHistogramKernel(tables, T), new WasmHistogramKernel(tables, T)];
    a.begin(1);
    b.begin(1);
    for (let c = 0; c < 4; c++) {
      const ct = BigUint64Array.from({ length: 2 * k * N }, (_, i) => BigInt(Math.floor(next() * tables[Math.floor(i / N) % k]!.q)));
      a.chunk(new Uint8Array(ct.buffer));
      b.chunk(new Uint8Array(ct.buffer));
      for (const stride of [1, 8, 32]) {
        const bins = Uint8Array.from({ length: N / stride }, () => (next() < 0.2 ? NO_BIN : Math.floor(next() * stride)));
        const entries = histogramEntries(bins, 0, stride, 1)[0]!;
        a.add(0, histogramPlaintexts(bins, 0, stride, 1)[0]!);
        b.addEntries(0, entries);
      }
    }
    expect(Buffer.from(b.result(0)!).equals(Buffer.from(a.result(0)!))).toBe(true);
    expect(() => b.addEntries(0, Int32Array.of(2 * N))).toThrow(/not a coefficient/);
    expect(() => b.addEntries(0, Int32Array.of(-1))).toThrow(/not a coefficient/);
  }, 120_000);

  it('the WASM multiply-accumulate equals the JS reference exactly, extreme residues included', () => {
    // The quotient of each modular product is estimated in doubles (crypto/ntt-wasm.ts): an
    // off-by-one estimate must still give the exact residue, also for a = q - 1, b = q - 1.
    const next = rng(91);
    for (const [level, simd] of [[1, true], [2, true], [1, false]] as const) {
      const tables = ctx.shape.levels[level]!.primes.map((q) => primeTables(q));
      const k = tables.length;
      const kernel = new WasmHistogramKernel(tables, T, undefined, simd);
      const groups = 2;
      kernel.begin(groups);
      const acc = [new Float64Array(2 * k * N), new Float64Array(2 * k * N)];
      for (let c = 0; c < 6; c++) {
        const ct = new Float64Array(2 * k * N);
        for (let poly = 0; poly < 2; poly++) {
          for (let j = 0; j < k; j++) {
            const q = tables[j]!.q;
            const extremes = [0, 1, q - 1, q - 2, Math.floor(q / 2), Math.ceil(q / 2)];
            for (let i = 0; i < N; i++) ct[(poly * k + j) * N + i] = i < extremes.length * 4 ? extremes[(i + c) % extremes.length]! : Math.floor(next() * q);
          }
        }
        kernel.chunk(new Uint8Array(BigUint64Array.from(ct, (v) => BigInt(v)).buffer));
        for (let g = 0; g < groups; g++) {
          // Dense residues (every NTT output a full-range residue) and a kernel-shaped plaintext.
          const plain = g === 0 ? randomResidues(N) : Float64Array.from({ length: N }, (_, i) => (i % 97 === 0 ? 1 : i % 89 === 0 ? T - 1 : 0));
          kernel.add(g, plain);
          multiplyAccumulate(acc[g]!, ct, plaintextNtt(plain, tables), tables);
        }
      }
      for (let g = 0; g < groups; g++) {
        const got = new BigUint64Array(kernel.result(g)!.slice().buffer);
        const want = BigUint64Array.from(acc[g]!, (v) => BigInt(v));
        expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      }
    }
  }, 120_000);

  it('the SIMD transform and multiply-accumulate run here, and accumulate exactly what the scalar ones do', () => {
    // Node 20 on x64 has Wasm SIMD: a kernel that silently fell back to the scalar pair would
    // lose the speed the bench measures, so this machine must take the SIMD pair.
    expect(wasmSimdAvailable()).toBe(true);
    const next = rng(57);
    const tables = ctx.shape.levels[1]!.primes.map((q) => primeTables(q));
    const k = tables.length;
    const [vector, scalar] = [new WasmHistogramKernel(tables, T), new WasmHistogramKernel(tables, T, undefined, false)];
    /** One polynomial's residues per prime of the level (below each prime), `polys` polynomials. */
    const ctBytes = (polys: number) => BigUint64Array.from({ length: polys * N }, (_, i) => BigInt(Math.floor(next() * tables[Math.floor(i / N) % k]!.q)));
    expect([vector.simd, scalar.simd]).toEqual([true, false]);
    vector.begin(2);
    scalar.begin(2);
    for (let c = 0; c < 5; c++) {
      const ct = BigUint64Array.from({ length: 2 * k * N }, (_, i) => BigInt(Math.floor(next() * tables[Math.floor(i / N) % k]!.q)));
      for (const kernel of [vector, scalar]) kernel.chunk(new Uint8Array(ct.buffer));
      const bins = Uint8Array.from({ length: N / 8 }, () => Math.floor(next() * 16));
      const entries = histogramEntries(bins, 0, 8, 2);
      const dense = randomResidues(N);
      for (const kernel of [vector, scalar]) {
        entries.forEach((e, g) => e && kernel.addEntries(g, e));
        kernel.add(1, dense);
      }
    }
    for (const g of [0, 1]) expect(Buffer.from(vector.result(g)!).equals(Buffer.from(scalar.result(g)!))).toBe(true);
    // A share's finish (the inverse transforms, full and partial) and the key holder's products alike.
    const low = k - 1;
    const pk = new Uint8Array(BigUint64Array.from({ length: 2 * low * N }, (_, i) => BigInt(Math.floor(next() * tables[Math.floor(i / N) % low]!.q))).buffer);
    const u = Int32Array.from({ length: 3000 }, (_, i) => 2 * ((i * 7919) % N) + (i % 2));
    const errors = Int8Array.from({ length: 8 + N }, () => Math.floor(next() * 41) - 20);
    const [fv, fs] = [vector.finishShare(1, 8, pk, u, errors), scalar.finishShare(1, 8, pk, u, errors)];
    expect([...fv.c0]).toEqual([...fs.c0]);
    expect(Buffer.from(fv.c1.buffer).equals(Buffer.from(fs.c1.buffer))).toBe(true);
    const secret = Int8Array.from({ length: N }, () => Math.floor(next() * 3) - 1);
    const c1 = new Uint32Array(new BigUint64Array(ctBytes(k)).buffer);
    for (const stride of [1, 2, 16, N]) expect([...vector.prefixProducts(c1, secret, stride)]).toEqual([...scalar.prefixProducts(c1, secret, stride)]);
    // Chunks to NTT form (every layer, the last one's shuffles included) alike.
    const words = Uint32Array.from({ length: 4 * k * N }, (_, i) => (i % 2 === 0 ? Math.floor(next() * 2 ** 32) : Math.floor(next() * 2 ** 10)));
    expect(Buffer.from(vector.transformCiphertext(words)).equals(Buffer.from(scalar.transformCiphertext(words)))).toBe(true);
  }, 120_000);

  it('histogram shares: the WASM and JS paths decrypt to the same sums as the SEAL path', () => {
    const stride = 8;
    const m = N / stride;
    const next = rng(77);
    const values = Float64Array.from({ length: 3 * m }, () => Math.round((next() * 2 - 1) * 2 ** 47));
    const chunks = stridedPolynomials(values, stride).map((poly) => ctx.encrypt(poly, 1));
    const bins = Uint8Array.from({ length: 3 * m }, () => (next() < 0.1 ? NO_BIN : Math.floor(next() * 20)));
    const groups = 3;
    const d = ctx.prepareResidual(chunks);
    try {
      const masks = randomResidues(groups * stride);
      const decrypt = (shares: Uint8Array[]) => shares.flatMap((s, g) => [...ctx.decryptPrefix(s)].map((v, k) => subResidue(v, masks[g * stride + k]!)));
      const plainsOf = (c: number) => histogramPlaintexts(bins, c, stride, groups);
      const own = decrypt(ctx.maskedPrefixShares(d, [0, 1, 2], plainsOf, groups, stride, masks, 'own'));
      // The worker's form: each group's non-zeros only (histogramEntries), through addEntries.
      const entriesOf = (c: number) => histogramEntries(bins, c, stride, groups);
      expect(decrypt(ctx.maskedPrefixShares(d, [0, 1, 2], entriesOf, groups, stride, masks, 'own'))).toEqual(own);
      expect(decrypt(ctx.maskedPrefixShares(d, [0, 1, 2], entriesOf, groups, stride, masks, 'js'))).toEqual(own);
      for (let c = 0; c < 3; c++) {
        const dense = plainsOf(c);
        entriesOf(c).forEach((e, g) => expect(e === undefined ? undefined : [...plaintextOfEntries(e)]).toEqual(dense[g] === undefined ? undefined : [...dense[g]!]));
      }
      const js = decrypt(ctx.maskedPrefixShares(d, [0, 1, 2], plainsOf, groups, stride, masks, 'js'));
      const seal = decrypt(ctx.maskedPrefixShares(d, [0, 1, 2], plainsOf, groups, stride, masks, 'seal'));
      expect(own).toEqual(seal);
      expect(js).toEqual(seal);
      // The key holder's JS decryption (rotated secret terms) equals SEAL's own decryption.
      for (const share of ctx.maskedPrefixShares(d, [0, 1, 2], plainsOf, groups, stride, masks)) {
        expect([...ctx.decryptPrefix(share)]).toEqual([...ctx.decryptPrefix(share, true)]);
      }
      expect(own.some((v) => v !== 0)).toBe(true);
    } finally {
      d.delete();
    }
  }, 120_000);
});
