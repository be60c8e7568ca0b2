/**
 * Fault injection for training (issue 20): kill -9 the coordinator, and in another run the
 * nodes, tens of times at random points of one job (its start, its steps, its validations, the
 * epoch results, the storing of the model), under CPU load from a busy process per core, and
 * the job still ends by itself with the model of an uninterrupted run, bit for bit: the same
 * AUC history and the same weights in every site's stored model; and no party ever logs the job
 * as failed (a failed job waits for a person's `--resume`, which the test's own resumes would
 * otherwise stand in for).
 *
 * Kill points are drawn from a seeded generator (printed; replay with FEDCREDIT_FAULT_SEED):
 * each kill waits for 1-3 more progress lines from any party (a job stored, a step applied, an
 * epoch evaluated, a model kept, a restarted party reloading the job) and then 0-300 ms more, so
 * it lands anywhere in the step that follows, not only on a boundary. FEDCREDIT_FAULT_KILLS
 * sets the number of kills per run (default 12, 24 in all: about 1 min each run on a quiet 2-core box,
 * far more under load). After a coordinator restart a `--resume`
 * request is sent right away half of the time, racing the coordinator's own resume.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../training/client.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import type { Site } from '../../schema/site-schema.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { getSiteModel } from '../../site/model-store.js';
import { NodeStore } from '../../site/store.js';
import { SITES, fairBatchSize, ingestAndAlign, makeSetup, spawnCoordinator, spawnNode, type Setup } from '../training-transport/helpers.js';
import { kill9, loadCpus, rng, unloadCpus } from './fault-helpers.js';

const SEED = Number(process.env['FEDCREDIT_FAULT_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const KILLS = Number(process.env['FEDCREDIT_FAULT_KILLS'] ?? 12);
/** A party's log line that marks progress of the job (or of a restarted party reloading it). */
const PROGRESS = /training trn-[\w-]+: (driving it|started as|applied epoch|epoch \d+ evaluated|epoch \d+ done|kept model|reloaded at|model m\d+ stored)/;

let s: Setup;
let coordinator: SpawnedParty;
const nodes = new Map<Site, SpawnedParty>();
let alignmentId: string;
let params: { epochs: number; batchSize: number; learningRate: number; l2: number; seed: number; patience: number };
let reference: ModelMetadata;
let events = 0;
let lastEvent = '';
/** Every 'training ... failed' line of any party: a job that failed would need a person to resume it. */
const failures: string[] = [];
const aucs = (m: ModelMetadata) => (m.metrics as { aucHistory: number[] }).aucHistory;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Count a party's progress lines (a second reader on its stderr; spawnParty keeps only the last 500 lines). */
function watch(party: SpawnedParty): SpawnedParty {
  readline.createInterface({ input: party.child.stderr! }).on('line', (line) => {
    if (/training trn-[\w-]+ failed/.test(line)) failures.push(`${party.name}: ${line}`);
    if (PROGRESS.test(line)) {
      events++;
      lastEvent = `${party.name}: ${line.replace(/^.*?training /, 'training ')}`;
    }
  });
  return party;
}

/** No party logs progress for this long while the job's call is open: the run is stuck, and fails saying where. */
const STALL_MS = 180_000;

function stalled(what: string): Error {
  const tail = [coordinator, ...nodes.values()].flatMap((p) => p.logLines.slice(-8).map((l) => `${p.name}: ${l}`)).join('\n');
  return new Error(`${what}: no progress from any party for ${STALL_MS / 1000} s, last '${lastEvent}'; the parties' last lines:\n${tail}`);
}

/** Wait for `n` more progress lines, or until `done()`; false if the job ended first; throws if nothing moves for STALL_MS. */
async function progressed(n: number, done: () => boolean): Promise<boolean> {
  const target = events + n;
  let seen = events;
  let since = Date.now();
  while (events < target) {
    if (done()) return false;
    if (events !== seen) [seen, since] = [events, Date.now()];
    else if (Date.now() - since > STALL_MS) throw stalled(`waiting for ${target - events} more progress lines`);
    await sleep(5);
  }
  return true;
}

/** The job's outcome, or an error once no party has logged progress for STALL_MS while waiting for it. */
async function settledOrStalled<T>(job: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    let seen = events;
    let since = Date.now();
    timer = setInterval(() => {
      if (events !== seen) [seen, since] = [events, Date.now()];
      else if (Date.now() - since > STALL_MS) reject(stalled(what));
    }, 1_000);
  });
  try {
    return await Promise.race([job, watchdog]);
  } finally {
    clearInterval(timer);
  }
}

/** The weights of every site's part of a model, read from the sites' stores (nodes stopped). */
async function siteWeights(version: string): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const site of SITES) {
    const store = await NodeStore.open(path.join(s.dir, `node-${site}`), site);
    try {
      const m = await getSiteModel(store, version);
      if (!m) throw new Error(`${site} keeps no model ${version}`);
      out[site] = [...m.weights, ...(m.intercept !== undefined ? [m.intercept] : [])];
    } finally {
      await store.close();
    }
  }
  return out;
}

beforeAll(async () => {
  console.log(`training fault injection: seed ${SEED}, ${KILLS} kills per run (replay with FEDCREDIT_FAULT_SEED=${SEED})`);
  s = await makeSetup('train-faults', 1500, 'train-faults');
  coordinator = watch(await spawnCoordinator(s));
  for (const site of SITES) nodes.set(site, watch(await spawnNode(s, site)));
  const aligned = await ingestAndAlign(s, (site) => nodes.get(site)!.address);
  alignmentId = aligned.alignmentId;
  // Six epochs, none cut by early stopping: enough progress lines for every kill. With three, a
  // fast machine finished the job after 8-9 kills (progress runs on during each kill's 0-300 ms).
  params = { epochs: 6, batchSize: fairBatchSize(aligned.trainSize), learningRate: 0.5, l2: 1e-3, seed: 7, patience: 10 };
  console.log(`${aligned.trainSize} training / ${aligned.validationSize} validation enterprises, batch ${params.batchSize}`);
  reference = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...params });
}, 300_000);

