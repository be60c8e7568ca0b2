/**
 * The two RPCs the coordinator operator's console reads (docs/design/console.md section 5), over
 * real gRPC with TLS against an in-process coordinator and three nodes:
 * - Training.ListJobs: a running job reads `running` with its epoch; a done one its best AUC,
 *   epochs, model and end time; a failed one its stable error code; limits; no key material.
 * - RunTraining with follow_only (the console's one stream per followed job): a "following"
 *   snapshot then epochs; never a resume: following a failed job is JOB_NOT_RUNNING and leaves it
 *   failed (on main, resume_job_id was the only way to follow, and it restarted a failed job).
 * - Coordinator.GetCoordinatorStatus: sizes, witnesses and lag, nodes up/down, and the alarms
 *   for a stopped node (NODE_UNREACHABLE, then WITNESS_LAG once the log grows past it).
 * On main 9b7a519 neither RPC exists (UNIMPLEMENTED) and follow_only is not a field.
 */
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listJobs, runTraining } from '../../training/client.js';
import type { RunningCoordinator } from '../../coordinator/server.js';
import type { Site } from '../../schema/site-schema.js';
import type { RunningNode } from '../../node/server.js';
import { coordinatorClient, coordinatorTrainingClient } from '../../proto/clients.js';
import { call } from '../../lib/grpc.js';
import { makeEntry } from '../../log/entries.js';
import type { TrainingProgress__Output } from '../../proto/gen/fedcredit/v1/TrainingProgress.js';
import type { CoordinatorStatus__Output } from '../../proto/gen/fedcredit/v1/CoordinatorStatus.js';
import { SITES, fairBatchSize, inProcessCoordinator, inProcessNode, ingestAndAlign, makeSetup, type Setup } from './helpers.js';
import { until } from '../helpers/wait.js';

let s: Setup;
let coordinator: RunningCoordinator;
const nodes = new Map<Site, RunningNode>();
let alignmentId: string;
let params: { epochs: number; batchSize: number; learningRate: number; l2: number; seed: number; patience: number };
const operator = () => s.fed.as('coordinator-operator');

beforeAll(async () => {
  s = await makeSetup('jobs-status', 1200, 'jobs-status');
  coordinator = await inProcessCoordinator(s, { trainingRetryMs: 1_500, statusLagAlarmMs: 1_000 });
  for (const site of SITES) nodes.set(site, await inProcessNode(s, site));
  const aligned = await ingestAndAlign(s, (site) => nodes.get(site)!.address);
  alignmentId = aligned.alignmentId;
  params = { epochs: 3, batchSize: fairBatchSize(aligned.trainSize), learningRate: 0.5, l2: 1e-3, seed: 5, patience: 10 };
}, 300_000);

