/**
 * Section 2.3 of docs/design/monitoring.md: the batch masks cancel over every site, a refused
 * slot's sum reveals nothing of the others' joint term, every batch coordinate changes the
 * masks, and a batch of one never gives a single query's mask (separate domain).
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateX25519KeyPair } from '../../crypto/x25519.js';
import { decodeFixed, FRACTION_BITS, maskSeed, pairMask } from '../../scoring/secure-aggregation.js';
import { batchMaskKey, expandMasks, maskedVector, sumVectors, type BatchRef } from '../../scoring/vector-aggregation.js';

const SITES = ['bank', 'power', 'tax'] as const;
const keys = Object.fromEntries(SITES.map((s) => [s, generateX25519KeyPair()]));
const seedOf = (me: string) => (peer: string) => maskSeed(keys[me]!.privateKey, keys[peer]!.publicKey);
const BATCH: BatchRef = { runIndex: 1200, batchSeq: 3, firstIndex: 14_000, count: 257 };

/** Random terms in a logit-like range. */
function randomTerms(n: number): Float64Array {
  const t = new Float64Array(n);
  for (let j = 0; j < n; j++) t[j] = (crypto.randomInt(0, 2_000_001) - 1_000_000) / 100_000;
  return t;
}

const vectorsOf = (terms: Record<string, Float64Array>, b: BatchRef, refused: Record<string, Set<number>> = {}) =>
  SITES.map((s) => maskedVector(terms[s]!, refused[s] ?? new Set(), s, SITES, seedOf(s), b));

/**
 * Fixed-point rounding (three encodings, each within half a unit of 2^-40) plus the doubles'
 * own rounding at the terms' magnitude (the plain sum, and decoding a value past 2^53 units).
 */
const tolerance = (...terms: number[]) => 3 * 2 ** -(FRACTION_BITS + 1) + 4 * Number.EPSILON * terms.reduce((a, t) => a + Math.abs(t), 0);

