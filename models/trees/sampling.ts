/**
 * Seeded row and column sampling per tree (docs/design/secureboost.md sections 4.5 and 4.7):
 * randomness that shapes the model comes from a PRG seeded by H(jobSeed, tree, site), so a tree
 * replayed after a restart is the same tree and a reference can draw the same sample.
 *
 * The PRG is SHA-256 in counter mode (domain `fedcredit-trees/v1`), 8 words of 32 bits per
 * block: easy to re-derive anywhere, and not a secret (masks and slot permutations come from the
 * CSPRNG instead, section 4.7). Draws use floor(u32 k / 2^32), bias below k / 2^32.
 */
import { sha256 } from '@noble/hashes/sha2.js';

export class TreePrg {
  #prefix: string;
  #block = 0;
  #words: Uint32Array = new Uint32Array(0);
  #at = 0;

  constructor(purpose: string, jobSeed: number, tree: number, site: string) {
    this.#prefix = `fedcredit-trees/v1|${purpose}|${jobSeed}|${tree}|${site}|`;
  }

  nextU32(): number {
    if (this.#at >= this.#words.length) {
      const d = sha256(new TextEncoder().encode(this.#prefix + String(this.#block++)));
      const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
      this.#words = Uint32Array.from({ length: 8 }, (_, k) => view.getUint32(4 * k));
      this.#at = 0;
    }
    return this.#words[this.#at++]!;
  }

  /** Uniform in 0..k-1. */
  below(k: number): number {
    return Math.floor((this.nextU32() * k) / 4294967296);
  }
}

/** `take` of 0..n-1 drawn without replacement (partial Fisher-Yates), ascending. */
function sampleIndices(n: number, take: number, prg: TreePrg): Uint32Array {
  const idx = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < take; i++) {
    const j = i + prg.below(n - i);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx.slice(0, take).sort();
}

/** How many of n a share keeps: round(share n), at least 1. */
export function sampleSize(n: number, share: number): number {
  return Math.max(1, Math.min(n, Math.round(share * n)));
}

/** The training rows of tree `tree` (indexes into `rows`, the job's training rows), drawn by the bank. */
export function sampleRows(rows: Uint32Array, share: number, jobSeed: number, tree: number, bank: string): Uint32Array {
  if (share >= 1) return rows.slice();
  const take = sampleIndices(rows.length, sampleSize(rows.length, share), new TreePrg('rows', jobSeed, tree, bank));
  return take.map((k) => rows[k]!);
}

/** The features (0..count-1) a site uses in tree `tree`. */
export function sampleColumns(count: number, share: number, jobSeed: number, tree: number, site: string): Uint32Array {
  if (count === 0) return new Uint32Array(0);
  if (share >= 1) return Uint32Array.from({ length: count }, (_, i) => i);
  return sampleIndices(count, sampleSize(count, share), new TreePrg('columns', jobSeed, tree, site));
}