afterAll(async () => {
  unloadCpus();
  await Promise.all([coordinator, ...nodes.values()].map((p) => p?.stop()));
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

describe('training under kill -9 at random points, CPU loaded', () => {
  const results: { run: string; model: ModelMetadata; kills: number }[] = [];

  it(`the coordinator killed ${KILLS} times: the job resumes by itself each time and ends with the uninterrupted model`, async () => {
    const next = rng(SEED);
    const started = Date.now();
    let jobId = '';
    let finished = false;
    const request = () => runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...params }, (p) => {
      if (p.jobId) jobId = p.jobId;
    });
    /** The id of this run's job in a coordinator's log (not the reference run's, which the same process drove). */
    const jobIn = (lines: string[], re: RegExp) => lines.map((l) => re.exec(l)?.[1]).filter((id) => id && id !== reference.jobId).pop() ?? '';
    const follow = () => runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { resumeJobId: jobId });
    let pending = request();
    const settle = (p: Promise<ModelMetadata>) => p.then((m) => {
      finished = true;
      return m;
    }, () => undefined);
    let outcome = settle(pending);
    loadCpus();
    let kills = 0;
    try {
      for (; kills < KILLS; kills++) {
        const k = 1 + Math.floor(next() * 3);
        const delay = Math.floor(next() * 300);
        const resumeRightAway = next() < 0.5;
        // The job may end by the restarted coordinator's own resume, with no call of ours following it.
        const stored = () => finished || (jobId !== '' && coordinator.logLines.some((l) => l.includes(`training ${jobId}: model `) && / stored, /.test(l)));
        if (!await progressed(k, stored)) break;
        await sleep(delay);
        if (stored()) break;
        const at = lastEvent;
        await kill9(coordinator);
        // The job's id is the client's from its 'accepted' progress, or the dead coordinator's log's.
        jobId ||= jobIn(coordinator.logLines, /training (trn-[\w-]+): driving it/);
        console.log(`kill ${kills + 1}: coordinator, ${delay} ms after '${at}'${resumeRightAway ? ', --resume at once' : ''}`);
        coordinator = watch(await spawnCoordinator(s));
        if (!jobId) {
          // Killed before the job was stored: nothing of it exists anywhere; the operator asks again.
          await sleep(500);
          jobId = jobIn(coordinator.logLines, /training (trn-[\w-]+): (driving it|resuming)/);
          if (!jobId) outcome = settle(pending = request());
        }
        if (jobId && resumeRightAway) outcome = settle(pending = follow());
      }
      if (!finished) {
        if (!jobId) throw new Error('no job id after the kills');
        outcome = settle(pending = follow());
      }
      const model = await settledOrStalled(outcome, 'the training call after the kills') ?? await settledOrStalled(follow(), 'following the job');
      results.push({ run: 'coordinator', model, kills });
      console.log(`coordinator killed ${kills} times: job ${model.jobId} done in ${((Date.now() - started) / 1000).toFixed(1)} s, AUC ${aucs(model).map((a) => a.toFixed(5)).join(', ')}`);
      expect(kills).toBeGreaterThanOrEqual(Math.min(KILLS, 10));
      expect(failures).toEqual([]);
      expect(aucs(model)).toEqual(aucs(reference));
    } finally {
      unloadCpus();
    }
  }, 900_000);

  it(`the nodes killed ${KILLS} times in turn at random: the job carries on each time and ends with the uninterrupted model`, async () => {
    const next = rng(SEED ^ 0x5bd1e995);
    const started = Date.now();
    let finished = false;
    // Settled either way ends the kill loop: a job that failed must fail the test at `await job`, not leave it waiting for progress.
    const job = runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...params }).then((m) => {
      finished = true;
      return m;
    }, (err: unknown) => {
      finished = true;
      throw err;
    });
    job.catch(() => undefined);
    loadCpus();
    let kills = 0;
    try {
      for (; kills < KILLS; kills++) {
        const site = SITES[Math.floor(next() * SITES.length)]!;
        const k = 1 + Math.floor(next() * 3);
        const delay = Math.floor(next() * 300);
        if (!await progressed(k, () => finished)) break;
        await sleep(delay);
        if (finished) break;
        console.log(`kill ${kills + 1}: node ${site}, ${delay} ms after '${lastEvent}'`);
        await kill9(nodes.get(site)!);
        nodes.set(site, watch(await spawnNode(s, site)));
      }
      const model = await settledOrStalled(job, 'the training call after the kills');
      results.push({ run: 'nodes', model, kills });
      console.log(`nodes killed ${kills} times: job ${model.jobId} done in ${((Date.now() - started) / 1000).toFixed(1)} s, AUC ${aucs(model).map((a) => a.toFixed(5)).join(', ')}`);
      expect(kills).toBeGreaterThanOrEqual(Math.min(KILLS, 10));
      expect(failures).toEqual([]);
      expect(aucs(model)).toEqual(aucs(reference));
    } finally {
      unloadCpus();
    }
  }, 900_000);

  it('every site keeps the same weights, bit for bit, as after the uninterrupted run', async () => {
    expect(results).toHaveLength(2);
    await Promise.all([coordinator, ...nodes.values()].map((p) => p.stop()));
    const expected = await siteWeights(reference.modelVersion);
    for (const r of results) expect(await siteWeights(r.model.modelVersion), r.run).toEqual(expected);
  }, 120_000);
});
