/**
 * Section 13's exactness bar on FATE's breast data over real processes (docs/design/secureboost.md;
 * tests/trees/exact-federation.ts): the guest's table (`id,y,x0..x9`) at the bank, the host's
 * x0..x9 at the tax office and x10..x19 at the power company, ingested as feature tables and
 * aligned (569 shared ids, a quarter for validation); `fedcredit train --model boosted-trees`
 * over BFV, the default minCellCount 20 (each node's policy floor), depth 4; the federated model
 * equals the tests' own merging reference at every node of every tree (owner, feature, threshold
 * bin, missing direction), leaf weights within 1e-12 relative, validation AUC to 6 digits.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { treeParams } from '../../models/trees/params.js';
import { breast } from './exact-data.js';
import { stopAll, tableFederation, trainAndCompare, type Federation } from './exact-federation.js';

let f: Federation | undefined;

beforeAll(async () => {
  const d = breast();
  const csv = (header: string[], row: (i: number) => (string | number)[]) => [header.join(','), ...d.ids.map((_, i) => row(i).join(','))].join('\n') + '\n';
  const [bank, tax, power] = d.sites;
  f = await tableFederation('trees-exact-breast', {
    bank: csv(['id', 'y', ...bank!.features], (i) => [d.ids[i]!, d.labels[i]!, ...bank!.rows[i]!]),
    tax: csv(['id', ...tax!.features], (i) => [d.ids[i]!, ...tax!.rows[i]!]),
    power: csv(['id', ...power!.features], (i) => [d.ids[i]!, ...power!.rows[i]!]),
  }, 0.26);
}, 480_000);

afterAll(async () => {
  await stopAll();
});

describe('boosted trees over real processes on FATE breast', () => {
  it('equal the merging reference at every node of every tree (BFV, minCellCount 20)', async () => {
    const params = treeParams({ trees: 5, depth: 4, minBinCount: 20, minChildCount: 10, earlyStoppingRounds: 0, jobSeed: 42 });
    await trainAndCompare('FATE breast over gRPC', f!, params, ['--trees', '5', '--depth', '4', '--min-bin-size', '20', '--min-child-count', '10', '--early-stopping', '0', '--seed', '42']);
  }, 900_000);
});
