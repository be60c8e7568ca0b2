/**
 * quantize.ts against docs/design/secureboost.md section 2: the fixed point per tree size, and
 * exact decoding of any sum of packed values (random sets of rows, and the |G|, H <= 2^23 edges).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { H_SHIFT, MAX_ROWS, SUM_BOUND, packGH, quantFor, quantG, quantH, unpackSum } from '../../models/trees/quantize.js';

describe('quantFor', () => {
  it('follows sg = 23 - ceil(log2 n), sh = sg + 2', () => {
    expect(quantFor(100_000)).toEqual({ sg: 6, sh: 8 });
    expect(quantFor(1)).toEqual({ sg: 23, sh: 25 });
    expect(quantFor(2)).toEqual({ sg: 22, sh: 24 });
    expect(quantFor(3)).toEqual({ sg: 21, sh: 23 });
    expect(quantFor(1024)).toEqual({ sg: 13, sh: 15 });
    expect(quantFor(1025)).toEqual({ sg: 12, sh: 14 });
    expect(quantFor(1_000_000)).toEqual({ sg: 3, sh: 5 });
    expect(quantFor(MAX_ROWS)).toEqual({ sg: 1, sh: 3 });
    for (let n = 1; n < 5000; n += 37) expect(quantFor(n).sg).toBe(23 - Math.ceil(Math.log2(n)));
  });

  it('refuses sizes without a fractional bit of g, naming what to do', () => {
    expect(() => quantFor(0)).toThrow(/whole number from 1/);
    expect(() => quantFor(1.5)).toThrow(RangeError);
    expect(() => quantFor(MAX_ROWS + 1)).toThrow(/rowSample/);
  });
});

describe('packGH and unpackSum', () => {
  it('refuses g or h outside their ranges', () => {
    const q = quantFor(10);
    expect(() => packGH(Float64Array.of(1.01), Float64Array.of(0.1), q)).toThrow(/gradient/);
    expect(() => packGH(Float64Array.of(0.5), Float64Array.of(0.26), q)).toThrow(/hessian/);
    expect(() => packGH(Float64Array.of(Number.NaN), Float64Array.of(0.1), q)).toThrow(RangeError);
    expect(() => packGH(Float64Array.of(0.5), Float64Array.of(), q)).toThrow(/one of each/);
    expect(() => unpackSum(2 ** 48 + 2 ** 23 + 1)).toThrow(/2\^48/);
    expect(() => unpackSum(-(2 ** 48) - 2 ** 23 - 1)).toThrow(RangeError);
    expect(() => unpackSum(0.5)).toThrow(RangeError);
  });

  it('decodes the sum over any random set of up to n rows to the exact integer sums', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, seed, density) => {
          const q = quantFor(n);
          let s = seed;
          const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 2 ** 32);
          // Extreme values are as likely as the middle: the bounds are where decoding could break.
          const g = Float64Array.from({ length: n }, () => (rnd() < 0.3 ? (rnd() < 0.5 ? -1 : 1) : 2 * rnd() - 1));
          const h = Float64Array.from({ length: n }, () => (rnd() < 0.3 ? (rnd() < 0.5 ? 0 : 0.25) : rnd() / 4));
          const v = packGH(g, h, q);
          let V = 0;
          let G = 0;
          let H = 0;
          for (let i = 0; i < n; i++) {
            if (rnd() >= density) continue;
            V += v[i]!;
            G += quantG(g[i]!, q);
            H += quantH(h[i]!, q);
          }
          expect(Math.abs(G)).toBeLessThanOrEqual(SUM_BOUND);
          expect(H).toBeLessThanOrEqual(SUM_BOUND);
          expect(unpackSum(V)).toEqual({ G, H });
        },
      ),
      { numRuns: 300, seed: 16 },
    );
  });

  it('decodes the extreme sums |G| = 2^23 and H = 2^23 exactly, for n a power of two and not', () => {
    for (const n of [1, 2, 3, 1000, 1024, 65_536, 100_000, MAX_ROWS]) {
      const q = quantFor(n);
      const cases: [number, number][] = [[1, 0.25], [-1, 0.25], [1, 0], [-1, 0], [0, 0.25], [-0.5, 0.125]];
      for (const [g, h] of cases) {
        // n equal rows: the sum is n v, computed exactly (integers below 2^53).
        const Gi = quantG(g, q);
        const Hi = quantH(h, q);
        expect(Math.abs(Gi)).toBeLessThanOrEqual(2 ** q.sg);
        expect(Hi).toBeLessThanOrEqual(2 ** q.sg);
        const V = n * (Gi + H_SHIFT * Hi);
        expect(Math.abs(n * Gi)).toBeLessThanOrEqual(SUM_BOUND);
        expect(n * Hi).toBeLessThanOrEqual(SUM_BOUND);
        expect(unpackSum(V)).toEqual({ G: n * Gi, H: n * Hi });
      }
    }
    // At n = 2^k the bound is reached: |G| = 2^23 with H = 2^23 and with H = 0.
    const q = quantFor(1024);
    expect(unpackSum(1024 * (quantG(-1, q) + H_SHIFT * quantH(0.25, q)))).toEqual({ G: -SUM_BOUND, H: SUM_BOUND });
    expect(unpackSum(1024 * quantG(1, q))).toEqual({ G: SUM_BOUND, H: 0 });
  });

  it('packs v_i = G_i + 2^25 H_i with Math.round', () => {
    const q = { sg: 2, sh: 4 };
    // g = 0.375 -> 1.5 -> 2 (halves up); h = 0.1 -> 1.6 -> 2; g = -0.375 -> -1.5 -> -1.
    expect(Array.from(packGH(Float64Array.of(0.375, -0.375), Float64Array.of(0.1, 0.25), q))).toEqual([2 + 2 * H_SHIFT, -1 + 4 * H_SHIFT]);
  });
});
