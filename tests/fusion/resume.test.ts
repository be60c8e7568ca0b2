/**
 * kill -9 during a fusion job (issue 16: "checkpoint and resume per tree; kill -9 of any party
 * mid-tree ends with the same model"; models/fusion/README.md). A passive site inside a tree's
 * level, the bank in the scorecard stage that follows the trees (its card is opened again over
 * the tree characteristics it kept), the coordinator mid-tree (the fusion driver's tree/level
 * position, then the trees' level record). Each restarts from its own store, the job resumes, and
 * the finished model equals an uninterrupted run's: the same validation AUC after every LR epoch,
 * and every site's stored part the same bit for bit (the card: characteristics, bins, WOE, terms
 * and points, intercept; the bank's tree structure, leaf weights and chain values; each site's own
 * splits) but for what a model version draws afresh (its ids, times and the leaf chain's key).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../training/client.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import type { Site } from '../../schema/site-schema.js';
import { fusionParamsAny } from '../../models/fusion/kind.js';
import { fusionTreeParams } from '../../models/fusion/params.js';
import type { FusionPart } from '../../models/fusion/part.js';
import type { TreesPart } from '../../models/trees/part.js';
import { DEFAULT_SCORECARD_PARAMS } from '../../models/scorecard/params.js';
import { readNodeCopy, spawnedFederation, type SpawnedFederation } from '../helpers/spawned-federation.js';
import { trainThroughKill } from '../helpers/resume.js';
import { SITES, fairBatchSize } from '../training-transport/helpers.js';

let fx: SpawnedFederation;

beforeAll(async () => {
  fx = await spawnedFederation('fusion-resume', 1500);
}, 240_000);

afterAll(async () => {
  await fx?.stop();
});

const REQUEST = () => ({
  alignmentId: fx.alignmentId, modelKind: 'fusion',
  kindParams: fusionParamsAny({ trees: fusionTreeParams(DEFAULT_SCORECARD_PARAMS, { trees: 3, depth: 3, jobSeed: 5 }), scorecard: DEFAULT_SCORECARD_PARAMS }),
  epochs: 2, batchSize: fairBatchSize(fx.trainSize), learningRate: 0.5, l2: 1e-3, seed: 5, patience: 5,
});
const aucs = (m: ModelMetadata) => (m.metrics as { aucHistory: number[] }).aucHistory;
const auc = (m: ModelMetadata) => (m.metrics as { validationAuc: number }).validationAuc;

/** What a model version draws afresh whatever the training: its ids, its times, the leaf chain's per-model key. */
const PER_VERSION = new Set(['modelVersion', 'jobId', 'logIndex', 'createdAt', 'scoringPublicKey', 'scoringSecretKey']);

/** Every site's stored part of a model, without PER_VERSION. */
async function parts(version: string): Promise<Map<Site, Record<string, unknown>>> {
  const out = new Map<Site, Record<string, unknown>>();
  for (const site of SITES) {
    const { part } = await readNodeCopy<FusionPart>(fx.s.dir, site, version, []);
    out.set(site, Object.fromEntries(Object.entries(part).filter(([k]) => !PER_VERSION.has(k))));
  }
  return out;
}

describe('kill -9 during a fusion job', () => {
  let uninterrupted: ModelMetadata;
  let reference: Map<Site, Record<string, unknown>>;

  it('runs uninterrupted for reference', async () => {
    uninterrupted = await runTraining(fx.s.coordinatorAddress, fx.s.fed.as('coordinator-operator'), REQUEST());
    expect(uninterrupted.kind).toBe('fusion');
    expect(aucs(uninterrupted)).toHaveLength(2);
    reference = await parts(uninterrupted.modelVersion);
    const bank = reference.get('bank') as unknown as FusionPart;
    const structure = bank['structure'] as TreesPart['structure'];
    // Early stopping may keep fewer than the 3 grown (the kills below are in trees 1 and 2 either way).
    expect(structure!.length).toBeGreaterThan(0);
    // Passive sites won splits (the tax kill below interrupts real passive work), and the card has tree characteristics.
    expect(structure!.flatMap((t) => t.nodes).some((n) => n.owner === 'tax' || n.owner === 'power')).toBe(true);
    expect(bank.characteristics.some((c) => c.name.startsWith('tree '))).toBe(true);
  }, 600_000);

  for (const [who, when, killAt] of [
    ['tax', 'inside a level of tree 1', /BuildHistograms of tree 1 level 1 answered/],
    ['bank', 'mid-tree, tree 0\'s row leaves kept', /ChooseSplits of tree 1 level 2 answered/],
    ['coordinator', 'mid-tree, between levels', /ApplyPartitions of tree 1 level 1 answered/],
    ['coordinator', 'as the bank finishes tree 1', /tree 1 done, validation AUC/],
    ['tax', 'in the WOE protocol after the trees', /summed the labels over/],
    ['bank', 'in the scorecard\'s LR after the trees', /applied epoch 0 step 1/],
    ['coordinator', 'in the scorecard\'s LR after the trees', /applied epoch 1 step 0/],
  ] as const) {
    it(`${who} killed ${when} restarts, and the job ends with the uninterrupted model bit for bit`, async () => {
      const model = await trainThroughKill(fx, who, killAt, REQUEST(), 400_000);
      console.log(`fusion, ${who} killed: AUC ${aucs(model).map((a) => a.toFixed(6)).join(', ')}; uninterrupted ${aucs(uninterrupted).map((a) => a.toFixed(6)).join(', ')}`);
      expect(aucs(model)).toEqual(aucs(uninterrupted));
      expect(auc(model)).toBe(auc(uninterrupted));
      const got = await parts(model.modelVersion);
      for (const site of SITES) expect(got.get(site), site).toEqual(reference.get(site));
    }, 900_000);
  }
});
