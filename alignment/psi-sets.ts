/**
 * Set plumbing for ECDH-PSI over flat arrays of 32-byte points: uniform shuffles (so that the
 * order of a blinded set says nothing about the IDs behind it), permutations of point arrays,
 * and hash-map lookups of points.
 */
import crypto from 'node:crypto';
import { POINT_BYTES } from './psi-hash.js';

/**
 * A uniformly random permutation of 0..n-1 (Fisher-Yates, Knuth vol. 2 §3.4.2, with rejection
 * sampling so that no index is favoured; Math.random is not a cryptographic source).
 */
export function randomPermutation(n: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) {
    throw new RangeError(`randomPermutation: n must be an integer in [0, 2^32), got ${n}`);
  }
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const random = new RandomWords();
  for (let i = n - 1; i > 0; i--) {
    const j = random.below(i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm;
}

/** Buffered crypto randomness: one syscall per 16 KiB, not per draw. */
class RandomWords {
  private words = new Uint32Array(0);
  private next = 0;

  below(bound: number): number {
    // Reject draws from the incomplete top copy of [0, bound) so every value is equally likely.
    const limit = 2 ** 32 - (2 ** 32 % bound);
    for (;;) {
      if (this.next >= this.words.length) {
        this.words = new Uint32Array(crypto.randomBytes(16384).buffer);
        this.next = 0;
      }
      const w = this.words[this.next++]!;
      if (w < limit) return w % bound;
    }
  }
}

export function permuteArray<T>(items: readonly T[], perm: Uint32Array): T[] {
  if (perm.length !== items.length) throw new RangeError(`permutation of ${perm.length} for ${items.length} items`);
  const out = new Array<T>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = items[perm[i]!]!;
  return out;
}

/** out[i] = points[perm[i]]. */
export function permutePoints(points: Uint8Array, perm: Uint32Array): Uint8Array {
  if (perm.length * POINT_BYTES !== points.length) {
    throw new RangeError(`permutation of ${perm.length} for ${points.length / POINT_BYTES} points`);
  }
  const out = new Uint8Array(points.length);
  for (let i = 0; i < perm.length; i++) {
    out.set(points.subarray(perm[i]! * POINT_BYTES, (perm[i]! + 1) * POINT_BYTES), i * POINT_BYTES);
  }
  return out;
}

/**
 * A point as a map key. latin1 keeps one char per byte, so string order is byte order (used
 * for the canonical sort) and the key is 32 chars, not 64 (hex) or 44 (base64).
 */
export function pointKey(points: Uint8Array, index: number): string {
  return Buffer.from(points.buffer, points.byteOffset + index * POINT_BYTES, POINT_BYTES).toString('latin1');
}

export function pointCount(points: Uint8Array): number {
  return points.length / POINT_BYTES;
}

/** Position of every point; throws on a repeat (blinding is injective, so a repeat is an error). */
export function indexPoints(points: Uint8Array, what: string): Map<string, number> {
  const index = new Map<string, number>();
  const n = pointCount(points);
  for (let i = 0; i < n; i++) {
    const key = pointKey(points, i);
    if (index.has(key)) throw new RangeError(`${what}: element ${i} repeats element ${index.get(key)}`);
    index.set(key, i);
  }
  return index;
}

/** The points at `indices`, in that order, as one flat array. */
export function selectPoints(points: Uint8Array, indices: readonly number[]): Uint8Array {
  const out = new Uint8Array(indices.length * POINT_BYTES);
  indices.forEach((idx, i) => out.set(points.subarray(idx * POINT_BYTES, (idx + 1) * POINT_BYTES), i * POINT_BYTES));
  return out;
}
