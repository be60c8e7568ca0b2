/**
 * Boosted trees as a model kind over real processes (issue 16 task T3; docs/design/secureboost.md
 * section 4): a coordinator and three nodes, each its own OS process and LevelDB store, mutual
 * TLS, BFV with T1's strided kernel (the default, never plaintext here).
 * `fedcredit train --model boosted-trees` grows 5 trees of depth 3 level by level, and the
 * federated model is exactly plain.ts's centralized reference booster on the same binned rows,
 * the same split and the same parameters: same split nodes and owners, same leaf weights bit for
 * bit, same validation AUC per tree, same margins for every training and validation row. The
 * stored parts follow section 12.3 (the bank holds the structure and leaf weights, never a passive
 * feature's name or edge; each passive holds its own splits). A trees model is scored
 * through the leaf chain, and bad flags before anything is sent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeStore, bytesToFloat64 } from '../../site/store.js';
import { listSiteModels } from '../../site/model-store.js';
import type { Site } from '../../schema/site-schema.js';
import { readGroundTruth } from '../../sim/read.js';
import type { ConsentedRequester } from '../helpers/consented.js';
import { SITES, type Setup } from '../training-transport/helpers.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import { siteColumns } from '../../models/trees/binned.js';
import { predictPlain, trainPlainBoostedTrees, type BinnedColumn } from '../../models/trees/plain.js';
import { goesLeft, leftChild, rightChild, ROOT } from '../../models/trees/grow.js';
import { treeParams } from '../../models/trees/params.js';
import type { TreesPart } from '../../models/trees/part.js';
import { cli, spawnedFederation, type SpawnedFederation } from '../helpers/spawned-federation.js';

let fx: SpawnedFederation;
let s: Setup;
let requester: ConsentedRequester;
let alignmentId: string;

beforeAll(async () => {
  fx = await spawnedFederation('trees-kind', 1500, { requester: true });
  ({ s, alignmentId } = fx);
  requester = fx.requester!;
}, 180_000);

afterAll(async () => {
  await fx?.stop();
});

const logs = (): string => fx.logs();

type Part = TreesPart & { modelVersion: string; site: string; features: string[]; featureIndexes: number[] };

/** A site's part, aligned rows (raw, NaN = missing) and, at the bank, labels: from a copy of its store (the node holds the lock). */
let copies = 0;

/** readSite, taken again to a fresh folder if the copy was torn by a LevelDB compaction. */
async function readSite(site: Site, version: string): Promise<Awaited<ReturnType<typeof readSiteOnce>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readSiteOnce(site, version);
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function readSiteOnce(site: Site, version: string): Promise<{ part: Part; train: Float64Array[]; validation: Float64Array[]; labels?: { train: number[]; validation: number[] } }> {
  const copy = path.join(s.dir, `node-${site}-copy-${copies++}`);
  fs.cpSync(path.join(s.dir, `node-${site}`, 'store'), path.join(copy, 'store'), { recursive: true });
  fs.rmSync(path.join(copy, 'store', 'LOCK'), { force: true });
  const store = await NodeStore.open(copy);
  try {
    const part = ((await listSiteModels(store)) as unknown as Part[]).find((p) => p.modelVersion === version)!;
    const alignment = (await store.alignments.get(alignmentId)) as { train: string[]; validation: string[] };
    const rows = async (ids: string[]) => (await store.features.getMany(ids)).map((b) => {
      const v = bytesToFloat64(b!);
      return Float64Array.from(part.featureIndexes, (i) => v[i]!);
    });
    const out = { part, train: await rows(alignment.train), validation: await rows(alignment.validation) };
    if (site !== 'bank') return out;
    const labels = async (ids: string[]) => (await store.labels.getMany(ids)).map(Number);
    return { ...out, labels: { train: await labels(alignment.train), validation: await labels(alignment.validation) } };
  } finally {
    await store.close();
  }
}

const PARAMS = treeParams({ trees: 5, depth: 3, earlyStoppingRounds: 0, jobSeed: 7 });
const FLAGS = ['--trees', '5', '--depth', '3', '--early-stopping', '0', '--seed', '7'];

