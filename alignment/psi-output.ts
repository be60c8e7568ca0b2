/**
 * What the sites agree on after PSI, without another round: a canonical order of the
 * intersection and a train/validation split.
 *
 * Every site ends the protocol knowing, for each of its own IDs in the intersection, the same
 * fully blinded value l b c H(id) (see ./psi.ts). Those values are pseudorandom, unknown to the
 * coordinator and identical at all three sites, so sorting by them gives one order that every
 * site derives alone and that reveals nothing about the IDs (it is a random order). Row i at the
 * tax node is then the same enterprise as row i at the bank node. With a split, the order
 * and the split come from HMAC-SHA256 of each site's own IDs under a seed the sites share
 * (RFC 2104): equally agreed, random to anyone without the seed, and the same in every run
 * with that seed.
 */
import crypto from 'node:crypto';

export interface AlignedEntry {
  /** The site's id in canonical form (./ids.ts): the same text at every site for one enterprise. */
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
  /** Own IDs of the intersection, in the canonical order (seeded when there is a split). */
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

/**
 * Fingerprint the agreed list by its blinded values; with a split, order and split the own IDs
 * by HMAC-SHA256 of each ID under the shared seed. The tags are computed at each site from IDs
 * it holds and never leave it, so the coordinator, which may know the seed, learns nothing from
 * them; and the same seed over the same intersection gives the same order and split in every
 * run (the blinded values change with each run's keys), so a retrained model sees the same
 * validation enterprises.
 */
export function alignIntersection(entries: readonly AlignedEntry[], split?: PsiSplitOptions): AlignedSets {
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const digest = crypto.createHash('sha256').update('fedcredit-psi-alignment-v1\n');
  for (const e of sorted) digest.update(Buffer.from(e.key, 'latin1'));
  if (split === undefined) {
    const intersection = sorted.map((e) => e.id);
    return { intersection, train: intersection, validation: [], alignmentDigest: digest.digest('hex') };
  }
  checkSplitOptions(split);
  const tagged = sorted.map((e) => ({
    id: e.id,
    order: crypto.createHmac('sha256', split.seed).update(`order\n${e.id}`).digest('hex'),
    split: crypto.createHmac('sha256', split.seed).update(`split\n${e.id}`).digest('hex'),
  }));
  const byTag = (k: 'order' | 'split') => (a: (typeof tagged)[number], b: (typeof tagged)[number]) => (a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : 0);
  const held = new Set([...tagged].sort(byTag('split')).slice(0, Math.round(split.validationFraction * tagged.length)).map((t) => t.id));
  const intersection = tagged.sort(byTag('order')).map((t) => t.id);
  return {
    intersection,
    train: intersection.filter((id) => !held.has(id)),
    validation: intersection.filter((id) => held.has(id)),
    alignmentDigest: digest.digest('hex'),
  };
}
