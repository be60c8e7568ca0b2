/**
 * A boosted-trees site's stored part (design section 12.3's format, JSON in the part):
 * every site keeps its own splits per kept tree (feature, threshold = the upper edge of the last
 * value bin going left, raw bin, missing direction, gain, riskier side, cover); the bank adds each
 * tree's structure (which site owns each split node, never the passive's feature), the leaf
 * weights and the base score. `scoringPublicKey` / `scoringSecretKey` are the per-model scoring
 * key of the leaf chain (section 7.1, crypto/bfv-batch.ts): the bank generates it at the end of
 * tree 0 (kind-site.ts) and sends the public half with tree 0's notes, sealed to each passive;
 * `scoringN` is its ring degree, `depth` the trees' depth (the chain's slots: trees x 2^depth).
 * A part without a key (trained before T4) cannot be scored (models/trees/scoring.ts).
 */
import type { SiteInput } from '../../training/model-kind.js';
import type { DoneTree } from './bank.js';
import type { OwnSplit } from './passive.js';
import { bankDescribed } from './report-text.js';

export interface TreesPart {
  readonly kind: 'boosted-trees';
  readonly trees: { tree: number; splits: OwnSplit[] }[];
  readonly scoringPublicKey: string;
  readonly scoringN?: number;
  readonly depth?: number;
  readonly baseline: 0;
  readonly structure?: { tree: number; nodes: { node: number; owner: string }[]; leaves: { node: number; weight: number }[] }[];
  readonly baseScore?: number;
  readonly scoringSecretKey?: string;
  readonly described: { feature: string; steps: string[] }[];
  readonly [k: string]: unknown;
}

/** The per-model scoring key as the site keeps it (kind-site.ts). */
export interface ScoringKeyState { n: number; publicKey: string; secretKey?: string }

/** Mean leaf weight below a node, weighted by training rows: which side of a split is riskier (as the bank's notes to passives say). */
function riskier(t: DoneTree, node: number): boolean {
  const below = (n: number): { sum: number; cover: number } => {
    const leaf = t.leaves.find((l) => l.node === n);
    if (leaf) return { sum: leaf.weight * leaf.cover, cover: leaf.cover };
    if (n > 4 * 2 ** 16) return { sum: 0, cover: 0 };
    const l = below(2 * n + 1);
    const r = below(2 * n + 2);
    return { sum: l.sum + r.sum, cover: l.cover + r.cover };
  };
  const mean = (n: number): number => { const m = below(n); return m.cover > 0 ? m.sum / m.cover : 0; };
  return mean(2 * node + 1) > mean(2 * node + 2);
}

export function bankTreesPart(input: SiteInput, trees: readonly DoneTree[], baseScore: number, cuts: readonly (readonly number[])[], chain?: { depth: number; scoring?: ScoringKeyState }): TreesPart {
  // Riskier side and cover as a share of the tree's rows, as for the passives' splits (explanations, 7.5).
  const own = trees.map((t) => ({
    tree: t.tree,
    splits: t.splits.filter((s) => s.owner === input.site).map((s) => ({
      node: s.node, feature: input.features[s.slot]!, threshold: s.bin < (cuts[s.slot]?.length ?? 0) ? cuts[s.slot]![s.bin]! : Infinity, bin: s.bin, missingLeft: s.missingLeft, gain: s.gain,
      riskierLeft: riskier(t, s.node), cover: s.cover / Math.max(1, t.leaves.reduce((a, l) => a + l.cover, 0)),
    })),
  }));
  return {
    kind: 'boosted-trees', trees: own, scoringPublicKey: chain?.scoring?.publicKey ?? '', baseline: 0,
    ...(chain ? { depth: chain.depth } : {}), ...(chain?.scoring ? { scoringN: chain.scoring.n } : {}),
    structure: trees.map((t) => ({
      tree: t.tree,
      nodes: [...t.splits.map((s) => ({ node: s.node, owner: s.owner })), ...t.leaves.map((l) => ({ node: l.node, owner: 'leaf' }))].sort((a, b) => a.node - b.node),
      leaves: t.leaves.map((l) => ({ node: l.node, weight: l.weight })),
    })),
    // model show: importance per bank feature and per passive site ("tax feature"), each tree's gain (report-text.ts).
    baseScore, scoringSecretKey: chain?.scoring?.secretKey ?? '', described: bankDescribed(input.site, input.features, trees),
  };
}

/**
 * A passive site's part. Its report lines (sent to the coordinator's model metadata) name its
 * features without saying which were split on: the coordinator must not learn which site or
 * feature a split uses (design section 6); the site's own part holds the splits.
 */
export function passiveTreesPart(trees: readonly { tree: number; splits: OwnSplit[] }[], features: readonly string[], chain?: { depth: number; scoring?: { n: number; publicKey: string } }): TreesPart {
  return {
    kind: 'boosted-trees', trees: trees.map((t) => ({ tree: t.tree, splits: t.splits })), scoringPublicKey: chain?.scoring?.publicKey ?? '', baseline: 0,
    ...(chain ? { depth: chain.depth } : {}), ...(chain?.scoring ? { scoringN: chain.scoring.n } : {}),
    described: features.map((feature) => ({ feature, steps: ['binned; its splits stay at this site'] })),
  };
}
