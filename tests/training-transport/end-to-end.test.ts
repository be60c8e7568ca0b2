/**
 * A whole training job over real gRPC between real processes (coordinator and three nodes, each
 * its own OS process and LevelDB store, mutual TLS) on simulated sites: the job completes, each
 * site keeps its part of the model, the coordinator its metadata with the bank's report, `model
 * show` prints it, and the federated model matches the in-memory reference run on the same
 * data and seed (and so centralized LR, which tests/training/quality.test.ts pins).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBfvEngine } from '../../crypto/bfv-engine.js';
import { getModel, listModels, runTraining } from '../../training/client.js';
import { FedcreditError } from '../../lib/errors.js';
import { cliPath, type SpawnedParty } from '../../lib/spawn-party.js';
import { fitPreprocessing, transformRows } from '../../preprocessing/fit.js';
import { DEFAULT_PREPROCESSING } from '../../preprocessing/spec.js';
import { listSiteModels } from '../../site/model-store.js';
import { NodeStore } from '../../site/store.js';
import { runTrainingInMemory } from '../../models/lr/in-memory.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import type { Site } from '../../schema/site-schema.js';
import { SITES, ingestAndAlign, makeSetup, spawnCoordinator, spawnNode, type Setup } from './helpers.js';

let s: Setup;
let coordinator: SpawnedParty;
const nodes = new Map<Site, SpawnedParty>();
let alignmentId: string;
const PARAMS = { epochs: 3, batchSize: 1024, learningRate: 0.5, l2: 1e-3, seed: 7, patience: 5 };

beforeAll(async () => {
  s = await makeSetup('train-e2e', 3000, 'train-e2e');
  coordinator = await spawnCoordinator(s);
  for (const site of SITES) nodes.set(site, await spawnNode(s, site));
  ({ alignmentId } = await ingestAndAlign(s, (site) => nodes.get(site)!.address));
}, 180_000);

afterAll(async () => {
  await Promise.all([coordinator, ...nodes.values()].map((p) => p?.stop()));
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

/** The same job in memory, from the nodes' own stores (the alignment order and their features). */
async function reference(): Promise<{ aucHistory: number[]; models: Record<string, Float64Array> }> {
  const data = new Map<Site, { train: Float64Array[]; validation: Float64Array[]; trainLabels?: number[]; validationLabels?: number[] }>();
  for (const site of SITES) {
    const store = await NodeStore.open(path.join(s.dir, `node-${site}-copy`));
    try {
      const [alignment] = await store.alignments.values().all();
      const rows = async (ids: string[]) => Promise.all(ids.map(async (id) => (await store.featureVector(id))!));
      // The bank's labelled population, in the aligned order.
      const bankStore = site === 'bank' ? store : await NodeStore.open(path.join(s.dir, 'node-bank-copy'));
      const labelled = async (ids: string[]) => (await Promise.all(ids.map(async (id) => ((await bankStore.labels.get(id)) === undefined ? undefined : id)))).filter((x): x is string => x !== undefined);
      alignment!.train = await labelled(alignment!.train);
      alignment!.validation = await labelled(alignment!.validation);
      if (bankStore !== store) await bankStore.close();
      const train = await rows(alignment!.train);
      // The job's default preprocessing, fitted on this site's training split as the node does.
      const fitted = fitPreprocessing(train, train[0]!.length, DEFAULT_PREPROCESSING);
      const entry: { train: Float64Array[]; validation: Float64Array[]; trainLabels?: number[]; validationLabels?: number[] } = {
        train: transformRows(fitted, train), validation: transformRows(fitted, await rows(alignment!.validation)),
      };
      if (site === 'bank') {
        entry.trainLabels = await Promise.all(alignment!.train.map(async (id) => Number(await store.labels.get(id))));
        entry.validationLabels = await Promise.all(alignment!.validation.map(async (id) => Number(await store.labels.get(id))));
      }
      data.set(site, entry);
    } finally {
      await store.close();
    }
  }
  const engine = createBfvEngine({ threads: 1 });
  try {
    const bank = data.get('bank')!;
    const r = await runTrainingInMemory({
      engine, params: PARAMS,
      bank: { name: 'bank', train: bank.train, validation: bank.validation, trainLabels: bank.trainLabels!, validationLabels: bank.validationLabels! },
      passives: (['tax', 'power'] as const).map((name) => ({ name, ...data.get(name)! })),
    });
    return { aucHistory: r.aucHistory, models: r.models };
  } finally {
    await engine.close();
  }
}