describe('vector secure aggregation (monitoring design 2.3)', () => {
  it('the pair seeds agree from either side', () => {
    expect(Buffer.from(seedOf('bank')('tax'))).toEqual(Buffer.from(seedOf('tax')('bank')));
  });

  it('masks cancel over 3 sites: decoded sums equal the plain sums of random terms', () => {
    const terms = Object.fromEntries(SITES.map((s) => [s, randomTerms(BATCH.count)]));
    const vectors = vectorsOf(terms, BATCH);
    for (const v of vectors) expect(v.byteLength).toBe(8 * BATCH.count);
    const sums = sumVectors(vectors);
    for (let j = 0; j < BATCH.count; j++) {
      const plain = SITES.reduce((acc, s) => acc + terms[s]![j]!, 0);
      expect(Math.abs(decodeFixed(sums[j]!) - plain)).toBeLessThanOrEqual(tolerance(...SITES.map((s) => terms[s]![j]!)));
    }
    // Each vector alone is masked: it does not decode to its site's terms.
    const alone = sumVectors([vectors[0]!]);
    let equal = 0;
    for (let j = 0; j < BATCH.count; j++) if (Math.abs(decodeFixed(alone[j]!) - terms.bank![j]!) <= tolerance(terms.bank![j]!)) equal++;
    expect(equal).toBe(0);
  });

  it('property: cancellation holds for any batch coordinates and terms', () => {
    fc.assert(fc.property(
      fc.record({ runIndex: fc.nat(2 ** 40), batchSeq: fc.nat(1000), firstIndex: fc.nat(2 ** 40), count: fc.integer({ min: 1, max: 64 }) }),
      fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 3 * 64, maxLength: 3 * 64 }),
      (b, flat) => {
        const terms = Object.fromEntries(SITES.map((s, i) => [s, Float64Array.from(flat.slice(i * 64, i * 64 + b.count))]));
        const sums = sumVectors(vectorsOf(terms, b));
        for (let j = 0; j < b.count; j++) {
          const plain = SITES.reduce((acc, s) => acc + terms[s]![j]!, 0);
          if (Math.abs(decodeFixed(sums[j]!) - plain) > tolerance(...SITES.map((s) => terms[s]![j]!))) return false;
        }
        return true;
      },
    ), { numRuns: 200 });
  });

  it("a refused slot's sum is not the other sites' joint term (nor the full sum); other slots are unaffected", () => {
    const terms = Object.fromEntries(SITES.map((s) => [s, randomTerms(BATCH.count)]));
    const refusedSlots = new Set([0, 17, BATCH.count - 1]);
    const sums = sumVectors(vectorsOf(terms, BATCH, { power: refusedSlots }));
    for (let j = 0; j < BATCH.count; j++) {
      const got = decodeFixed(sums[j]!);
      const full = terms.bank![j]! + terms.power![j]! + terms.tax![j]!;
      if (refusedSlots.has(j)) {
        const others = terms.bank![j]! + terms.tax![j]!;
        // Uniform in the ring: within the 2^23 range of a logit only by a 2^-40 chance.
        expect(Math.abs(got - others)).toBeGreaterThan(1);
        expect(Math.abs(got - full)).toBeGreaterThan(1);
      } else {
        expect(Math.abs(got - full)).toBeLessThanOrEqual(tolerance(terms.bank![j]!, terms.power![j]!, terms.tax![j]!));
      }
    }
    // Fresh randomness each time: the same refusal twice gives different slot values.
    const again = maskedVector(terms.power!, refusedSlots, 'power', SITES, seedOf('power'), BATCH);
    const before = maskedVector(terms.power!, refusedSlots, 'power', SITES, seedOf('power'), BATCH);
    expect(Buffer.from(again.subarray(0, 8))).not.toEqual(Buffer.from(before.subarray(0, 8)));
    expect(Buffer.from(again.subarray(8, 16))).toEqual(Buffer.from(before.subarray(8, 16)));
  });

  it('a changed run index, batch seq, first index or count gives unrelated masks', () => {
    const seed = seedOf('bank')('power');
    const base = expandMasks(batchMaskKey(seed, BATCH), BATCH.count);
    const variants: BatchRef[] = [
      { ...BATCH, runIndex: BATCH.runIndex + 1 },
      { ...BATCH, batchSeq: BATCH.batchSeq + 1 },
      { ...BATCH, firstIndex: BATCH.firstIndex + 1 },
      { ...BATCH, count: BATCH.count + 1 },
      { ...BATCH, count: BATCH.count - 1 },
    ];
    for (const v of variants) {
      const other = expandMasks(batchMaskKey(seed, v), v.count);
      expect(Buffer.from(batchMaskKey(seed, v))).not.toEqual(Buffer.from(batchMaskKey(seed, BATCH)));
      // No slot's mask repeats, at any shift (a shifted or truncated copy would be a reuse).
      const slots = new Set<string>();
      for (let j = 0; j < BATCH.count; j++) slots.add(base.subarray(8 * j, 8 * j + 8).toString('hex'));
      for (let j = 0; j < v.count; j++) expect(slots.has(other.subarray(8 * j, 8 * j + 8).toString('hex'))).toBe(false);
    }
    // Another pair's seed too.
    const otherPair = expandMasks(batchMaskKey(seedOf('bank')('tax'), BATCH), BATCH.count);
    expect(otherPair.equals(base)).toBe(false);
  });

  it("a batch of one never reproduces pairMask's mask for that entry", () => {
    const seed = seedOf('power')('tax');
    for (let i = 0; i < 50; i++) {
      const b: BatchRef = { runIndex: 10 + i, batchSeq: 0, firstIndex: 11 + i, count: 1 };
      const vectorMask = expandMasks(batchMaskKey(seed, b), 1).readBigUInt64BE(0);
      for (const queryId of ['', `run-${i}`, `run-${i}:91350100MA2KXXXX1A`, String(b.runIndex)]) {
        expect(vectorMask).not.toBe(pairMask(seed, b.firstIndex, queryId));
      }
    }
  });

  it('refuses malformed input rather than masking it', () => {
    const seeds = seedOf('bank');
    expect(() => maskedVector(new Float64Array(2), new Set(), 'bank', SITES, seeds, BATCH)).toThrow(/terms for a batch/);
    expect(() => maskedVector(new Float64Array(BATCH.count), new Set([BATCH.count]), 'bank', SITES, seeds, BATCH)).toThrow(/outside the batch/);
    expect(() => maskedVector(new Float64Array(BATCH.count), new Set(), 'other', SITES, seeds, BATCH)).toThrow(/not a participant/);
    expect(() => maskedVector(new Float64Array(BATCH.count), new Set(), 'bank', [...SITES, 'bank'], seeds, BATCH)).toThrow(/twice/);
    expect(() => batchMaskKey(new Uint8Array(32), { ...BATCH, count: 0 })).toThrow(/count/);
    expect(() => sumVectors([new Uint8Array(8), new Uint8Array(16)])).toThrow(/cannot be summed/);
  });
});
