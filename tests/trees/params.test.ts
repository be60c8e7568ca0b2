/**
 * params.ts against docs/design/secureboost.md section 9 (defaults and ranges, errors naming the
 * parameter and its range), and sampling.ts's seeded draws (section 4.7: a replayed tree is the
 * same tree).
 */
import { describe, expect, it } from 'vitest';
import { FedcreditError } from '../../lib/errors.js';
import { DEFAULT_TREE_PARAMS, checkTreeParams, treeParams, type TreeParams } from '../../models/trees/params.js';
import { sampleColumns, sampleRows, sampleSize } from '../../models/trees/sampling.js';

describe('tree parameters', () => {
  it('has section 9\'s defaults', () => {
    expect(DEFAULT_TREE_PARAMS).toEqual({
      trees: 100, depth: 5, learningRate: 0.1, lambda: 1, gamma: 0, minChildWeight: 1, minChildCount: 20, rowSample: 1, colSample: 1,
      bins: 32, minBinCount: 50, minCellCount: 20, earlyStoppingRounds: 10, stride: 0, partitionMode: 'shared', firstTreeBankOnly: true,
    });
    expect(treeParams({ jobSeed: 3 })).toEqual({ ...DEFAULT_TREE_PARAMS, jobSeed: 3 });
  });

  it('refuses every value out of range with BAD_REQUEST naming the parameter and the range', () => {
    const cases: [Partial<TreeParams>, RegExp][] = [
      [{ trees: 0 }, /trees must be a whole number from 1 to 1000, got 0/],
      [{ trees: 1001 }, /trees/],
      [{ depth: 9 }, /depth must be a whole number from 1 to 8/],
      [{ depth: 2.5 }, /depth/],
      [{ learningRate: 0 }, /learningRate must be a number above 0 and at most 1/],
      [{ learningRate: 1.5 }, /learningRate/],
      [{ lambda: -1 }, /lambda must be a number from 0 to 1000/],
      [{ gamma: Number.NaN }, /gamma/],
      [{ minChildWeight: -0.1 }, /minChildWeight/],
      [{ minChildCount: 0 }, /minChildCount must be a whole number of at least 1/],
      [{ rowSample: 0 }, /rowSample must be a share above 0/],
      [{ colSample: 1.01 }, /colSample/],
      [{ bins: 256 }, /bins must be a whole number from 2 to 255/],
      [{ minBinCount: 19 }, /minBinCount must be a whole number of at least 20/],
      [{ minCellCount: 0 }, /minCellCount must be a whole number of at least 1/],
      [{ earlyStoppingRounds: -1 }, /earlyStoppingRounds must be a whole number from 0 \(off\) to 1000/],
      [{ stride: 3 }, /stride must be one of 0, 1, 2, 4, 8, 16, 32, 64/],
      [{ partitionMode: 'private-subtree' }, /not built yet/],
      [{ jobSeed: -1 }, /jobSeed/],
    ];
    for (const [bad, message] of cases) {
      const p = { ...DEFAULT_TREE_PARAMS, jobSeed: 1, ...bad };
      expect(() => checkTreeParams(p)).toThrow(message);
      expect(() => checkTreeParams(p)).toThrow(FedcreditError);
    }
    // The caller names the parameter (a flag at the CLI) and says what to do.
    expect(() => checkTreeParams({ ...DEFAULT_TREE_PARAMS, jobSeed: 1, depth: 0 }, () => '--depth', 'see --help')).toThrow(/--depth must be .*; see --help/);
    try {
      treeParams({ jobSeed: 1, depth: 0 });
    } catch (e) {
      expect((e as FedcreditError).code).toBe('BAD_REQUEST');
    }
  });
});

describe('seeded sampling', () => {
  it('draws the same rows and columns for the same (seed, tree, site), others otherwise', () => {
    const rows = Uint32Array.from({ length: 1000 }, (_, i) => 3 * i);
    const a = sampleRows(rows, 0.5, 7, 2, 'bank');
    expect(a).toEqual(sampleRows(rows, 0.5, 7, 2, 'bank'));
    expect(a.length).toBe(500);
    expect(new Set(a).size).toBe(500);
    expect(Array.from(a).every((r) => r % 3 === 0)).toBe(true);
    expect(Array.from(a)).toEqual(Array.from(a).sort((x, y) => x - y));
    expect(sampleRows(rows, 0.5, 7, 3, 'bank')).not.toEqual(a);
    expect(sampleRows(rows, 0.5, 8, 2, 'bank')).not.toEqual(a);
    expect(sampleRows(rows, 1, 7, 2, 'bank')).toEqual(rows);
    const c = sampleColumns(20, 0.3, 7, 2, 'tax');
    expect(c.length).toBe(6);
    expect(c).toEqual(sampleColumns(20, 0.3, 7, 2, 'tax'));
    expect(c).not.toEqual(sampleColumns(20, 0.3, 7, 2, 'power'));
    expect(sampleColumns(3, 0.01, 1, 0, 'tax').length).toBe(1);
    expect(sampleSize(10, 0.25)).toBe(3);
  });

  it('draws every row about equally often', () => {
    const rows = Uint32Array.from({ length: 200 }, (_, i) => i);
    const hits = new Uint32Array(200);
    for (let t = 0; t < 400; t++) for (const r of sampleRows(rows, 0.25, 1, t, 'bank')) hits[r]!++;
    // Binomial(400, 1/4): mean 100, sd ~8.7; 5 sd either way.
    expect(Math.min(...hits)).toBeGreaterThan(56);
    expect(Math.max(...hits)).toBeLessThan(144);
  });
});
