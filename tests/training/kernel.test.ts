import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BFV_PLAIN_MODULUS, BFV_POLY_DEGREE, BfvCoeffContext, BfvFormatError } from '../../crypto/bfv-coeff.js';
import { decodeFixed, encodeFixed, fromResidue, randomResidues, subResidue, toResidue } from '../../crypto/bfv-fixed.js';
import { checkWire, plaintextBytes, plaintextCoefficients, wireBytes } from '../../crypto/bfv-wire.js';
import { sealRuntime } from '../../crypto/seal.js';
import { rng } from './helpers.js';

const N = BFV_POLY_DEGREE;
const T = BFV_PLAIN_MODULUS;
let ctx: BfvCoeffContext;


beforeAll(async () => {
  ctx = await BfvCoeffContext.create();
  ctx.generateKeys();
});
afterAll(() => ctx.dispose());

describe('SEAL byte layout', () => {
  it('our plaintext bytes equal what SEAL saves for the same polynomial', async () => {
    const runtime = await sealRuntime();
    const seal = runtime.seal;
    const coeffs = Float64Array.from([5, 0, T - 1, 123456789012345]);
    const bytes = plaintextBytes(coeffs, T);
    runtime.run('layout', (own) => {
      const parms = own(seal.EncryptionParameters(seal.SchemeType.bfv));
      parms.setPolyModulusDegree(N);
      parms.setCoeffModulus(own(seal.CoeffModulus.BFVDefault(N, seal.SecurityLevel.tc128)));
      parms.setPlainModulus(own(seal.Modulus(BigInt(T))));
      const context = own(seal.Context(parms, true, seal.SecurityLevel.tc128));
      const plain = own(seal.PlainText());
      plain.loadArray(context, bytes);
      expect(plain.coeffCount).toBe(4);
      // SEAL's own hex rendering, highest degree first.
      const hex = (v: number) => v.toString(16).toUpperCase();
      expect(plain.toPolynomial()).toBe(`${hex(123456789012345)}x^3 + ${hex(T - 1)}x^2 + 5`);
      const saved = plain.saveArray(seal.ComprModeType.none);
      expect(Buffer.from(saved).equals(Buffer.from(bytes))).toBe(true);
      expect([...plaintextCoefficients(saved, 6)]).toEqual([...coeffs, 0, 0]);
    });
  });
});

describe('BFV coefficient kernel', () => {
  it('round trips a polynomial at every level', () => {
    const values = randomResidues(N);
    for (let level = 0; level <= ctx.lastLevel; level++) {
      const ct = ctx.encrypt(values, level);
      expect(ct.length).toBe(wireBytes(ctx.shape, level, 'ciphertext'));
      expect([...ctx.decrypt(ct, N)]).toEqual([...values]);
    }
  });

  it('inner product equals the plaintext dot product exactly, over several chunks and features', () => {
    const next = rng(7);
    const chunks = 3;
    const d = Array.from({ length: chunks }, () => Float64Array.from({ length: N }, () => Math.round((next() * 16 - 8) * 2 ** 12)));
    const x = Array.from({ length: 2 }, () => Array.from({ length: chunks }, () => Float64Array.from({ length: N }, () => Math.round((next() * 16 - 8) * 2 ** 10))));
    const dCts = d.map((chunk) => ctx.encrypt(chunk.map(toResidue), 1));
    const prepared = x.map((feature) => feature.map((chunk) => ctx.prepareFeature(chunk.map(toResidue), 1)));
    const masks = randomResidues(2);
    const shares = ctx.maskedInnerProducts(dCts, prepared, masks);
    prepared.flat().forEach((p) => p.delete());
    for (let f = 0; f < 2; f++) {
      let truth = 0n;
      for (let c = 0; c < chunks; c++) for (let i = 0; i < N; i++) truth += BigInt(d[c]![i]!) * BigInt(x[f]![c]![i]!);
      const [masked] = ctx.decrypt(shares[f]!, 1);
      expect(fromResidue(subResidue(masked!, masks[f]!))).toBe(Number(truth));
      expect(shares[f]!.length).toBe(wireBytes(ctx.shape, ctx.lastLevel, 'share'));
    }
  });

  it('fixed point encodes and decodes', () => {
    expect(decodeFixed(encodeFixed(-3.25, 12), 12)).toBe(-3.25);
    expect(() => toResidue(T)).toThrow(RangeError);
  });

  it('refuses malformed bytes with a clear error', () => {
    const ct = ctx.encrypt(randomResidues(16), 1);
    expect(() => ctx.decrypt(ct.subarray(0, ct.length - 1), 1)).toThrow(/truncated/);
    const bad = ct.slice();
    bad[0] = 0;
    expect(() => ctx.decrypt(bad, 1)).toThrow(BfvFormatError);
    const big = ct.slice();
    big.fill(0xff, 8);
    expect(() => ctx.decrypt(big, 1)).toThrow(/not below the prime/);
    expect(checkWire(new Uint8Array(3), ctx.shape).ok).toBe(false);
  });
});