describe('training over real processes', () => {
  let model: ModelMetadata;
  it('trains a joint model end to end', async () => {
    const epochs: { epoch: number; auc: number; elapsed: number }[] = [];
    const started = performance.now();
    model = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...PARAMS }, (p) => {
      if (p.stage === 'epoch') epochs.push({ epoch: p.epoch, auc: p.validationAuc, elapsed: p.elapsedSeconds });
    });
    const seconds = (performance.now() - started) / 1000;
    const metrics = model.metrics as { aucHistory: number[]; epochSeconds: number[]; trainSize: number; validationSize: number; report: { joint: { auc: number }; bankOnly: { auc: number } } };
    console.log(`gRPC training: ${metrics.trainSize} train / ${metrics.validationSize} validation, ${epochs.length} epochs in ${seconds.toFixed(1)} s; ` +
      `seconds per epoch ${metrics.epochSeconds.map((x) => x.toFixed(2)).join(', ')}; AUC ${metrics.aucHistory.map((a) => a.toFixed(4)).join(', ')}; ` +
      `report joint ${metrics.report.joint.auc.toFixed(4)} vs bank-only ${metrics.report.bankOnly.auc.toFixed(4)}`);
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(model.modelVersion).toBe('m1');
    expect(model.sites.map((x) => x.site).sort()).toEqual(['bank', 'power', 'tax']);
    expect(metrics.report.joint.auc).toBeCloseTo(Math.max(...metrics.aucHistory), 6);
    // Scoring maps the joint logit with the recalibration the bank fitted for its report.
    const fitted = (metrics.report as unknown as { calibration: { slope: number; intercept: number } }).calibration;
    expect(model.calibration).toEqual(fitted);
    expect(fitted.slope).not.toBe(1);
    expect((await listModels(s.coordinatorAddress, s.fed.as('coordinator-operator'))).map((m) => m.modelVersion)).toEqual(['m1']);
    expect(await getModel(s.coordinatorAddress, s.fed.as('coordinator-operator'), 'm1')).toEqual(model);
  }, 300_000);

  it('model show prints the report; unknown versions are refused clearly', () => {
    const out = execFileSync(process.execPath, [cliPath(), 'model', 'show', 'm1', '--coordinator', s.coordinatorAddress, ...s.fed.tls('coordinator-operator')], { encoding: 'utf8' });
    expect(out).toMatch(/model m1/);
    expect(out).toMatch(/AUC/);
    expect(out).toMatch(/bank-only/i);
    // Each site's transforms by feature name, as the site reported them: steps, never a value.
    expect(out).toContain('preprocessing at each site: clip at 1%-99%, log(1+x) where skewed, median fill, missing indicators, standardized');
    for (const site of SITES) expect(out).toMatch(new RegExp(`^    ${site}: \\w+ \\(`, 'm'));
    expect(out).toMatch(/clipped at 1%-99%/);
    expect(model.sites.every((x) => (x.transforms ?? []).every((t) => t.steps.every((step) => !/\d\.\d{3}/.test(step))))).toBe(true);
    let err = '';
    try {
      execFileSync(process.execPath, [cliPath(), 'model', 'show', 'm9', '--coordinator', s.coordinatorAddress, ...s.fed.tls('coordinator-operator')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      err = String((e as { stderr: string }).stderr);
    }
    expect(err).toMatch(/NOT_FOUND.*m9.*m1/);
    return getModel(s.coordinatorAddress, s.fed.as('coordinator-operator'), 'nope').then(() => expect.unreachable(), (e: FedcreditError) => expect(e.code).toBe('NOT_FOUND'));
  }, 60_000);

  it('every site kept its part; the federated model equals the in-memory reference run', async () => {
    // Copy the stores (the nodes hold their locks) and read them.
    for (const site of SITES) fs.cpSync(path.join(s.dir, `node-${site}`, 'store'), path.join(s.dir, `node-${site}-copy`, 'store'), { recursive: true });
    for (const site of SITES) fs.rmSync(path.join(s.dir, `node-${site}-copy`, 'store', 'LOCK'), { force: true });
    const parts = new Map<string, Awaited<ReturnType<typeof listSiteModels>>[number]>();
    for (const site of SITES) {
      const store = await NodeStore.open(path.join(s.dir, `node-${site}-copy`));
      try {
        const [m] = await listSiteModels(store);
        expect(m!.modelVersion).toBe('m1');
        expect(m!.role).toBe(site === 'bank' ? 'bank' : 'passive');
        expect(m!.mean.length).toBe(m!.weights.length);
        // The site's own drift reference (issue 21): one per feature, shares and missing summing to 1.
        expect(m!.driftReference!.map((r) => r.feature)).toEqual(m!.features);
        for (const r of m!.driftReference!) {
          expect(r.shares.reduce((a, x) => a + x, 0) + r.missingShare).toBeCloseTo(1, 9);
          expect(r.count).toBeGreaterThan(100);
        }
        parts.set(site, m!);
      } finally {
        await store.close();
      }
    }
    const ref = await reference();
    const aucs = (model.metrics as { aucHistory: number[] }).aucHistory;
    console.log(`reference AUC ${ref.aucHistory.map((a) => a.toFixed(5)).join(', ')}; gRPC ${aucs.map((a) => a.toFixed(5)).join(', ')}`);
    for (let e = 0; e < aucs.length; e++) expect(Math.abs(aucs[e]! - ref.aucHistory[e]!)).toBeLessThanOrEqual(0.002);
    expect(parts.get('tax')!.weights).toEqual([...ref.models['tax']!]);
    expect([...parts.get('bank')!.weights, parts.get('bank')!.intercept]).toEqual([...ref.models['bank']!]);
  }, 300_000);
});
