/**
 * kill -9 mid-training: a node, then the coordinator. Each restarts from its own store, the job
 * resumes where it was, and the model ends as good as an uninterrupted run's (training is
 * deterministic given the seed: masks are random but cancel, so the AUCs are identical).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../training/client.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import type { Site } from '../../schema/site-schema.js';
import { SITES, ingestAndAlign, makeSetup, spawnCoordinator, spawnNode, waitForLog, type Setup } from './helpers.js';
import { logLine } from '../helpers/wait.js';

let s: Setup;
let coordinator: SpawnedParty;
const nodes = new Map<Site, SpawnedParty>();
let alignmentId: string;
// Batch 240 (was 256): ~1,000 training rows stay 4 batches now that the remainder joins the last one, so step 2 is mid-epoch.
const PARAMS = { epochs: 3, batchSize: 240, learningRate: 0.5, l2: 1e-3, seed: 3, patience: 5 };
const aucs = (m: ModelMetadata) => (m.metrics as { aucHistory: number[] }).aucHistory;

beforeAll(async () => {
  s = await makeSetup('train-kill', 3000, 'train-kill');
  coordinator = await spawnCoordinator(s);
  for (const site of SITES) nodes.set(site, await spawnNode(s, site));
  ({ alignmentId } = await ingestAndAlign(s, (site) => nodes.get(site)!.address));
}, 180_000);

afterAll(async () => {
  await Promise.all([coordinator, ...nodes.values()].map((p) => p?.stop()));
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

describe('kill -9 during training', () => {
  let uninterrupted: ModelMetadata;

  it('runs uninterrupted for reference', async () => {
    uninterrupted = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...PARAMS });
    expect(aucs(uninterrupted)).toHaveLength(3);
  }, 300_000);

  it('a node killed after applying a step of epoch 1 restarts, and the job completes with the same model', async () => {
    const tax = nodes.get('tax')!;
    tax.logLines.length = 0;
    let jobId = '';
    const job = runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...PARAMS }, (p) => {
      if (p.jobId) jobId = p.jobId;
    });
    await waitForLog(tax, /applied epoch 1 step 1/);
    tax.child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 1_000));
    nodes.set('tax', await spawnNode(s, 'tax'));
    // Read as it is logged: the restarted node's kept tail (500 lines) scrolls past it before the job ends.
    const reloaded = logLine(nodes.get('tax')!, /training trn-[\w-]+: reloaded at epoch 1/, 240_000);
    const model = await job;
    expect(await reloaded).toContain(`training ${jobId}: reloaded at epoch 1`);
    console.log(`node killed: AUC ${aucs(model).map((a) => a.toFixed(5)).join(', ')}; uninterrupted ${aucs(uninterrupted).map((a) => a.toFixed(5)).join(', ')}`);
    expect(aucs(model)).toHaveLength(3);
    for (let e = 0; e < 3; e++) expect(Math.abs(aucs(model)[e]! - aucs(uninterrupted)[e]!)).toBeLessThanOrEqual(0.002);
    expect(aucs(model)).toEqual(aucs(uninterrupted));
  }, 300_000);

  it('the coordinator killed mid-epoch restarts, resumes the job by itself, and `--resume` follows it to the same model', async () => {
    const bank = nodes.get('bank')!;
    bank.logLines.length = 0;
    let jobId = '';
    const first = runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...PARAMS }, (p) => {
      if (p.jobId) jobId = p.jobId;
    }).then(() => 'finished', (e: Error) => e.message);
    await waitForLog(bank, /applied epoch 1 step 2/);
    coordinator.child.kill('SIGKILL');
    expect(await first).not.toBe('finished');
    expect(jobId).toMatch(/^trn-/);
    coordinator = await spawnCoordinator(s);
    const model = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { resumeJobId: jobId });
    expect(model.jobId).toBe(jobId);
    console.log(`coordinator killed: AUC ${aucs(model).map((a) => a.toFixed(5)).join(', ')}`);
    for (let e = 0; e < 3; e++) expect(Math.abs(aucs(model)[e]! - aucs(uninterrupted)[e]!)).toBeLessThanOrEqual(0.002);
    expect(aucs(model)).toEqual(aucs(uninterrupted));
  }, 300_000);
});