describe('boosted trees over real processes', () => {
  it('refuses a bad trees flag before it connects, and a trees flag without --model boosted-trees', async () => {
    for (const [flag, value, range] of [
      ['--depth', '9', /--depth must be a whole number from 1 to 8, got 9/],
      ['--trees', '0', /--trees must be a whole number from 1 to 1000/],
      ['--min-cell', 'x', /--min-cell takes a number, got 'x'/],
      ['--partition', 'private-subtree', /--partition must be "shared": private-subtree .* is not built yet/],
      ['--first-tree-bank-only', 'maybe', /--first-tree-bank-only takes true or false/],
    ] as const) {
      const run = await cli(['train', '--coordinator', '127.0.0.1:1', '--alignment', 'a1', '--kind', 'boosted-trees', flag, value]);
      expect(run.code, run.stderr).not.toBe(0);
      expect(run.stderr).toMatch(range);
      expect(run.stderr).not.toMatch(/UNAVAILABLE|unreachable|connect/i);
    }
    const lr = await cli(['train', '--coordinator', '127.0.0.1:1', '--alignment', 'a1', '--depth', '3']);
    expect(lr.stderr).toMatch(/--depth is for --model boosted-trees only/);
    const card = await cli(['train', '--coordinator', '127.0.0.1:1', '--alignment', 'a1', '--model', 'boosted-trees', '--min-iv', '0.1']);
    expect(card.stderr).toMatch(/--min-iv is for --model scorecard only/);
    const both = await cli(['train', '--coordinator', '127.0.0.1:1', '--alignment', 'a1', '--model', 'scorecard', '--kind', 'boosted-trees']);
    expect(both.stderr).toMatch(/--kind boosted-trees and --model scorecard disagree/);
  }, 120_000);

  it('trains with --model boosted-trees over gRPC and equals the centralized reference booster exactly; a query scores it', async () => {
    const tls = s.fed.tls('coordinator-operator');
    const started = Date.now();
    const run = await cli(['train', '--coordinator', s.coordinatorAddress, '--alignment', alignmentId, '--model', 'boosted-trees', ...FLAGS, '--json', ...tls]);
    if (run.code !== 0) throw new Error(`fedcredit train --model boosted-trees failed (${run.code}): ${run.stderr}\nlogs:\n${logs()}`);
    const seconds = (Date.now() - started) / 1000;
    const model = JSON.parse(run.stdout) as ModelMetadata;
    expect(model.kind).toBe('boosted-trees');
    expect(model.params.modelKindParams).toEqual({ ...PARAMS });
    const aucs = (model.metrics as { aucHistory: number[] }).aucHistory;
    expect(aucs).toHaveLength(5);

    // The reference: plain.ts on the three sites' binned columns (each site's own bins, from its
    // own training rows: the same function the kind calls), pooled, same split and parameters.
    const sites = await Promise.all(SITES.map(async (site) => ({ site, ...(await readSite(site, model.modelVersion)) })));
    const bank = sites.find((x) => x.site === 'bank')!;
    const nTrain = bank.train.length;
    const columnsOf = new Map<string, BinnedColumn[]>();
    for (const x of sites) columnsOf.set(x.site, siteColumns(x.site, x.part.features, x.train, x.validation, { bins: PARAMS.bins, minBinCount: PARAMS.minBinCount }));
    const columns = [...columnsOf.get('bank')!, ...columnsOf.get('power')!, ...columnsOf.get('tax')!];
    const labels = [...bank.labels!.train, ...bank.labels!.validation];
    const validation = Uint8Array.from(labels, (_, i) => (i >= nTrain ? 1 : 0));
    const reference = trainPlainBoostedTrees(columns, labels, PARAMS, { bank: 'bank', validation });
    console.log(`boosted trees, ${nTrain} training / ${labels.length - nTrain} validation rows, ${columns.length} features (bank ${columnsOf.get('bank')!.length}, ` +
      `power ${columnsOf.get('power')!.length}, tax ${columnsOf.get('tax')!.length}), 5 trees of depth 3 over BFV in ${seconds.toFixed(1)} s; validation AUC per tree ${aucs.map((a) => a.toFixed(4)).join(' ')}`);
    expect(reference.trees).toHaveLength(5);
    // Same AUC per tree (the bank's, as the driver recorded it) as the reference's.
    expect(aucs).toEqual(reference.rounds.map((r) => r.validationAuc));

    // Structure and leaves at the bank: every split node with its owner, every leaf weight, bit for bit.
    const structure = bank.part.structure!;
    expect(structure).toHaveLength(5);
    expect(bank.part.baseScore).toBe(reference.baseScore);
    let passiveSplits = 0;
    reference.trees.forEach((t, k) => {
      const mine = structure[k]!;
      expect(mine.nodes.filter((n) => n.owner !== 'leaf').map((n) => [n.node, n.owner])).toEqual(t.splits.map((x) => [x.node, x.owner]).sort((a, b) => (a[0] as number) - (b[0] as number)));
      expect(mine.leaves).toEqual(t.leaves.map((l) => ({ node: l.node, weight: l.weight })));
      passiveSplits += t.splits.filter((x) => x.owner !== 'bank').length;
    });
    // The test means something only if the passive sites won splits (tree 0 is the bank's alone).
    expect(passiveSplits).toBeGreaterThan(0);
    expect(reference.trees[0]!.splits.every((x) => x.owner === 'bank')).toBe(true);

    // The federated model's margins, walked from the stored parts (each split's owner applies its
    // own stored split on its own binned column), equal the reference's for every row.
    const splitAt = (site: string, tree: number, node: number) => {
      const part = sites.find((x) => x.site === site)!.part;
      const sp = part.trees.find((t) => t.tree === tree)!.splits.find((x) => x.node === node);
      if (!sp) throw new Error(`${site} holds no split at node ${node} of tree ${tree}`);
      return { ...sp, column: columnsOf.get(site)!.find((c) => c.name === sp.feature)! };
    };
    const F = new Float64Array(labels.length).fill(bank.part.baseScore!);
    for (const t of structure) {
      const owner = new Map(t.nodes.map((n) => [n.node, n.owner]));
      const weight = new Map(t.leaves.map((l) => [l.node, l.weight]));
      for (let i = 0; i < labels.length; i++) {
        let node = ROOT;
        while (owner.get(node) !== 'leaf') {
          const sp = splitAt(owner.get(node)!, t.tree, node);
          node = goesLeft(sp.column.bins[i]!, sp.bin, sp.column.missing, sp.missingLeft) ? leftChild(node) : rightChild(node);
        }
        F[i]! += weight.get(node)!;
      }
    }
    expect([...F]).toEqual([...predictPlain(reference, columns)]);
    // Each passive's stored splits are the reference's splits on its features (feature, raw bin, missing direction).
    for (const site of ['power', 'tax']) {
      const mine = sites.find((x) => x.site === site)!.part.trees.flatMap((t) => t.splits.map((x) => `${t.tree}/${x.node}/${x.feature}/${x.bin}/${x.missingLeft}`));
      const ref = reference.trees.flatMap((t, k) => t.splits.filter((x) => x.owner === site).map((x) => `${k}/${x.node}/${x.feature}/${x.bin}/${x.missingLeft}`));
      expect(mine.sort()).toEqual(ref.sort());
    }

    // The bank's part holds no passive feature name (section 6: the bank never learns them).
    const bankJson = JSON.stringify(bank.part);
    for (const site of ['power', 'tax']) for (const f of sites.find((x) => x.site === site)!.part.features) expect(bankJson).not.toContain(`"${f}"`);

    // model show: per-tree AUC, kept trees, passive features by name only.
    const text = await cli(['model', 'show', model.modelVersion, '--coordinator', s.coordinatorAddress, ...tls]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/over 5 trees/);
    expect(text.stdout).toMatch(/boosted trees\n {2}trees grown: 5; kept: trees 0\.\.\d/);
    console.log(text.stdout);

    // Scoring a trees model runs the leaf chain (task T4; tests/scoring/trees-score.test.ts checks the score's value).
    const enterprise = readGroundTruth(path.join(s.dir, 'sites')).find((r) => r.inTax && r.inPower && r.inBank)!.creditCode;
    const scored = await requester.session.score({ enterprise, consent: await requester.consent(enterprise), queryId: 'trees-query-1', model: model.modelVersion }, 300_000);
    expect(scored.scored).toBe(true);
  }, 900_000);
});
