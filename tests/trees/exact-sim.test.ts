/**
 * Section 13's exactness bar on the simulator's sites over real processes
 * (docs/design/secureboost.md; tests/trees/exact-federation.ts): sim/ with 3,000 enterprises,
 * the three sites' record exports ingested and aligned; `fedcredit train --model boosted-trees`
 * over BFV, the default minCellCount 20 (each node's policy floor), depth 4; the federated model
 * equals the tests' own merging reference at every node of every tree (owner, feature, threshold
 * bin, missing direction), leaf weights within 1e-12 relative, validation AUC to 6 digits.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { treeParams } from '../../models/trees/params.js';
import { simFederation, stopAll, trainAndCompare, type Federation } from './exact-federation.js';

let f: Federation | undefined;

beforeAll(async () => {
  f = await simFederation('trees-exact-sim', 3_000, 'trees-exact-sim');
}, 480_000);

afterAll(async () => {
  await stopAll();
});

describe('boosted trees over real processes on sim 3,000', () => {
  it('equal the merging reference at every node of every tree (BFV, minCellCount 20)', async () => {
    const params = treeParams({ trees: 5, depth: 4, earlyStoppingRounds: 0, jobSeed: 7 });
    await trainAndCompare('sim 3,000 over gRPC', f!, params, ['--trees', '5', '--depth', '4', '--early-stopping', '0', '--seed', '7']);
  }, 900_000);
});
