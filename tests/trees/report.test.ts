/**
 * `model show` for a boosted-trees model (models/trees/report-text.ts; design section 13, CLI):
 * per kept tree its validation AUC, gain, splits and leaves; feature importance (splits, total
 * gain) with the bank's features by name and each passive site's only as "<site> feature"; the
 * bank's described lines never name a passive feature (the bank does not know them).
 */
import { describe, expect, it } from 'vitest';
import { bankDescribed, formatTrees } from '../../models/trees/report-text.js';
import type { ModelMetadata } from '../../training/model-registry.js';

const trees = [
  { tree: 0, splits: [{ owner: 'bank', slot: 1, gain: 4 }, { owner: 'bank', slot: 0, gain: 1.5 }], leaves: [1, 2, 3] },
  { tree: 1, splits: [{ owner: 'tax', slot: 3, gain: 2.25 }, { owner: 'bank', slot: 1, gain: 0.5 }, { owner: 'power', slot: 0, gain: 1 }, { owner: 'tax', slot: 0, gain: 0.75 }], leaves: [1, 2, 3, 4, 5] },
];

describe('model show for boosted trees', () => {
  it('describes importance per bank feature and per passive site, and each tree\'s gain', () => {
    const d = bankDescribed('bank', ['age', 'overdue'], trees);
    expect(d).toEqual([
      { feature: 'overdue', steps: ['split on in 2 nodes', 'gain 4.50'] },
      { feature: 'tax feature', steps: ['split on in 2 nodes', 'gain 3.00'] },
      { feature: 'age', steps: ['split on in 1 node', 'gain 1.50'] },
      { feature: 'power feature', steps: ['split on in 1 node', 'gain 1.00'] },
      { feature: '(tree 0)', steps: ['gain 5.50', '2 splits', '3 leaves'] },
      { feature: '(tree 1)', steps: ['gain 4.50', '4 splits', '5 leaves'] },
    ]);
  });

  it('prints per-tree AUC and gain and the importance table, passive features by site only', () => {
    const m = {
      modelVersion: 'm1', jobId: 'j', alignmentId: 'a', purpose: 'credit-scoring', kind: 'boosted-trees', params: {}, scale: {}, createdAt: '',
      metrics: { aucHistory: [0.61, 0.7] },
      sites: [
        { site: 'bank', role: 'bank', featureCount: 2, transforms: bankDescribed('bank', ['age', 'overdue'], trees) },
        { site: 'tax', role: 'passive', featureCount: 4, transforms: [{ feature: 'vat_paid', steps: ['binned; its splits stay at this site'] }] },
      ],
    } as unknown as ModelMetadata;
    const text = formatTrees(m);
    expect(text).toContain('    tree 0: AUC 0.6100, gain 5.50, 2 splits, 3 leaves');
    expect(text).toContain('    tree 1: AUC 0.7000, gain 4.50, 4 splits, 5 leaves');
    expect(text).toMatch(/feature importance[^\n]*\n {4}overdue: split on in 2 nodes, gain 4\.50\n {4}tax feature: split on in 2 nodes, gain 3\.00\n {4}age: [^\n]*\n {4}power feature: split on in 1 node, gain 1\.00\n/);
    expect(text).toContain('tax features (its splits stay at tax; its own part names them): vat_paid');
    // Which tax feature a split used appears nowhere.
    expect(text).not.toMatch(/vat_paid:|vat_paid \(/);
  });
});
