/**
 * The fusion kind's pure pieces: leaf names by path (the bank's splits by feature and threshold,
 * a passive site's only as "<site> feature"), one-hot leaf columns, chain slots, and section 8's
 * parameter ties (minChildCount = minBinCount, partition shared, the depth and tree bounds).
 */
import { describe, expect, it } from 'vitest';
import { MAX_LEAF_NAME, isTreeCharacteristic, leafFeatures, leafNames, slotOf, withLeafColumns, type TreeShape } from '../../models/fusion/leaves.js';
import { DEFAULT_FUSION_PARAMS, checkFusionParams, fusionParamsFromMessage, fusionParamsMessage, fusionTreeParams } from '../../models/fusion/params.js';
import { DEFAULT_SCORECARD_PARAMS } from '../../models/scorecard/params.js';

// Tree: root (bank, debt_ratio <= 0.35), left child 1 (tax), right child 2 a leaf; 1's children 3, 4 leaves.
const shape: TreeShape = { tree: 2, nodes: [{ node: 0, owner: 'bank' }, { node: 1, owner: 'tax' }, { node: 2, owner: 'leaf' }, { node: 3, owner: 'leaf' }, { node: 4, owner: 'leaf' }], leaves: [{ node: 2 }, { node: 3 }, { node: 4 }] };

describe('fusion leaves', () => {
  it('names each leaf by its path: bank features by name and threshold, passive splits as "<site> feature"', () => {
    const names = leafNames('bank', shape, [{ node: 0, feature: 'debt_ratio', threshold: 0.35 }]);
    expect(names).toEqual(['debt_ratio>0.35', 'debt_ratio<=0.35 & tax feature:left', 'debt_ratio<=0.35 & tax feature:right']);
    expect(leafFeatures(2, names)[1]).toBe('tree 2=debt_ratio<=0.35 & tax feature:left');
    const long = leafNames('bank', shape, [{ node: 0, feature: 'x'.repeat(80), threshold: 1 }]);
    for (const n of long) expect(n.length).toBeLessThanOrEqual(MAX_LEAF_NAME);
    expect(isTreeCharacteristic('tree 12')).toBe(true);
    expect(isTreeCharacteristic('tree 1=x')).toBe(false);
    expect(isTreeCharacteristic('trees')).toBe(false);
  });

  it('appends one-hot leaf columns per row and maps leaves to the chain slots of trees\' layout', () => {
    const rows = [Float64Array.of(7), Float64Array.of(8)];
    // Global rows: 2 training, 1 validation; the leaf node of each row.
    const leafOf = [Uint8Array.of(3, 2, 4)];
    expect(withLeafColumns(rows, 0, [shape], leafOf).map((r) => [...r])).toEqual([[7, 0, 1, 0], [8, 1, 0, 0]]);
    expect(withLeafColumns([Float64Array.of(9)], 2, [shape], leafOf).map((r) => [...r])).toEqual([[9, 0, 0, 1]]);
    // depth 2: node 2 (depth 1) takes its leftmost full-depth descendant 5, slot 2; node 3 slot 0; node 4 slot 1.
    expect([2, 3, 4].map((n) => slotOf(2, n, 2))).toEqual([10, 8, 9]);
  });

  it('ties the trees to the card: minChildCount = minBinCount, partition shared, bounded trees and depth', () => {
    const p = checkFusionParams(DEFAULT_FUSION_PARAMS);
    expect(p.trees.trees).toBe(20);
    expect(p.trees.depth).toBe(3);
    expect(p.trees.minChildCount).toBe(50);
    expect(fusionParamsFromMessage(fusionParamsMessage(p))).toEqual(p);
    const card = { ...DEFAULT_SCORECARD_PARAMS, minBinCount: 80 };
    expect(fusionTreeParams(card).minChildCount).toBe(80);
    expect(() => checkFusionParams({ trees: { ...p.trees, minChildCount: 20 }, scorecard: p.scorecard })).toThrow(/minChildCount must equal the scorecard's minBinCount 50/);
    expect(() => checkFusionParams({ trees: { ...p.trees, depth: 6 }, scorecard: p.scorecard })).toThrow(/fusionDepth must be 1\.\.5/);
    expect(() => checkFusionParams({ trees: { ...p.trees, trees: 201 }, scorecard: p.scorecard })).toThrow(/fusionTrees must be 1\.\.200/);
    expect(() => checkFusionParams({ trees: { ...p.trees, partitionMode: 'private-subtree' }, scorecard: p.scorecard })).toThrow(/partition/);
  });
});
