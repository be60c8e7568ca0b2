/**
 * Packed bin sums (models/scorecard/bin-sums.ts): several bins per encrypted inner product in
 * mixed radix. The packing must decode to exactly each bin's event count, through the real BFV
 * kernel (plaintext coefficients up to ~2^37 instead of 1: the noise budget must carry them),
 * with bins of several characteristics overlapping in one group, and refuse a sum no counts give.
 */
import { describe, expect, it } from 'vitest';
import { createBfvEngine, shareFeatures, shareKeys } from '../../crypto/bfv-engine.js';
import { BfvCoeffContext } from '../../crypto/bfv-coeff.js';
import { randomResidues, subResidue } from '../../crypto/bfv-fixed.js';
import { PACK_LIMIT, packBins, packedColumns, unpackSums } from '../../models/scorecard/bin-sums.js';
import { Rng, seedWords } from '../../sim/prng.js';

/** Characteristics with random bins over n rows, and labels. */
function data(n: number, binsPer: readonly number[], seed: number): { trainBins: Int32Array[]; counts: number[][]; labels: Float64Array; truth: number[][] } {
  const rng = new Rng(seedWords(seed), 0);
  const trainBins = binsPer.map((k) => Int32Array.from({ length: n }, () => Math.floor(rng.next() * k)));
  const labels = Float64Array.from({ length: n }, () => (rng.next() < 0.2 ? 1 : 0));
  const counts = binsPer.map((k, j) => Array.from({ length: k }, (_, b) => trainBins[j]!.filter((x) => x === b).length));
  const truth = binsPer.map((k, j) => Array.from({ length: k }, (_, b) => trainBins[j]!.reduce((s, x, i) => s + (x === b ? labels[i]! : 0), 0)));
  return { trainBins, counts, labels, truth };
}

describe('packed bin sums', () => {
  it('groups stay within the limit and hold several bins; clear sums decode exactly', () => {
    const { trainBins, counts, labels, truth } = data(80_000, [10, 10, 7, 4], 3);
    const groups = packBins(counts);
    for (const g of groups) expect(g.reduce((p, x) => p * (x.count + 1), 1)).toBeLessThanOrEqual(PACK_LIMIT);
    // ~8,000 rows a bin at 80k: 3 bins a sum, so about a third of the products.
    expect(groups.length).toBeLessThanOrEqual(Math.ceil(31 / 3) + 1);
    const columns = packedColumns(groups, trainBins, 80_000);
    const sums = groups.map((_, g) => columns.subarray(g * 80_000, (g + 1) * 80_000).reduce((s, v, i) => s + v * labels[i]!, 0));
    expect(unpackSums(groups, sums, counts)).toEqual(truth);
  });

  it('refuses a sum that no counts within the bins give', () => {
    const groups = packBins([[10, 10]]);
    expect(groups).toHaveLength(1);
    // 11 events in a bin of 10 would carry into the next digit; the largest valid sum is 10 + 11 * 10.
    expect(() => unpackSums(groups, [10 + 11 * 10 + 1], [[10, 10]])).toThrow(/no event counts/);
    expect(() => unpackSums(groups, [-1], [[10, 10]])).toThrow(/outside/);
  });

  it('decrypts to the exact counts through the BFV kernel (masked, as a site sends them)', async () => {
    const n = 20_000;
    // Bins of ~4,000 (5 a characteristic) pack 4 to a sum with weights up to ~2^36: the largest
    // plaintext values the packing makes at the minimum bin share, so the noise budget's worst case.
    const { trainBins, counts, labels, truth } = data(n, [10, 5, 5, 3], 11);
    const groups = packBins(counts);
    expect(groups.length).toBeLessThan(23);
    expect(Math.max(...groups.flat().map((b) => b.weight))).toBeGreaterThan(2 ** 35);
    const holder = await BfvCoeffContext.create();
    const keys = holder.generateKeys();
    const engine = createBfvEngine({ threads: 0 });
    try {
      const ref = shareKeys({ publicKey: keys.publicKey });
      const y = await engine.encrypt(ref, labels);
      const matrix = shareFeatures('packed-test', packedColumns(groups, trainBins, n), n, groups.length);
      const masks = randomResidues(groups.length);
      const shares = await engine.maskedGradient(ref, matrix, 0, n, y, masks);
      const values = shares.map((s, g) => subResidue(holder.decrypt(s, 1)[0]!, masks[g]!));
      expect(unpackSums(groups, values, counts)).toEqual(truth);
    } finally {
      await engine.close();
      holder.dispose();
    }
  });
});
