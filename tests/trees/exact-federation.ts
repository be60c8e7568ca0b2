/**
 * Section 13's exactness bar over real processes (docs/design/secureboost.md): a coordinator and
 * three nodes, each its own OS process and LevelDB store, mutual TLS, BFV (the default, never
 * plaintext here), train boosted trees with `fedcredit train --model boosted-trees`; the test
 * then reads each site's stored part and aligned raw rows from a copy of its store, bins them as
 * the kind does (binned.ts) and holds the federated model against the tests' own merging
 * reference (tests/trees/reference.ts, written from the design): every node of every tree. On
 * equal gains among one passive site's features the federated model's order is its per-tree
 * shuffled slots', so there the reference takes the federated choice if its gain is exactly the
 * best (design 4.5: "the tests compare gains, not slot order, on ties").
 * Used by exact-sim.test.ts and exact-breast.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { runAlignment } from '../../alignment/client.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { siteColumns } from '../../models/trees/binned.js';
import type { TreeParams } from '../../models/trees/params.js';
import type { TreesPart } from '../../models/trees/part.js';
import type { BinnedColumn } from '../../models/trees/plain.js';
import { uploadFile } from '../../node/upload.js';
import type { Site } from '../../schema/site-schema.js';
import { listSiteModels } from '../../site/model-store.js';
import { NodeStore, bytesToFloat64 } from '../../site/store.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import { testFederation } from '../helpers/federation.js';
import { SITES, freePort, ingestAndAlign, makeSetup, spawnCoordinator, spawnNode, type Setup } from '../training-transport/helpers.js';
import { expectSameTrees, type ComparableTree } from './exact-data.js';
import { trainReference } from './reference.js';
import { cli } from '../helpers/cli.js';

export interface Federation {
  readonly s: Setup;
  readonly alignmentId: string;
  logs(): string;
  stop(): Promise<void>;
}

/** Every federation started and not stopped, so that afterAll stops one whose set-up timed out (the hook's timeout throws nothing in it). */
const running = new Set<() => Promise<void>>();

/** Stop every party started here and remove its folder (afterAll; also after a set-up timeout). */
export async function stopAll(): Promise<void> {
  for (const stop of [...running]) await stop();
}

async function start(s: Setup, ingest: (addressOf: (site: Site) => string) => Promise<string>): Promise<Federation> {
  const parties: SpawnedParty[] = [];
  const stop = async () => {
    running.delete(stop);
    await Promise.all(parties.map((p) => p.stop()));
    fs.rmSync(s.dir, { recursive: true, force: true });
  };
  running.add(stop);
  const logs = () => parties.flatMap((n) => n.logLines.slice(-20).map((l) => `${n.name}: ${l}`)).join('\n');
  try {
    parties.push(await spawnCoordinator(s));
    const nodes = new Map<Site, SpawnedParty>();
    for (const site of SITES) {
      const node = await spawnNode(s, site);
      nodes.set(site, node);
      parties.push(node);
    }
    return { s, alignmentId: await ingest((site) => nodes.get(site)!.address), logs, stop };
  } catch (err) {
    const message = `${(err as Error).message}\nlogs:\n${logs()}`;
    await stop();
    throw new Error(message);
  }
}

/** The simulator's three sites (sim/, `enterprises`), ingested as record exports and aligned. */
export async function simFederation(prefix: string, enterprises: number, seed: string): Promise<Federation> {
  const s = await makeSetup(prefix, enterprises, seed);
  return start(s, async (addressOf) => (await ingestAndAlign(s, addressOf)).alignmentId);
}

