/**
 * kill -9 of one party in the middle of a training job, for the resume tests of the model kinds
 * (tests/trees/resume.test.ts, tests/fusion/resume.test.ts; design section 4.7). The job starts;
 * once `killAt` shows in the watched node's log (the node itself, or the bank when the coordinator
 * is killed) the party gets SIGKILL and is started again over its own store. A node reloads the
 * job by itself (its "reloaded at epoch" line is awaited) and the running job carries on; a
 * killed coordinator's job call fails, and `resumeJobId` on the restarted coordinator follows it
 * to its end. Returns the finished model's metadata.
 */
import { expect } from 'vitest';
import { runTraining } from '../../training/client.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import type { Site } from '../../schema/site-schema.js';
import { spawnCoordinator, spawnNode, waitForLog } from '../training-transport/helpers.js';
import type { SpawnedFederation } from './spawned-federation.js';
import { logLine } from './wait.js';

export type Victim = Site | 'coordinator';

export async function trainThroughKill(
  fx: Pick<SpawnedFederation, 's' | 'coordinator' | 'nodes'>, who: Victim, killAt: RegExp, request: Parameters<typeof runTraining>[2], timeoutMs = 240_000,
): Promise<ModelMetadata> {
  const { s } = fx;
  const watched = fx.nodes.get(who === 'coordinator' ? 'bank' : who)!;
  watched.logLines.length = 0;
  let jobId = '';
  const job = runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), request, (p) => {
    if (p.jobId) jobId = p.jobId;
  }).then((m) => m, (e: Error) => e);
  await waitForLog(watched, killAt, timeoutMs);
  if (who === 'coordinator') {
    fx.coordinator.child.kill('SIGKILL');
    expect(await job).toBeInstanceOf(Error);
    fx.coordinator = await spawnCoordinator(s);
    const model = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { resumeJobId: jobId });
    expect(model.jobId).toBe(jobId);
    return model;
  }
  watched.child.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 1_000));
  const restarted = await spawnNode(s, who);
  fx.nodes.set(who, restarted);
  const reloaded = logLine(restarted, /training trn-[\w-]+: reloaded at epoch/, timeoutMs);
  const done = await job;
  expect(await reloaded).toContain(`training ${jobId}: reloaded at epoch`);
  if (done instanceof Error) throw done;
  return done;
}