afterAll(async () => {
  for (const n of nodes.values()) await n.stop();
  await coordinator?.stop();
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

/** RunTraining with follow_only: every message until the stream ends, and how it ended. */
function follow(jobId: string): Promise<{ messages: TrainingProgress__Output[]; error?: grpc.ServiceError }> {
  const client = coordinatorTrainingClient(s.coordinatorAddress, operator());
  return new Promise((resolve) => {
    const messages: TrainingProgress__Output[] = [];
    const stream = client.RunTraining({ resumeJobId: jobId, followOnly: true });
    stream.on('data', (p: TrainingProgress__Output) => messages.push(p));
    stream.on('error', (error: grpc.ServiceError) => resolve({ messages, error }));
    stream.on('end', () => resolve({ messages }));
  }).finally(() => client.close()) as Promise<{ messages: TrainingProgress__Output[]; error?: grpc.ServiceError }>;
}

async function status(): Promise<CoordinatorStatus__Output> {
  const client = coordinatorClient(s.coordinatorAddress, operator());
  try {
    return await call(client, client.GetCoordinatorStatus, {});
  } finally {
    client.close();
  }
}

const errorCode = (e: grpc.ServiceError | undefined) => e?.metadata.get('fedcredit-error-code')[0];

describe('Training.ListJobs and following a job', () => {
  let doneJob = '';

  it('lists a running job, follows it without resuming, and lists it done', async () => {
    expect(await listJobs(s.coordinatorAddress, operator())).toEqual([]);
    let jobId = '';
    const accepted = new Promise<void>((resolve) => {
      void runTraining(s.coordinatorAddress, operator(), { alignmentId, ...params }, (p) => {
        if (p.stage === 'accepted') {
          jobId = p.jobId;
          resolve();
        }
      });
    });
    await accepted;
    const followed = follow(jobId);
    const [running] = await listJobs(s.coordinatorAddress, operator(), { jobId });
    expect(running).toMatchObject({ jobId, alignmentId, modelKind: 'lr', running: true, epochs: 3, finishedMs: '0', errorCode: '' });
    expect(['starting', 'training', 'evaluating']).toContain(running!.stage);

    const { messages, error } = await followed;
    expect(error).toBeUndefined();
    expect(messages[0]).toMatchObject({ stage: 'following', jobId });
    const epochs = messages.filter((m) => m.stage === 'epoch');
    expect(epochs.length).toBeGreaterThanOrEqual(2);
    expect(epochs.every((m) => m.jobId === jobId && m.validationAuc > 0.5)).toBe(true);
    expect(messages.at(-1)).toMatchObject({ stage: 'finished', jobId });

    const [done] = await listJobs(s.coordinatorAddress, operator(), { jobId });
    expect(done).toMatchObject({ jobId, stage: 'done', running: false, epoch: 3, modelVersion: 'm1', sites: ['bank', 'tax', 'power'] });
    expect(done!.aucHistory).toHaveLength(3);
    expect(done!.validationAuc).toBe(Math.max(...done!.aucHistory));
    expect(Number(done!.finishedMs)).toBeGreaterThanOrEqual(Number(done!.startedMs));
    // The summary carries no key material: the record's kindState (LR's BFV keys) stays home.
    expect(JSON.stringify(done)).not.toMatch(/secret|kindState|keys/i);
    doneJob = jobId;
  }, 240_000);

  it('refuses to follow a job that is not running, and a limit over 200', async () => {
    const finished = await follow(doneJob);
    expect(finished.error?.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(errorCode(finished.error)).toBe('JOB_NOT_RUNNING');
    expect(finished.messages).toEqual([]);
    expect(errorCode((await follow('trn-nope')).error)).toBe('JOB_NOT_RUNNING');
    await expect(listJobs(s.coordinatorAddress, operator(), { limit: 201 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(listJobs(s.coordinatorAddress, operator(), { jobId: 'trn-nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a failed job lists its error code; following it leaves it failed; a resume finishes it', async () => {
    let jobId = '';
    let stopped = false;
    const failed = runTraining(s.coordinatorAddress, operator(), { alignmentId, ...params, seed: 6 }, (p) => {
      if (p.stage === 'accepted') jobId = p.jobId;
      if (p.stage === 'epoch' && !stopped) {
        stopped = true;
        void nodes.get('power')!.stop();
      }
    }).then(() => 'finished', (e: { code?: string }) => e.code);
    expect(await failed).toBe('UNAVAILABLE');
    const [job] = await listJobs(s.coordinatorAddress, operator(), { jobId });
    expect(job).toMatchObject({ jobId, stage: 'failed', running: false, errorCode: 'UNAVAILABLE' });
    expect(job!.errorMessage).toMatch(/power/);

    const following = await follow(jobId);
    expect(errorCode(following.error)).toBe('JOB_NOT_RUNNING');
    expect((await listJobs(s.coordinatorAddress, operator(), { jobId }))[0]).toMatchObject({ stage: 'failed', running: false });

    // Newest first; limit 1 is the newest.
    const all = await listJobs(s.coordinatorAddress, operator());
    expect(all.map((j) => j.jobId)).toEqual([jobId, doneJob]);
    expect((await listJobs(s.coordinatorAddress, operator(), { limit: 1 })).map((j) => j.jobId)).toEqual([jobId]);

    // The CLI: `fedcredit jobs list`, as text (the failed job with its resume command) and JSON.
    // Spawned asynchronously: the coordinator runs in this process, so a synchronous spawn would
    // block the very event loop that must answer the CLI (CI hung here on a spawnSync).
    const cli = (args: string[]) => new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['dist/bin/fedcredit.js', 'jobs', 'list', '--coordinator', s.coordinatorAddress, ...s.fed.tls('coordinator-operator'), ...args],
        { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
    });
    const text = await cli([]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain(`${jobId}  failed  lr  epoch `);
    expect(text.stdout).toContain(`UNAVAILABLE: `);
    expect(text.stdout).toContain(`resume: fedcredit train --resume ${jobId}`);
    expect((JSON.parse((await cli(['--json', '--limit', '1'])).stdout) as { jobId: string }[]).map((j) => j.jobId)).toEqual([jobId]);

    // GetCoordinatorStatus sees the stopped node, and its witness lagging once the log grows.
    await until(async () => (await status()).nodes?.down === 1, 'power counted down', { timeoutMs: 15_000, intervalMs: 300 });
    await coordinator.transparencyLog.append(makeEntry('node-removal', { site: 'nobody', identityKey: '00', reason: 'test entry to grow the log', removedBy: 'test', time: Date.now() }));
    await until(async () => (await status()).alarms.some((a) => a.code === 'WITNESS_LAG' && a.site === 'power'), 'a WITNESS_LAG alarm for power', { timeoutMs: 20_000, intervalMs: 300 });
    const st = await status();
    expect(st.nodes).toEqual({ up: 2, down: 1, unknown: 0 });
    expect(st.alarms.find((a) => a.code === 'NODE_UNREACHABLE')).toMatchObject({ site: 'power' });
    const power = st.witnesses.find((w) => w.site === 'power')!;
    expect(Number(power.lagEntries)).toBeGreaterThan(0);
    expect(Number(power.lagEntries)).toBe(Number(st.logSize) - Number(power.cosignedSize));
    expect(st.alarms.every((a) => Number(a.sinceMs) > 0)).toBe(true);

    nodes.set('power', await inProcessNode(s, 'power'));
    const resumed = await runTraining(s.coordinatorAddress, operator(), { resumeJobId: jobId });
    expect(resumed.jobId).toBe(jobId);
    expect((await listJobs(s.coordinatorAddress, operator(), { jobId }))[0]).toMatchObject({ stage: 'done', errorCode: '', errorMessage: '' });
  }, 240_000);
});

describe('Coordinator.GetCoordinatorStatus', () => {
  it('with every node up: sizes, each witness caught up, the final checkpoint young, no alarm', async () => {
    let last: CoordinatorStatus__Output | undefined;
    await until(async () => {
      const st = (last = await status());
      return st.nodes?.up === 3 && st.alarms.length === 0 && st.witnesses.every((w) => w.lagEntries === '0');
    }, 'every node up, no alarm, every witness caught up', { timeoutMs: 30_000, intervalMs: 300, detail: () => JSON.stringify(last) });
    const st = await status();
    expect(Number(st.logSize)).toBeGreaterThan(3);
    expect(st.finalSize).toBe(st.logSize);
    expect(Number(st.finalAgeMs)).toBeLessThan(30_000);
    expect(st.quorum).toBe(3);
    expect(st.witnesses.map((w) => w.site).sort()).toEqual(['bank', 'power', 'tax']);
    for (const w of st.witnesses) {
      expect(w.cosignedSize).toBe(st.logSize);
      expect(Date.now() - Number(w.cosignedMs)).toBeLessThan(60_000);
    }
  }, 60_000);
});
