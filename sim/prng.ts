/**
 * The simulator's seeded random numbers: sfc32 (Chris Doty-Humphrey's Small Fast Counting
 * generator, from PractRand), seeded from SHA-256 of the seed text.
 *
 * Why not Math.random: runs must be byte-identical for the same seed. Why one stream per
 * enterprise: an enterprise's records then depend only on (seed, index), so the generator could
 * be split across workers, or an enterprise's code changed, without reshuffling everyone else.
 */
import { sha256 } from '@noble/hashes/sha2.js';

/** Four 32-bit words derived from the seed; the root of every stream of a run. */
export type SeedWords = readonly [number, number, number, number];

export function seedWords(seed: number | string): SeedWords {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`seed must be a finite number or a string, got ${seed}`);
  }
  // Numbers and strings map alike, so `--seed 42` on the command line equals `seed: 42` in code.
  const digest = sha256(new TextEncoder().encode(`fedcredit-sim:${String(seed)}`));
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  return [view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12)];
}

/** murmur3's 32-bit finalizer: spreads consecutive stream numbers over the whole state. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = NaN;

  /** A stream numbered `stream` under the run's seed words. */
  constructor(words: SeedWords, stream: number) {
    this.a = (words[0] ^ mix32(stream + 0x9e3779b9)) >>> 0;
    this.b = (words[1] ^ mix32(stream ^ 0x7f4a7c15)) >>> 0;
    this.c = (words[2] ^ mix32(stream * 3 + 1)) >>> 0;
    this.d = words[3] >>> 0;
    // sfc32's counter word starts at the seed; a few rounds wash the structure out of the state.
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Marsaglia's polar method; the second value is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Index drawn with probability proportional to `weights`. */
  pick(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}
