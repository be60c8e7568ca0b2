/**
 * What the sites agree on after PSI, without another round: a canonical order of the
 * intersection and a train/validation split.
 *
 * Every site ends the protocol knowing, for each of its own IDs in the intersection, the same
 * fully blinded value l b c H(id) (see ./psi.ts). Those values are pseudorandom, unknown to the
 * coordinator and identical at all three sites, so sorting by them gives one order that every
 * site derives alone and that reveals nothing about the IDs (it is a random order). Row i at the
 * tax node is then the same enterprise as row i at the bank node. The split ranks the same
 * values by HMAC-SHA256 under a seed the sites share (RFC 2104), so it is equally agreed and,
 * to anyone without the seed, equally random.
 */
import crypto from 'node:crypto';

export interface AlignedEntry {
  /** The site's own credit code. */
  readonly id: string;
  /** The fully blinded value of that code as a latin1 string (see psi-sets.ts pointKey). */
  readonly key: string;
}

export interface PsiSplitOptions {
  /** Shared by all sites of the job, at least 16 bytes; the coordinator may know it. */
  readonly seed: Uint8Array;
  /** Share of the intersection held out for validation, in [0, 1]. */
  readonly validationFraction: number;
}

export interface AlignedSets {
  /** Own IDs of the intersection, in the canonical order. */
  readonly intersection: readonly string[];
  readonly train: readonly string[];
  readonly validation: readonly string[];
  /** SHA-256 over the canonical blinded values: equal at every site iff they agree. */
  readonly alignmentDigest: string;
}

export function checkSplitOptions(split: PsiSplitOptions): void {
  if (!(split.seed instanceof Uint8Array) || split.seed.length < 16) {
    throw new RangeError('PSI split: seed must be a Uint8Array of at least 16 bytes shared by all sites');
  }
  const f = split.validationFraction;
  if (typeof f !== 'number' || !(f >= 0 && f <= 1)) {
    throw new RangeError(`PSI split: validationFraction must be a number in [0, 1], got ${String(f)}`);
  }
}

/** Sort by blinded value, split by seeded rank, and fingerprint the agreed list. */
export function alignIntersection(entries: readonly AlignedEntry[], split?: PsiSplitOptions): AlignedSets {
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const digest = crypto.createHash('sha256').update('fedcredit-psi-alignment-v1\n');
  for (const e of sorted) digest.update(Buffer.from(e.key, 'latin1'));
  const intersection = sorted.map((e) => e.id);
  if (split === undefined) {
    return { intersection, train: intersection, validation: [], alignmentDigest: digest.digest('hex') };
  }
  checkSplitOptions(split);
  const ranks = sorted.map((e, i) => ({
    i,
    tag: crypto.createHmac('sha256', split.seed).update(Buffer.from(e.key, 'latin1')).digest('hex'),
  }));
  ranks.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  const held = new Set(ranks.slice(0, Math.round(split.validationFraction * sorted.length)).map((r) => r.i));
  return {
    intersection,
    train: intersection.filter((_, i) => !held.has(i)),
    validation: intersection.filter((_, i) => held.has(i)),
    alignmentDigest: digest.digest('hex'),
  };
}
