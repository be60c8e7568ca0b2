/**
 * The leaf chain's batching context (crypto/bfv-batch.ts, docs/design/secureboost.md 7.1, 7.3):
 * slot-wise products exact, the noise budget computed from the parameters (and the ring degree it
 * picks), rho makes the bank's slots uniform, and flooding makes the decrypted noise independent
 * of the passives' indicator patterns (two-sample KS test; without flooding the same test tells
 * the patterns apart, so it can fail).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { BfvBatchContext, CHAIN_PLAIN_MODULUS, budgetHolds, floodBits, noiseBoundBits, ringDegreeFor } from '../../crypto/bfv-batch.js';

const T = CHAIN_PLAIN_MODULUS;

/** Two-sample Kolmogorov-Smirnov: the statistic and its asymptotic p-value. */
export function ksTest(a: readonly number[], b: readonly number[]): { d: number; p: number } {
  const x = [...a].sort((u, v) => u - v);
  const y = [...b].sort((u, v) => u - v);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const ne = (x.length * y.length) / (x.length + y.length);
  const lambda = (Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * d;
  let p = 0;
  for (let k = 1; k <= 100; k++) p += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lambda * lambda);
  return { d, p: Math.min(1, Math.max(0, p)) };
}

describe('noise budget from the parameters', () => {
  it('one passive fits N = 8192; two take N = 16384 (worst case); up to 6 fit N = 16384', () => {
    expect(ringDegreeFor(1)).toBe(8192);
    expect(ringDegreeFor(2)).toBe(16384);
    expect(budgetHolds(16384, 6)).toBe(true);
    expect(budgetHolds(16384, 7)).toBe(false);
    expect(() => ringDegreeFor(7)).toThrow(/noise budget/);
    // 1 passive at 8192: v ~ 2^69 (the wrap term N t^2 / 4 dominates), flooding 2^110, Delta/2 ~ 2^144.
    expect(noiseBoundBits(8192, 1)).toBeGreaterThan(68);
    expect(noiseBoundBits(8192, 1)).toBeLessThan(71);
    expect(floodBits(8192, 1)).toBeLessThan(174 - 29 - 2);
    expect(T % 32768).toBe(1);
  });
});

describe('BfvBatchContext', () => {
  let bank: BfvBatchContext;
  let passive: BfvBatchContext;
  beforeAll(async () => {
    bank = await BfvBatchContext.create(8192);
    const keys = bank.generateKeys();
    passive = await BfvBatchContext.create(8192);
    passive.loadKeys({ n: keys.n, publicKey: keys.publicKey });
  });
  afterAll(() => {
    bank.dispose();
    passive.dispose();
  });

  it('W x x_1 + rho decrypts exactly, slot by slot; a zero indicator gives zeros', () => {
    const w = new Int32Array(3200).map(() => crypto.randomInt(-65536, 65537));
    const x = new Uint8Array(3200).map(() => crypto.randomInt(0, 2));
    const rho = new Uint32Array(8192).map(() => crypto.randomInt(0, T));
    const out = bank.decrypt(passive.finish(passive.multiplyIndicator(bank.encryptValues(w), x), rho, 1));
    for (let i = 0; i < 8192; i++) {
      const plain = i < 3200 ? w[i]! * x[i]! : 0;
      expect(out[i]).toBe(((plain + rho[i]!) % T + T) % T);
    }
    const zero = bank.decrypt(passive.multiplyIndicator(bank.encryptValues(w), new Uint8Array(3200)));
    expect(zero.every((v) => v === 0)).toBe(true);
  });

  it('with rho the bank\'s decrypted slots are uniform mod t_s (chi-square, 64 cells)', () => {
    const w = new Int32Array(8192).fill(65536);
    const x = new Uint8Array(8192).fill(1);
    const rho = new Uint32Array(8192).map(() => crypto.randomInt(0, T));
    const out = bank.decrypt(passive.finish(passive.multiplyIndicator(bank.encryptValues(w), x), rho, 1));
    const cells = new Array<number>(64).fill(0);
    for (const v of out) cells[Math.floor((v / T) * 64)]!++;
    const e = 8192 / 64;
    const chi = cells.reduce((a, c) => a + (c - e) ** 2 / e, 0);
    // 63 degrees of freedom: P(chi2 > 120) ~ 2e-5.
    expect(chi).toBeLessThan(120);
  });

  it('flooding: the decrypted noise does not differ between two indicator patterns (KS, 2,000 samples each, p > 0.01); without it, it does', () => {
    const w = new Int32Array(8192).map(() => crypto.randomInt(-65536, 65537));
    const ct = bank.encryptValues(w);
    const patternA = new Uint8Array(8192).fill(1);
    const patternB = new Uint8Array(8192).map(() => crypto.randomInt(0, 2));
    const rho = new Uint32Array(8192);
    const indexes = Array.from({ length: 20 }, (_, i) => i * 409);
    const sample = (pattern: Uint8Array, flood: boolean, rounds = 100): number[] => {
      const out: number[] = [];
      // 100 ciphertexts x 20 coefficients (the flooding is independent per coefficient).
      for (let r = 0; r < rounds; r++) {
        const product = passive.multiplyIndicator(ct, pattern);
        const last = flood ? passive.finish(product, rho, 1) : product;
        for (const v of bank.noiseAt(last, indexes)) out.push(Number(v));
      }
      return out;
    };
    const a = sample(patternA, true);
    let flooded = ksTest(a, sample(patternB, true));
    // Under flooding the two samples come from one distribution, so p is uniform on [0, 1] and a
    // single test fails one run in a hundred by chance (it did in CI). One fresh pair of samples
    // decides then: two chance failures in a row come one run in 10,000, while a real leak
    // (the bare control below measured D 0.70, p 4e-87) fails both.
    if (flooded.p <= 0.01) flooded = ksTest(sample(patternA, true), sample(patternB, true));
    expect(flooded.p).toBeGreaterThan(0.01);
    // The flooded noise is as wide as floodBits says (its spread dwarfs the 2^69 bound).
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(2 ** (floodBits(8192, 1) - 2));
    // The control: without flooding the key holder tells the patterns apart from the noise.
    const bare = ksTest(sample(patternA, false, 20), sample(new Uint8Array(8192).map((_, i) => i % 2), false, 20));
    expect(bare.p).toBeLessThan(0.01);
    console.log(`flooding KS: flooded D ${flooded.d.toFixed(4)} p ${flooded.p.toFixed(3)} (2,000 vs 2,000); without flooding D ${bare.d.toFixed(3)} p ${bare.p.toExponential(2)}`);
  }, 300_000);
});