/** Feature tables (`id,y,...` at the bank, `id,...` elsewhere), ingested with `--id-format any` and aligned. */
export async function tableFederation(prefix: string, tables: Record<Site, string>, validationFraction: number): Promise<Federation> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fedcredit-${prefix}-`));
  const fed = await testFederation(dir);
  const coordinatorPort = await freePort();
  const s: Setup = { dir, fed, coordinatorPort, coordinatorAddress: `127.0.0.1:${coordinatorPort}` };
  return start(s, async (addressOf) => {
    for (const site of SITES) {
      const file = path.join(dir, `${site}.csv`);
      fs.writeFileSync(file, tables[site]);
      await uploadFile(addressOf(site), fed.as(`${site}-operator`), file, { kind: 'features', idFormat: 'any', ...(site === 'bank' ? { labelColumn: 'y' } : {}) }, site);
    }
    const a = await runAlignment(s.coordinatorAddress, fed.as('coordinator-operator'), { splitSeed: prefix, validationFraction });
    return a.alignmentId;
  });
}


type Part = TreesPart & { modelVersion: string; features: string[]; featureIndexes: number[] };
interface SiteRead { part: Part; train: Float64Array[]; validation: Float64Array[]; labels?: { train: number[]; validation: number[] } }

let copies = 0;

/** A site's part, aligned raw rows (NaN = missing) and, at the bank, labels, from a copy of its store (the node holds the lock). */
async function readSite(f: Federation, site: Site, version: string): Promise<SiteRead> {
  for (let attempt = 1; ; attempt++) {
    const copy = path.join(f.s.dir, `node-${site}-copy-${copies++}`);
    try {
      // A LevelDB compaction may delete a table file mid-copy (ENOENT): copy again.
      fs.cpSync(path.join(f.s.dir, `node-${site}`, 'store'), path.join(copy, 'store'), { recursive: true });
      fs.rmSync(path.join(copy, 'store', 'LOCK'), { force: true });
      const store = await NodeStore.open(copy);
      try {
        const part = ((await listSiteModels(store)) as unknown as Part[]).find((p) => p.modelVersion === version);
        if (!part) throw new Error(`${site} holds no part of model ${version}`);
        const alignment = (await store.alignments.get(f.alignmentId)) as { train: string[]; validation: string[] };
        const rows = async (ids: string[]) => (await store.features.getMany(ids)).map((b) => {
          const v = bytesToFloat64(b!);
          return Float64Array.from(part.featureIndexes, (i) => v[i]!);
        });
        const out: SiteRead = { part, train: await rows(alignment.train), validation: await rows(alignment.validation) };
        if (site !== 'bank') return out;
        const labels = async (ids: string[]) => (await store.labels.getMany(ids)).map(Number);
        return { ...out, labels: { train: await labels(alignment.train), validation: await labels(alignment.validation) } };
      } finally {
        await store.close();
      }
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Train with `flags` (which must give `params`), then hold the federated model (the bank's
 * structure and leaf weights, each owner's stored split at each of its nodes, the validation
 * AUC per tree) against the reference with the same bins, quantization and minCellCount.
 */
export async function trainAndCompare(name: string, f: Federation, params: TreeParams, flags: string[]): Promise<void> {
  const started = Date.now();
  const run = await cli(['train', '--coordinator', f.s.coordinatorAddress, '--alignment', f.alignmentId, '--model', 'boosted-trees', ...flags, '--json', ...f.s.fed.tls('coordinator-operator')]);
  if (run.code !== 0) throw new Error(`fedcredit train --model boosted-trees failed (${run.code}): ${run.stderr}\nlogs:\n${f.logs()}`);
  const seconds = (Date.now() - started) / 1000;
  const model = JSON.parse(run.stdout) as ModelMetadata;
  expect(model.params.modelKindParams).toEqual({ ...params });
  const aucs = (model.metrics as { aucHistory: number[] }).aucHistory;
  const sites = new Map<Site, SiteRead>();
  for (const site of SITES) sites.set(site, await readSite(f, site, model.modelVersion));
  const bank = sites.get('bank')!;
  const nTrain = bank.train.length;
  // Each site's bins from its own training rows (the function the kind calls), pooled; training rows first.
  const columns: BinnedColumn[] = SITES.flatMap((site) => {
    const x = sites.get(site)!;
    return siteColumns(site, x.part.features, x.train, x.validation, { bins: params.bins, minBinCount: params.minBinCount });
  });
  const labels = [...bank.labels!.train, ...bank.labels!.validation];
  // The federated model as the comparison sees it: the bank's structure and leaves, each split from its owner's part.
  const mine: ComparableTree[] = bank.part.structure!.map((t) => ({
    leaves: t.leaves,
    splits: t.nodes.filter((n) => n.owner !== 'leaf').map((n) => {
      const own = sites.get(n.owner as Site)!.part.trees.find((x) => x.tree === t.tree)?.splits.find((x) => x.node === n.node);
      if (!own) throw new Error(`${n.owner} holds no split at node ${n.node} of tree ${t.tree}, which the bank's structure gives it`);
      return { node: n.node, owner: n.owner, feature: own.feature, bin: own.bin, missingLeft: own.missingLeft };
    }),
  }));
  // Equal gains among one passive site's features: the federated order is its shuffled slots', so
  // the reference takes the federated choice there when its gain is exactly the best (section 4.5).
  const chosen = new Map(mine.flatMap((t, k) => t.splits.map((x) => [`${k}/${x.node}`, { column: columns.findIndex((c) => c.owner === x.owner && c.name === x.feature), bin: x.bin, missingLeft: x.missingLeft }] as const)));
  const ref = trainReference(columns, labels, nTrain, params, { bank: 'bank', quantize: true, minCell: params.minCellCount, onTie: (tree, node) => chosen.get(`${tree}/${node}`) });
  const passive = expectSameTrees(name, mine, aucs, ref, columns, 'bank');
  // The bar means something only if passive sites won splits, where their cells were merged.
  expect(passive, `${name}: splits on passive features`).toBeGreaterThan(0);
  console.log(`${name}: ${nTrain} / ${labels.length - nTrain} rows, ${columns.length} features, ${params.trees} trees of depth ${params.depth}, minCellCount ${params.minCellCount}, ` +
    `BFV over gRPC in ${seconds.toFixed(1)} s (load average ${os.loadavg()[0]!.toFixed(1)}): equal to the merging reference at every node (${passive} passive splits, ${ref.ties} equal-gain ties taken as the federated order); ` +
    `validation AUC per tree ${aucs.map((a) => a.toFixed(4)).join(' ')}`);
}
