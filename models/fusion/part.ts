/**
 * A fusion site's stored part and its scoring (design section 8, step 4). The part is the trees
 * part (models/trees/part.ts: own splits; at the bank the structure and the leaf chain's scoring
 * key) and the scorecard part (models/scorecard/part.ts: characteristics with WOE, terms, points)
 * side by side, kind `fusion`. At the bank:
 * - `chainValues`: per leaf-chain slot (tree t, leaf l; models/trees/scoring.ts's layout) the
 *   logit term of the bin of "tree t" holding leaf l: w_t x coded_{t,bin}; 0 for a tree IV
 *   selection dropped (it is in no card) and at unused slots;
 * - `baseline`: the scorecard's mean term over the training rows minus the trees' mean chain
 *   term (the chain adds the trees' terms whatever the bank's answer).
 *
 * Scoring: no party knows a tree's leaf for an enterprise, so the tree characteristics' terms go
 * only through the leaf chain (scoring/leaf-chain.ts, the trees' indicator per site, these
 * values); every site's ordinary characteristics through the 2^64 lane exactly as the
 * scorecard's (scorecardContribution over the characteristics that are not trees). One score.
 * Explanations name ordinary characteristics only (a tree term is known to no party, 7.5).
 */
import { CHAIN_SUM_LIMIT } from '../../crypto/bfv-batch.js';
import { FedcreditError } from '../../lib/errors.js';
import type { FinishedPart, KindScoring, ScoringPart } from '../../training/model-kind.js';
import { scorecardContribution, type ScorecardPart, type StoredCharacteristic } from '../scorecard/part.js';
import { treesLeafChain } from '../trees/scoring.js';
import type { TreesPart } from '../trees/part.js';
import { isTreeCharacteristic, slotOf, treeName, type TreeShape } from './leaves.js';

export type FusionPart = Omit<TreesPart, 'kind' | 'baseline' | 'described'> & ScorecardPart & {
  readonly kind: 'fusion';
  readonly chainValues?: readonly number[];
  readonly [k: string]: unknown;
};

/** Indexes, in the card's characteristics order, of those that are not trees. */
export function ordinaryColumns(card: ScorecardPart): number[] {
  return card.characteristics.flatMap((c, j) => (isTreeCharacteristic(c.name) ? [] : [j]));
}

function treePart(trees: TreesPart): Omit<TreesPart, 'kind' | 'baseline' | 'described' | 'baseScore'> {
  const { kind: _k, baseline: _b, described: _d, baseScore: _s, ...rest } = trees;
  return rest;
}

export function fusionPassivePart(trees: TreesPart, card: ScorecardPart): FinishedPart['part'] {
  return { ...treePart(trees), ...card, kind: 'fusion' };
}

/** The term of a tree characteristic's bin holding leaf column `column` (its one-hot column among the bank's scorecard features). */
function leafTerm(c: StoredCharacteristic, column: number): number {
  if (c.type !== 'categorical') throw new FedcreditError('INTERNAL', `characteristic ${c.name} is not categorical`);
  const k = c.columns.indexOf(column);
  const bin = k < 0 ? -1 : c.levelBins[k]!;
  return bin < 0 ? c.neutralTerm : c.terms[bin]!;
}

export function fusionBankPart(a: {
  trees: TreesPart; card: ScorecardPart; shapes: readonly TreeShape[]; leafOf: readonly Uint8Array[]; nTrain: number; firstTreeColumn: number;
}): FinishedPart['part'] & { treeLines: { feature: string; steps: string[] }[] } {
  const depth = a.trees.depth;
  if (depth === undefined) throw new FedcreditError('INTERNAL', 'the trees part has no depth');
  const trees = a.shapes.reduce((m, s) => Math.max(m, s.tree + 1), 0);
  const values = new Float64Array(trees * 2 ** depth);
  const byName = new Map(a.card.characteristics.map((c) => [c.name, c]));
  let column = a.firstTreeColumn;
  let bound = 0;
  const treeLines: { feature: string; steps: string[] }[] = [];
  a.shapes.forEach((s) => {
    const c = byName.get(treeName(s.tree));
    let most = 0;
    s.leaves.forEach((l, j) => {
      const v = c ? leafTerm(c, column + j) : 0;
      values[slotOf(s.tree, l.node, depth)] = v;
      most = Math.max(most, Math.abs(v));
    });
    bound += most;
    column += s.leaves.length;
    // The tree's gain, splits and leaves as the trees part describes it (models/trees/report-text.ts).
    const d = a.trees.described.find((x) => x.feature === `(${treeName(s.tree)})`);
    treeLines.push({ feature: `(${treeName(s.tree)})`, steps: [...(d?.steps ?? [`${s.leaves.length} leaves`]), c ? 'in the card' : 'dropped by IV'] });
  });
  // Half the lane's range: the other half carries the sites' ordinary terms (scoring/leaf-chain.ts ownTermResidue).
  if (!(bound < CHAIN_SUM_LIMIT / 2)) throw new FedcreditError('INTERNAL', `the fusion card's tree terms reach ${bound.toFixed(1)} logit units, beyond the leaf chain's ${CHAIN_SUM_LIMIT / 2}; train with fewer trees`);
  // The trees' mean chain term over the training rows, taken out of the bank's baseline (the chain adds it).
  let chainMean = 0;
  for (let i = 0; i < a.nTrain; i++) a.shapes.forEach((s, k) => { chainMean += values[slotOf(s.tree, a.leafOf[k]![i]!, depth)]!; });
  chainMean /= Math.max(1, a.nTrain);
  return { ...treePart(a.trees), ...a.card, kind: 'fusion', chainValues: [...values], baseline: a.card.baseline - chainMean, treeLines };
}

type Part = ScoringPart & FusionPart;

/** The part without its tree characteristics: what the 2^64 lane scores, as the scorecard does. */
function ordinary(part: Part): Part {
  return { ...part, characteristics: part.characteristics.filter((c) => !isTreeCharacteristic(c.name)) };
}

export const fusionScoring: KindScoring = {
  contribution: (part, vector) => scorecardContribution(ordinary(part as Part), vector),
  baseline: (part) => (part as Part).baseline,
  leafChain: {
    slots: (part) => treesLeafChain.slots(part),
    indicator: (part, vector) => treesLeafChain.indicator(part, vector),
    values: (part) => {
      const v = (part as Part).chainValues;
      if (!v) throw new FedcreditError('INTERNAL', `model ${part.modelVersion} at ${part.site}: only the bank's part holds the card's tree terms`);
      return Float64Array.from(v);
    },
    // Tree terms are known to no party: no reason is drawn from them (the ordinary ones are the 2^64 lane's).
    explanation: (part) => new Float64Array(part.features.length),
  },
};
