/**
 * kill -9 during a boosted-trees job (docs/design/secureboost.md section 4.7): a passive site
 * inside a level, the bank between the split choice and the partitions, the coordinator mid-tree
 * and as the bank finishes a tree. Each restarts from its own store (tests/helpers/resume.ts); the
 * job resumes where it was (every answer is persisted before it leaves and replayed for the same
 * attempt; the coordinator's level and tree-end records carry the attempt, written ahead), and
 * the finished model equals an uninterrupted run's: the same AUC after every tree and the bank's
 * same structure and leaf weights, bit for bit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../training/client.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { treesParamsAny } from '../../models/trees/kind.js';
import { CRASH_AFTER_ENV } from '../../models/trees/kind-site.js';
import { treeParams } from '../../models/trees/params.js';
import type { TreesPart } from '../../models/trees/part.js';
import { readNodeCopy, spawnedFederation, withCoordinatorTrainingCopy, withNodeCopy, type SpawnedFederation } from '../helpers/spawned-federation.js';
import { trainThroughKill } from '../helpers/resume.js';
import { spawnNode, waitForLog } from '../training-transport/helpers.js';

let fx: SpawnedFederation;
const REQUEST = () => ({ alignmentId: fx.alignmentId, modelKind: 'boosted-trees', kindParams: treesParamsAny(treeParams({ trees: 4, depth: 3, earlyStoppingRounds: 0, jobSeed: 5 })) });
const aucs = (m: ModelMetadata) => (m.metrics as { aucHistory: number[] }).aucHistory;

beforeAll(async () => {
  fx = await spawnedFederation('trees-resume', 1500);
}, 180_000);

afterAll(async () => {
  await fx?.stop();
});

/** The bank's stored structure and leaf weights of a model, from a copy of its store (the node holds the lock). */
async function bankModel(version: string): Promise<TreesPart['structure']> {
  return (await readNodeCopy<TreesPart>(fx.s.dir, 'bank', version, [])).part.structure;
}

