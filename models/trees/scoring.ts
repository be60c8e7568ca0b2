/**
 * Scoring a boosted-trees model: the kind's `leafChain` hook (training/model-kind.ts,
 * docs/design/secureboost.md 7.1 and 7.5). No site knows the leaf an enterprise reaches: each
 * evaluates only its own splits, as a 0/1 indicator over every (tree, leaf) slot, and the chain
 * (scoring/leaf-chain.ts) multiplies the bank's leaf weights by every site's indicator under the
 * bank's scoring key.
 *
 * Slots: tree t (its number; kept trees are 0..best at every site) has 2^depth slots, one per
 * node at full depth. A leaf at node l of depth d < depth takes the slot of its leftmost
 * descendant at full depth (heap numbering, grow.ts: left child 2k + 1); no split lies below a
 * leaf, so every site's indicator there is its indicator on the path to l, and the bank puts its
 * weight only there (the other descendants' value is 0).
 *
 * A split at node n: a row goes left iff its value <= threshold (the upper edge of the last
 * value bin going left, part.ts), or it is missing and the split sends missing left. A site
 * without a record of the enterprise has every feature missing. (Training routed a missing value
 * of a feature whose training rows had none through its most populous bin, binned.ts; scoring
 * uses the split's stored default direction, as section 7.1 says: the two can differ only for
 * such features.)
 *
 * Explanation (7.5): for each own split n with gain g_n and cover c_n (share of the tree's rows
 * reaching n, from the bank's notes), if the enterprise is on the riskier side, its feature gets
 * c_n x g_n. No path is known to any site; the reasons are the top features by that sum, in the
 * existing fixed-length sealed box.
 */
import { FedcreditError } from '../../lib/errors.js';
import type { KindScoring, LeafChainHook, ScoringPart } from '../../training/model-kind.js';
import { CHAIN_FRACTION_BITS } from '../../crypto/bfv-batch.js';
import type { TreesPart } from './part.js';

type Part = ScoringPart & TreesPart;

/** The most slots one chain ciphertext holds at N = 8192 (more trees need N = 16384: not built beyond one ciphertext). */
function slotsOf(part: Part): { depth: number; perTree: number; trees: number } {
  if (part.depth === undefined || !part.scoringPublicKey) {
    throw new FedcreditError('MODEL_KIND_NOT_SCORABLE', `model ${part.modelVersion} at ${part.site} has no scoring key (trained before the leaf chain was built); train it again to score it`);
  }
  const trees = part.trees.reduce((m, t) => Math.max(m, t.tree + 1), 0);
  return { depth: part.depth, perTree: 2 ** part.depth, trees };
}

/** The depth of a heap-numbered node (root 0). */
function depthOf(node: number): number {
  return Math.floor(Math.log2(node + 1));
}

/** The slot of a node at depth d <= depth within its tree: its leftmost descendant at full depth. */
export function leafSlot(node: number, depth: number): number {
  let n = node;
  for (let d = depthOf(node); d < depth; d++) n = 2 * n + 1;
  return n - (2 ** depth - 1);
}

/** The site's values by part feature (NaN: missing), from a stored vector or none. */
function rowOf(part: Part, vector: Float64Array | undefined): Map<string, number> {
  const row = new Map<string, number>();
  part.features.forEach((f, k) => {
    const v = vector?.[part.featureIndexes[k]!];
    row.set(f, v === undefined ? Number.NaN : v);
  });
  return row;
}

function goesLeft(s: { threshold: number | null; missingLeft: boolean }, v: number): boolean {
  if (Number.isNaN(v)) return s.missingLeft;
  // JSON keeps Infinity as null: every value goes left.
  return s.threshold === null || v <= s.threshold;
}