describe('noise, bounds and masking', () => {
  it('worst-case sums over 106,496 samples fit in t, and the noise budget stays positive with margin', async () => {
    const { batchFitsPlainModulus, gradientBoundBits, PARTIAL_CLIP, FEATURE_CLIP } = await import('../../training/fixed-point.js');
    const chunks = 13; // 13 x 8192 = 106,496 samples
    expect(batchFitsPlainModulus(chunks * N)).toBe(true);
    expect(gradientBoundBits(chunks * N)).toBeLessThan(Math.log2(T / 2));
    // Extreme residuals and features, all of one sign: the largest possible coefficient.
    const dMax = Math.round((3 * PARTIAL_CLIP + 2) * 2 ** 12);
    const xMax = FEATURE_CLIP * 2 ** 10;
    const dChunk = new Float64Array(N).fill(dMax);
    const xChunk = new Float64Array(N).fill(xMax);
    const dCt = ctx.encrypt(dChunk, 1);
    const budgetFresh = ctx.noiseBudget(dCt);
    const prepared = ctx.prepareFeature(xChunk, 1);
    const [full] = ctx.maskedInnerProducts(Array(chunks).fill(dCt), [Array(chunks).fill(prepared)], Float64Array.of(0), 'ciphertext');
    prepared.delete();
    const budget = ctx.noiseBudget(full!);
    console.log(`noise budget: fresh at level 1 ${budgetFresh} bits, after 13-chunk inner product and switch to level 2: ${budget} bits`);
    expect(budget).toBeGreaterThanOrEqual(16);
    const [coefficient0] = ctx.decrypt(full!, 1);
    expect(fromResidue(coefficient0!)).toBe(chunks * N * dMax * xMax);
  });

  it('decrypted masked shares are uniform mod t whatever the gradient; unmasking recovers it', () => {
    const d = Float64Array.from({ length: N }, (_, i) => toResidue((i % 7) - 3));
    const x = Float64Array.from({ length: N }, (_, i) => toResidue((i % 5) - 2));
    let truth = 0;
    for (let i = 0; i < N; i++) truth += fromResidue(d[i]!) * fromResidue(x[i]!);
    const dCt = ctx.encrypt(d, 1);
    const prepared = ctx.prepareFeature(x, 1);
    const count = 48;
    const masks = randomResidues(count);
    const shares = ctx.maskedInnerProducts([dCt], Array.from({ length: count }, () => [prepared]), masks);
    prepared.delete();
    const seen = shares.map((s) => ctx.decrypt(s, 1)[0]!);
    seen.forEach((v, i) => expect(fromResidue(subResidue(v, masks[i]!))).toBe(truth));
    // What the key holder sees: never the gradient, spread over [0, t) (KS distance to uniform).
    expect(seen.every((v) => v !== toResidue(truth))).toBe(true);
    const sorted = seen.map((v) => v / T).sort((a, b) => a - b);
    const ks = Math.max(...sorted.map((u, i) => Math.max(Math.abs(u - i / count), Math.abs(u - (i + 1) / count))));
    expect(ks).toBeLessThan(0.3);
  });
});

describe('re-randomization', () => {
  it('two results from one residual never share c1: each is a fresh RLWE sample', () => {
    const d = ctx.encrypt(randomResidues(N), 1);
    const x = ctx.prepareFeature(Float64Array.from({ length: N }, (_, i) => toResidue((i % 9) - 4)), 1);
    // Same residual, same feature, same mask: without a fresh zero these would be identical
    // bytes, and in general c1 = r x~ would let the key holder divide one result by another.
    const [a, b] = ctx.maskedInnerProducts([d], [[x], [x]], Float64Array.of(5, 5));
    x.delete();
    const c1 = (share: Uint8Array) => Buffer.from(share.subarray(8 + 16));
    let equal = 0;
    const ca = c1(a!);
    const cb = c1(b!);
    for (let i = 0; i < ca.length; i++) if (ca[i] === cb[i]) equal++;
    expect(equal / ca.length).toBeLessThan(0.05); // random bytes agree 1/256 of the time
    expect(ctx.decrypt(a!, 1)[0]).toBe(ctx.decrypt(b!, 1)[0]);
  });

  it('decrypting a share in JS gives exactly what SEAL decrypts', () => {
    const d = ctx.encrypt(randomResidues(N), 1);
    const x = ctx.prepareFeature(randomResidues(N), 1);
    const shares = ctx.maskedInnerProducts([d, d], [[x, x], [x, x], [x, x]], randomResidues(3));
    x.delete();
    for (const share of shares) expect(ctx.decrypt(share, 1)[0]).toBe(ctx.decrypt(share, 1, true)[0]);
  });
});
