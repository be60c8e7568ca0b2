/**
 * One driver per job (issue 20): after a coordinator restart, its own resume of an unfinished
 * job and any number of `--resume` requests for it, all in the same tick, end in one driver;
 * the others follow it to the same model. On main the second resume started a second driver,
 * whose masked scores or gradients replaced the first's at the nodes and failed the job with
 * STALE_ATTEMPT ("match no masked scores outstanding"), leaving it for a person to resume.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../training/client.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import type { RunningCoordinator } from '../../coordinator/server.js';
import type { Site } from '../../schema/site-schema.js';
import type { RunningNode } from '../../node/server.js';
import type { TrainingCallRecord } from '../../training/node.js';
import { SITES, fairBatchSize, inProcessCoordinator, inProcessNode, ingestAndAlign, makeSetup, type Setup } from './helpers.js';

let s: Setup;
let coordinator: RunningCoordinator;
const nodes = new Map<Site, RunningNode>();
const calls: TrainingCallRecord[] = [];
const coordinatorLog: string[] = [];
let alignmentId: string;
let params: { epochs: number; batchSize: number; learningRate: number; l2: number; seed: number; patience: number };
const aucs = (m: ModelMetadata) => (m.metrics as { aucHistory: number[] }).aucHistory;
/** The step a call names: its `ref`, or the request itself for PartialLinear and ValidationPartial. */
const ref = (r: TrainingCallRecord) => {
  const req = r.request as { ref?: { jobId: string; epoch: number; step: number }; jobId?: string; epoch?: number; step?: number };
  return req.ref ?? { jobId: req.jobId ?? '', epoch: req.epoch ?? -1, step: req.step ?? -1 };
};

beforeAll(async () => {
  s = await makeSetup('train-one-driver', 1500, 'train-one-driver');
  coordinator = await inProcessCoordinator(s);
  for (const site of SITES) nodes.set(site, await inProcessNode(s, site, { onTrainingCall: (r) => calls.push(r) }));
  const aligned = await ingestAndAlign(s, (site) => nodes.get(site)!.address);
  alignmentId = aligned.alignmentId;
  params = { epochs: 3, batchSize: fairBatchSize(aligned.trainSize), learningRate: 0.5, l2: 1e-3, seed: 11, patience: 5 };
}, 180_000);

afterAll(async () => {
  for (const n of nodes.values()) await n.stop();
  await coordinator?.stop();
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

describe('one driver per training job', () => {
  it('a restarted coordinator resumes a job once, however many resumes race for it, and every resume follows to the same model', async () => {
    const reference = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...params });

    let jobId = '';
    const stopped = new Promise<void>((resolve) => {
      const watch = setInterval(() => {
        // Stop the coordinator once the bank has applied epoch 0 step 0 of the second job.
        if (calls.some((r) => r.site === 'bank' && r.method === 'ApplyGradient' && ref(r).jobId === jobId && ref(r).epoch === 0 && ref(r).step === 0)) {
          clearInterval(watch);
          resolve();
        }
      }, 5);
    });
    const first = runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...params }, (p) => {
      if (p.jobId) jobId = p.jobId;
    }).then(() => 'finished', (e: Error) => e.message);
    await stopped;
    await coordinator.stop();
    expect(await first).not.toBe('finished');
    const before = calls.length;

    coordinator = await inProcessCoordinator(s, { resumeTraining: false, log: (l) => coordinatorLog.push(l) });
    const { training } = coordinator;
    // Same tick: the coordinator's own resume at start and two resumes asked for by operators.
    training.resumeUnfinished();
    const resumes = [training.resume(jobId, () => undefined), training.resume(jobId, () => undefined)];
    const overGrpc = runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { resumeJobId: jobId });
    const models = await Promise.all([...resumes, overGrpc]);

    for (const m of models) {
      expect(m.jobId).toBe(jobId);
      expect(aucs(m)).toEqual(aucs(reference));
    }
    const after = calls.slice(before).filter((r) => ref(r).jobId === jobId);
    // Where the job stood when the coordinator stopped: a loaded machine may let the first driver
    // finish a step or an epoch more before it sees the stop (the job goes on from its checkpoint).
    const resumedAt = coordinatorLog.map((l) => new RegExp(`training ${jobId}: resuming at epoch (\\d+) step`).exec(l)).find((m) => m !== null);
    const steps = (rs: TrainingCallRecord[]) => rs.map((r) => `${r.site}:${r.method}@${ref(r).epoch}/${ref(r).step}`).join(' ');
    const story = `before the stop: ${steps(calls.slice(0, before).filter((r) => ref(r).jobId === jobId))}\nafter: ${steps(after)}\n${coordinatorLog.join('\n')}`;
    expect(resumedAt, story).toBeDefined();
    const fromEpoch = Number(resumedAt![1]);
    expect(fromEpoch, `the job resumed with epochs to train: ${story}`).toBeLessThan(params.epochs);
    // One driver: one masked-scores request per epoch left, one partial-linear request per site and step.
    const epochsLeft = Array.from({ length: params.epochs - fromEpoch }, (_, i) => fromEpoch + i);
    expect(after.filter((r) => r.method === 'MaskedScores').map((r) => ref(r).epoch), story).toEqual(epochsLeft);
    const partials = after.filter((r) => r.method === 'PartialLinear').map((r) => `${r.site}/${ref(r).epoch}/${ref(r).step}`);
    expect(new Set(partials).size).toBe(partials.length);
    expect(coordinatorLog.filter((l) => l.includes(`training ${jobId}: driving it`))).toHaveLength(1);
  }, 300_000);
});
