/**
 * kill -9 during a boosted-trees job (docs/design/secureboost.md section 4.7): a passive site
 * inside a level, the bank between the split choice and the partitions, the coordinator mid-tree.
 * Each restarts from its own store; the job resumes where it was (every answer is persisted
 * before it leaves and replayed for the same attempt; the coordinator's level record carries the
 * attempt and its decryption), and the finished model equals an uninterrupted run's: the same
 * AUC after every tree and the bank's same structure and leaf weights, bit for bit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../training/client.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import type { Site } from '../../schema/site-schema.js';
import { NodeStore } from '../../site/store.js';
import { listSiteModels } from '../../site/model-store.js';
import { treesParamsAny } from '../../models/trees/kind.js';
import { CRASH_AFTER_ENV } from '../../models/trees/kind-site.js';
import { treeParams } from '../../models/trees/params.js';
import type { TreesPart } from '../../models/trees/part.js';
import { logLine } from '../helpers/wait.js';
import { SITES, ingestAndAlign, makeSetup, spawnCoordinator, spawnNode, waitForLog, type Setup } from '../training-transport/helpers.js';

let s: Setup;
let coordinator: SpawnedParty;
const nodes = new Map<Site, SpawnedParty>();
let alignmentId: string;
const REQUEST = () => ({ alignmentId, modelKind: 'boosted-trees', kindParams: treesParamsAny(treeParams({ trees: 4, depth: 3, earlyStoppingRounds: 0, jobSeed: 5 })) });
const aucs = (m: ModelMetadata) => (m.metrics as { aucHistory: number[] }).aucHistory;

beforeAll(async () => {
  s = await makeSetup('trees-resume', 1500, 'trees-resume');
  coordinator = await spawnCoordinator(s);
  for (const site of SITES) nodes.set(site, await spawnNode(s, site));
  ({ alignmentId } = await ingestAndAlign(s, (site) => nodes.get(site)!.address));
}, 180_000);

afterAll(async () => {
  await Promise.all([coordinator, ...nodes.values()].map((p) => p?.stop()));
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

let copies = 0;

/**
 * The bank's stored structure and leaf weights of a model, from a copy of its store (the node
 * holds the lock). A copy taken while LevelDB compacts can be torn: taken again, to a fresh folder.
 */
async function bankModel(version: string): Promise<TreesPart['structure']> {
  for (let attempt = 1; ; attempt++) {
    const copy = path.join(s.dir, `node-bank-copy-${copies++}`);
    try {
      fs.cpSync(path.join(s.dir, 'node-bank', 'store'), path.join(copy, 'store'), { recursive: true });
      fs.rmSync(path.join(copy, 'store', 'LOCK'), { force: true });
      const store = await NodeStore.open(copy);
      try {
        return ((await listSiteModels(store)) as unknown as (TreesPart & { modelVersion: string })[]).find((p) => p.modelVersion === version)!.structure;
      } finally {
        await store.close();
      }
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe('kill -9 during a boosted-trees job', () => {
  let uninterrupted: ModelMetadata;
  let structure: TreesPart['structure'];

  it('runs uninterrupted for reference', async () => {
    uninterrupted = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), REQUEST());
    expect(aucs(uninterrupted)).toHaveLength(4);
    structure = await bankModel(uninterrupted.modelVersion);
    // Passive sites won splits: the kills below interrupt real passive work.
    expect(structure!.flatMap((t) => t.nodes).some((n) => n.owner === 'tax' || n.owner === 'power')).toBe(true);
  }, 300_000);

  for (const [who, killAt] of [
    ['tax', /BuildHistograms of tree 2 level 1 answered/],
    ['bank', /ChooseSplits of tree 1 level 1 answered/],
    ['coordinator', /ApplyPartitions of tree 2 level 0 answered/],
  ] as const) {
    it(`${who} killed mid-tree restarts, and the job ends with the uninterrupted model bit for bit`, async () => {
      const watched = nodes.get(who === 'coordinator' ? 'bank' : who)!;
      watched.logLines.length = 0;
      let jobId = '';
      const job = runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), REQUEST(), (p) => {
        if (p.jobId) jobId = p.jobId;
      }).then((m) => m, (e: Error) => e);
      await waitForLog(watched, killAt, 240_000);
      let model: ModelMetadata;
      if (who === 'coordinator') {
        coordinator.child.kill('SIGKILL');
        expect(await job).toBeInstanceOf(Error);
        coordinator = await spawnCoordinator(s);
        model = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { resumeJobId: jobId });
        expect(model.jobId).toBe(jobId);
      } else {
        watched.child.kill('SIGKILL');
        await new Promise((r) => setTimeout(r, 1_000));
        nodes.set(who, await spawnNode(s, who));
        const reloaded = logLine(nodes.get(who)!, /training trn-[\w-]+: reloaded at epoch/, 240_000);
        const done = await job;
        expect(await reloaded).toContain(`training ${jobId}: reloaded at epoch`);
        if (done instanceof Error) throw done;
        model = done;
      }
      console.log(`${who} killed: AUC ${aucs(model).map((a) => a.toFixed(5)).join(', ')}; uninterrupted ${aucs(uninterrupted).map((a) => a.toFixed(5)).join(', ')}`);
      expect(aucs(model)).toEqual(aucs(uninterrupted));
      expect(await bankModel(model.modelVersion)).toEqual(structure);
    }, 400_000);
  }

  it('a passive site dying right after persisting its histograms, before answering, answers the retry from its store', async () => {
    await nodes.get('tax')!.stop();
    process.env[CRASH_AFTER_ENV] = 'BuildHistograms:2:1';
    let tax: SpawnedParty;
    try {
      tax = await spawnNode(s, 'tax');
    } finally {
      delete process.env[CRASH_AFTER_ENV];
    }
    nodes.set('tax', tax);
    // Its new address reaches the coordinator's registry before the job's start checks it.
    await waitForLog(tax, /registered with coordinator/, 60_000);
    const died = new Promise<void>((resolve) => tax.child.once('exit', () => resolve()));
    const job = runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), REQUEST()).then((m) => m, (e: Error) => e);
    const first = await Promise.race([died.then(() => 'died'), job.then((m) => `job ended first: ${m instanceof Error ? m.message : 'finished'}`)]);
    if (first !== 'died') throw new Error(`${first}\ntax's log:\n${tax.logLines.slice(-30).join('\n')}`);
    // It died after persisting the answer and before sending it (the hook), so it never logged it.
    expect(tax.logLines.some((l) => /BuildHistograms of tree 2 level 1 answered/.test(l))).toBe(false);
    const restarted = await spawnNode(s, 'tax');
    nodes.set('tax', restarted);
    const model = await job;
    if (model instanceof Error) throw model;
    // The retry of the same attempt was answered from the store: not computed (and logged) again.
    expect(restarted.logLines.some((l) => /BuildHistograms of tree 2 level 1 answered/.test(l))).toBe(false);
    expect(restarted.logLines.some((l) => /BuildHistograms of tree 2 level 2 answered|BuildHistograms of tree 3 level 0 answered/.test(l))).toBe(true);
    expect(aucs(model)).toEqual(aucs(uninterrupted));
    expect(await bankModel(model.modelVersion)).toEqual(structure);
  }, 400_000);
});
