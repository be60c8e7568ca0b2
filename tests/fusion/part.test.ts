/**
 * The fusion part's chain values and scoring split (models/fusion/part.ts, design section 8
 * step 4): each leaf's slot carries the term of the bin of "tree t" holding it (merged leaves
 * share their bin's term), a dropped tree carries 0, the bank's baseline excludes the trees' mean
 * chain term, and the 2^64 lane's contribution holds only the ordinary characteristics.
 */
import { describe, expect, it } from 'vitest';
import { fusionBankPart, fusionScoring } from '../../models/fusion/part.js';
import type { ScorecardPart, StoredCharacteristic } from '../../models/scorecard/part.js';
import type { TreesPart } from '../../models/trees/part.js';
import { DEFAULT_SCORE_SCALE } from '../../scoring/score-scale.js';
import type { ScoringPart } from '../../training/model-kind.js';

const stats = (terms: number[]) => ({ events: terms.map(() => 1), woe: terms, iv: 0.1, weight: 1, coded: terms, terms, points: terms.map((t) => -t), neutralTerm: 0.01, neutralPoints: -0.01 });
const income: StoredCharacteristic = { type: 'numeric', name: 'income', columns: [0], cuts: [10], missingBin: -1, counts: [60, 60], labels: ['a', 'b'], ...stats([0.3, -0.3]) };
// tree 0's leaves (nodes 1, 5, 6) are one-hot columns 1..3; leaves 5 and 6 merged into bin 1.
const tree0: StoredCharacteristic = { type: 'categorical', name: 'tree 0', columns: [1, 2, 3], levelBins: [0, 1, 1], missingBin: -1, counts: [60, 60], labels: ['x', 'y, z'], ...stats([0.5, -0.2]) };
const card: ScorecardPart = { scale: DEFAULT_SCORE_SCALE, characteristics: [income, tree0], dropped: [], released: [], intercept: -1, constantPoints: 0, baseline: 0.7 };
const trees = {
  kind: 'boosted-trees', trees: [{ tree: 0, splits: [] }, { tree: 1, splits: [] }], scoringPublicKey: 'k', depth: 2, baseline: 0, described: [],
  structure: [{ tree: 0, nodes: [], leaves: [{ node: 1, weight: 0 }, { node: 5, weight: 0 }, { node: 6, weight: 0 }] }, { tree: 1, nodes: [], leaves: [{ node: 1, weight: 0 }, { node: 2, weight: 0 }] }],
} as unknown as TreesPart;
const shapes = [{ tree: 0, nodes: [], leaves: [{ node: 1 }, { node: 5 }, { node: 6 }] }, { tree: 1, nodes: [], leaves: [{ node: 1 }, { node: 2 }] }];

describe('the fusion part', () => {
  it('puts each leaf\'s bin term at its chain slot, 0 for a tree IV dropped, and takes the trees\' mean out of the baseline', () => {
    // Rows: 3 training (leaves 1, 5, 6 of tree 0), 1 validation.
    const part = fusionBankPart({ trees, card, shapes, leafOf: [Uint8Array.of(1, 5, 6, 1), Uint8Array.of(1, 2, 2, 1)], nTrain: 3, firstTreeColumn: 1 });
    // depth 2: node 1 -> slot 0, node 5 -> slot 2, node 6 -> slot 3; tree 1 (not in the card) all 0.
    expect(part['chainValues']).toEqual([0.5, 0, -0.2, -0.2, 0, 0, 0, 0]);
    expect(part['baseline']).toBeCloseTo(0.7 - (0.5 - 0.2 - 0.2) / 3, 12);
    expect(part['kind']).toBe('fusion');
    expect(part['baseScore']).toBeUndefined();
    expect(part.treeLines.map((l) => l.feature)).toEqual(['(tree 0)', '(tree 1)']);
    expect(part.treeLines[1]!.steps).toContain('dropped by IV');
  });

  it('scores only the ordinary characteristics (and the intercept) in the 2^64 lane; the chain carries the card\'s tree terms', () => {
    const part = { ...fusionBankPart({ trees, card, shapes, leafOf: [Uint8Array.of(1, 5, 6), Uint8Array.of(1, 2, 2)], nTrain: 3, firstTreeColumn: 1 }), modelVersion: 'm1', site: 'bank', features: ['income'], featureIndexes: [0] } as unknown as ScoringPart;
    const term = fusionScoring.contribution(part, Float64Array.of(20));
    expect(term.value).toBeCloseTo(-1 - 0.3, 12);
    expect([...term.contributions]).toEqual([-0.3]);
    expect([...fusionScoring.leafChain!.values!(part)]).toEqual([0.5, 0, -0.2, -0.2, 0, 0, 0, 0]);
    expect([...fusionScoring.leafChain!.explanation(part, Float64Array.of(20))]).toEqual([0]);
  });
});