describe('kill -9 during a boosted-trees job', () => {
  let uninterrupted: ModelMetadata;
  let structure: TreesPart['structure'];

  it('runs uninterrupted for reference', async () => {
    uninterrupted = await runTraining(fx.s.coordinatorAddress, fx.s.fed.as('coordinator-operator'), REQUEST());
    expect(aucs(uninterrupted)).toHaveLength(4);
    structure = await bankModel(uninterrupted.modelVersion);
    // Passive sites won splits: the kills below interrupt real passive work.
    expect(structure!.flatMap((t) => t.nodes).some((n) => n.owner === 'tax' || n.owner === 'power')).toBe(true);
  }, 300_000);

  it('keeps the scoring key out of the job record every step rewrites: written once beside it, and in the model', async () => {
    for (const site of ['bank', 'tax'] as const) {
      const part = (await readNodeCopy<TreesPart & { scoringSecretKey?: string }>(fx.s.dir, site, uninterrupted.modelVersion, [])).part;
      expect(part.scoringPublicKey.length, site).toBeGreaterThan(100_000);
      if (site === 'bank') expect(part.scoringSecretKey!.length).toBeGreaterThan(100_000);
      const record = JSON.stringify(await withNodeCopy(fx.s.dir, site, (store) => store.training.get(uninterrupted.jobId)));
      expect(JSON.parse(record).kind.scoringKey, site).toEqual({ n: part.scoringN });
      expect(record.includes(part.scoringPublicKey.slice(1000, 1100)), `${site}'s job record holds the scoring key`).toBe(false);
      // Without the key (megabytes), the rest of a 1,500-enterprise job's record is small.
      expect(record.length, site).toBeLessThan(part.scoringPublicKey.length / 2);
    }
  });

  it('keeps the job\'s key pair out of the coordinator\'s job record every save rewrites: stored once beside it', async () => {
    type Record = { kindState: { keys: { publicKey: { 'fc:string': string }; secretKey: { 'fc:string': string } } } };
    const { record, keys } = await withCoordinatorTrainingCopy(fx.s.dir, async (records, strings) => {
      const stored = (await records.get(uninterrupted.jobId)) as Record;
      const text = async (part: 'publicKey' | 'secretKey') => (await strings.get(`${uninterrupted.jobId}/${stored.kindState.keys[part]['fc:string']}`)) ?? '';
      return { record: stored, keys: { publicKey: await text('publicKey'), secretKey: await text('secretKey') } };
    });
    const text = JSON.stringify(record);
    for (const part of ['publicKey', 'secretKey'] as const) {
      expect(Object.keys(record.kindState.keys[part]), part).toEqual(['fc:string']);
      expect(keys[part].length, part).toBeGreaterThan(100_000);
      expect(text.includes(keys[part].slice(1000, 1100)), `the record holds the ${part}`).toBe(false);
      expect(text.length).toBeLessThan(keys[part].length / 4);
    }
  });

  for (const [who, killAt] of [
    ['tax', /BuildHistograms of tree 2 level 1 answered/],
    ['bank', /ChooseSplits of tree 1 level 1 answered/],
    ['coordinator', /ApplyPartitions of tree 2 level 0 answered/],
    // The bank has finished the tree and moved on; the coordinator dies before it records the
    // answer: resumed, it asks again under the attempt it wrote ahead, and the bank replays.
    ['coordinator', /tree 1 done, validation AUC/],
  ] as const) {
    it(`${who} killed mid-tree (${killAt.source}) restarts, and the job ends with the uninterrupted model bit for bit`, async () => {
      const model = await trainThroughKill(fx, who, killAt, REQUEST());
      console.log(`${who} killed: AUC ${aucs(model).map((a) => a.toFixed(5)).join(', ')}; uninterrupted ${aucs(uninterrupted).map((a) => a.toFixed(5)).join(', ')}`);
      expect(aucs(model)).toEqual(aucs(uninterrupted));
      expect(await bankModel(model.modelVersion)).toEqual(structure);
    }, 400_000);
  }

  it('a passive site dying right after persisting its histograms, before answering, answers the retry from its store', async () => {
    await fx.nodes.get('tax')!.stop();
    process.env[CRASH_AFTER_ENV] = 'BuildHistograms:2:1';
    let tax: SpawnedParty;
    try {
      tax = await spawnNode(fx.s, 'tax');
    } finally {
      delete process.env[CRASH_AFTER_ENV];
    }
    fx.nodes.set('tax', tax);
    // Its new address reaches the coordinator's registry before the job's start checks it.
    await waitForLog(tax, /registered with coordinator/, 60_000);
    const died = new Promise<void>((resolve) => tax.child.once('exit', () => resolve()));
    const job = runTraining(fx.s.coordinatorAddress, fx.s.fed.as('coordinator-operator'), REQUEST()).then((m) => m, (e: Error) => e);
    const first = await Promise.race([died.then(() => 'died'), job.then((m) => `job ended first: ${m instanceof Error ? m.message : 'finished'}`)]);
    if (first !== 'died') throw new Error(`${first}\ntax's log:\n${tax.logLines.slice(-30).join('\n')}`);
    // It died after persisting the answer and before sending it (the hook), so it never logged it.
    expect(tax.logLines.some((l) => /BuildHistograms of tree 2 level 1 answered/.test(l))).toBe(false);
    const restarted = await spawnNode(fx.s, 'tax');
    fx.nodes.set('tax', restarted);
    const model = await job;
    if (model instanceof Error) throw model;
    // The retry of the same attempt was answered from the store: not computed (and logged) again.
    expect(restarted.logLines.some((l) => /BuildHistograms of tree 2 level 1 answered/.test(l))).toBe(false);
    expect(restarted.logLines.some((l) => /BuildHistograms of tree 2 level 2 answered|BuildHistograms of tree 3 level 0 answered/.test(l))).toBe(true);
    expect(aucs(model)).toEqual(aucs(uninterrupted));
    expect(await bankModel(model.modelVersion)).toEqual(structure);
  }, 400_000);
});