/** x over the slots: 1 where every own split on the path to the slot's full-depth node is satisfied. */
export function treesIndicator(part: Part, vector: Float64Array | undefined): Uint8Array {
  const { perTree, trees } = slotsOf(part);
  const row = rowOf(part, vector);
  const x = new Uint8Array(trees * perTree);
  for (const t of part.trees) {
    const own = new Map(t.splits.map((s) => [s.node, s]));
    for (let l = 0; l < perTree; l++) {
      let node = l + perTree - 1;
      let ok = true;
      while (node > 0 && ok) {
        const parent = (node - 1) >> 1;
        const s = own.get(parent);
        if (s) ok = goesLeft(s, row.get(s.feature) ?? Number.NaN) === (node === 2 * parent + 1);
        node = parent;
      }
      x[t.tree * perTree + l] = ok ? 1 : 0;
    }
  }
  return x;
}

/** The bank's values: each leaf's weight at its slot, as fixed point round(w 2^16) (|w| <= 1, clipped in training). */
export function treesValues(part: Part): Float64Array {
  const { depth, perTree, trees } = slotsOf(part);
  if (!part.structure) throw new FedcreditError('INTERNAL', `model ${part.modelVersion} at ${part.site}: only the bank's part holds the leaf weights`);
  const w = new Float64Array(trees * perTree);
  for (const t of part.structure) for (const leaf of t.leaves) w[t.tree * perTree + leafSlot(leaf.node, depth)] = leaf.weight;
  return w;
}

/** 7.5: per own feature (part.features order), the sum of cover x gain of the own splits whose riskier side the enterprise is on. */
export function treesExplanation(part: Part, vector: Float64Array | undefined): Float64Array {
  const row = rowOf(part, vector);
  const at = new Map(part.features.map((f, k) => [f, k]));
  const out = new Float64Array(part.features.length);
  for (const t of part.trees) for (const s of t.splits) {
    const k = at.get(s.feature);
    if (k === undefined) continue;
    if (goesLeft(s, row.get(s.feature) ?? Number.NaN) === s.riskierLeft) out[k]! += s.cover * s.gain;
  }
  return out;
}

export const treesLeafChain: LeafChainHook = {
  slots: (part) => { const s = slotsOf(part as Part); return s.trees * s.perTree; },
  indicator: (part, vector) => treesIndicator(part as Part, vector),
  values: (part) => treesValues(part as Part),
  explanation: (part, vector) => treesExplanation(part as Part, vector),
};

/**
 * The kind's scoring: the site's term outside the chain is the bank's base score (passives 0),
 * the explanation 7.5's; the leaf weights reach the sum only through the chain's lane.
 */
export const treesScoring: KindScoring = {
  contribution: (part, vector) => ({ value: (part as Part).baseScore ?? 0, contributions: treesExplanation(part as Part, vector) }),
  baseline: (part) => (part as Part).baseScore ?? 0,
  leafChain: treesLeafChain,
};

/** The plain evaluation of the stored model (tests, the reference): base score plus each tree's reached leaf, walking every site's splits. */
export function plainTreesLogit(bank: Part, parts: readonly Part[], vectors: ReadonlyMap<string, Float64Array | undefined>): number {
  let logit = bank.baseScore ?? 0;
  const splitAt = new Map<string, { part: Part; s: Part['trees'][number]['splits'][number] }>();
  for (const p of parts) for (const t of p.trees) for (const s of t.splits) splitAt.set(`${t.tree}/${s.node}`, { part: p, s });
  for (const t of bank.structure ?? []) {
    const leaves = new Map(t.leaves.map((l) => [l.node, l.weight]));
    let node = 0;
    for (let guard = 0; guard < 64 && !leaves.has(node); guard++) {
      const at = splitAt.get(`${t.tree}/${node}`);
      if (!at) throw new Error(`tree ${t.tree}: node ${node} is neither a leaf nor a split of any part`);
      const v = rowOf(at.part, vectors.get(at.part.site)).get(at.s.feature) ?? Number.NaN;
      node = goesLeft(at.s, v) ? 2 * node + 1 : 2 * node + 2;
    }
    logit += leaves.get(node) ?? 0;
  }
  return logit;
}

/** Fixed point of a slot value (7.1): round(w 2^16). */
export function chainFixed(w: number): number {
  return Math.round(w * 2 ** CHAIN_FRACTION_BITS);
}
