/**
 * What each party sees of a training job over the real transport (gRPC, mutual TLS; parties
 * in-process so observers can record every message): the coordinator never receives an
 * unmasked gradient, linear term or residual, and no site receives another site's features,
 * the labels, or a residual in the clear. Also: a node's local policy refuses jobs, naming the
 * site and the rule, and a refused job leaves nothing stored anywhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../training/client.js';
import type { RunningCoordinator } from '../../coordinator/server.js';
import type { TrainingMessageRecord } from '../../training/node-calls.js';
import { BFV_PLAIN_MODULUS } from '../../crypto/bfv-fixed.js';
import { openSealedBox } from '../../crypto/sealed-box.js';
import { generateX25519KeyPair, loadOrCreateX25519KeyPair } from '../../crypto/x25519.js';
import { nodeTrainingClient } from '../../proto/clients.js';
import { FedcreditError } from '../../lib/errors.js';
import { call } from '../../lib/grpc.js';
import type { Site } from '../../schema/site-schema.js';
import { parsePolicy } from '../../site/policy.js';
import type { RunningNode } from '../../node/server.js';
import type { TrainingCallRecord } from '../../training/node.js';
import { unframeCiphertexts } from '../../training/envelope.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';
import { SITES, inProcessCoordinator, inProcessNode, ingestAndAlign, makeSetup, type Setup } from './helpers.js';

let s: Setup;
let coordinator: RunningCoordinator;
const nodes = new Map<Site, RunningNode>();
const seenByCoordinator: TrainingMessageRecord[] = [];
const seenByNodes: TrainingCallRecord[] = [];
let alignmentId: string;
const PARAMS = { epochs: 2, batchSize: 512, learningRate: 0.5, l2: 1e-3, seed: 5, patience: 5 };

beforeAll(async () => {
  s = await makeSetup('train-transcript', 3000, 'train-transcript');
  coordinator = await inProcessCoordinator(s, { onTrainingMessage: (m) => seenByCoordinator.push(m) });
  for (const site of SITES) nodes.set(site, await inProcessNode(s, site, { onTrainingCall: (r) => seenByNodes.push(r) }));
  ({ alignmentId } = await ingestAndAlign(s, (site) => nodes.get(site)!.address));
}, 180_000);

afterAll(async () => {
  for (const n of nodes.values()) await n.stop();
  await coordinator?.stop();
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

async function storedJobs(site: Site): Promise<number> {
  return (await nodes.get(site)!.store.training.keys().all()).length;
}

describe('policy', () => {
  it('a purpose the policy does not allow is refused, naming the site and the rule; nothing is stored', async () => {
    const logSize = coordinator.transparencyLog.store.size;
    const err = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...PARAMS, purpose: 'marketing' })
      .then(() => undefined, (e: FedcreditError) => e);
    expect(err?.code).toBe('POLICY_REFUSED');
    expect(err?.message).toMatch(/site (tax|power|bank) refuses the job: purpose 'marketing' is not allowed.*rule 'purposes'/);
    for (const site of SITES) expect(await storedJobs(site)).toBe(0);
    expect(await coordinator.models.list()).toEqual([]);
    expect(coordinator.transparencyLog.store.size).toBe(logSize);
  }, 120_000);

  it('a plaintext-mode job is refused by every node whose policy does not allow it: the coordinator cannot switch encryption off', async () => {
    const logSize = coordinator.transparencyLog.store.size;
    const err = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...PARAMS, plaintext: true })
      .then(() => undefined, (e: FedcreditError) => e);
    expect(err?.code).toBe('POLICY_REFUSED');
    expect(err?.message).toMatch(/site (tax|power|bank) refuses the job: the job asks for plaintext mode.*rule 'allowPlaintext'/);
    for (const site of SITES) expect(await storedJobs(site)).toBe(0);
    expect(await coordinator.models.list()).toEqual([]);
    expect(coordinator.transparencyLog.store.size).toBe(logSize);
  }, 120_000);

  it('a feature subset naming features the site lacks, or excluding all, is refused by that site', async () => {
    await nodes.get('power')!.stop();
    nodes.set('power', await inProcessNode(s, 'power', { policy: parsePolicy('{"features": ["no_such_feature"]}', 'power-policy.json'), onTrainingCall: (r) => seenByNodes.push(r) }));
    const err = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...PARAMS })
      .then(() => undefined, (e: FedcreditError) => e);
    expect(err?.code).toBe('POLICY_REFUSED');
    expect(err?.message).toMatch(/site power refuses the job: .*no_such_feature.*rule 'features' of power-policy.json/);
    for (const site of SITES) expect(await storedJobs(site)).toBe(0);
    expect(await coordinator.models.list()).toEqual([]);
    // Back to the default policy for the transcript run.
    await nodes.get('power')!.stop();
    nodes.set('power', await inProcessNode(s, 'power', { onTrainingCall: (r) => seenByNodes.push(r) }));
  }, 120_000);
});

describe('batch rule (issue 12)', () => {
  it('a batch a site could solve its gradient for is refused by the nodes before anything is stored', async () => {
    const logSize = coordinator.transparencyLog.store.size;
    const err = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...PARAMS, batchSize: 16 })
      .then(() => undefined, (e: FedcreditError) => e);
    expect(err?.code).toBe('POLICY_REFUSED');
    expect(err?.message).toMatch(/site (tax|power|bank) refuses the job: a batch of 16 samples is too small for site \w+'s \d+ columns.*--batch \d+ or more.*rule 'minBatch'/);
    for (const site of SITES) expect(await storedJobs(site)).toBe(0);
    expect(await coordinator.models.list()).toEqual([]);
    expect(coordinator.transparencyLog.store.size).toBe(logSize);
  }, 120_000);

  it('a node refuses such a job at start even when the coordinator asks for it directly', async () => {
    // As the coordinator would call it, skipping the coordinator's own checks.
    const client = nodeTrainingClient(nodes.get('tax')!.address, s.fed.as('coordinator'), 'tax');
    try {
      const err = await call(client, client.StartTraining, {
        jobId: 'trn-small-batches', alignmentId, purpose: 'credit-scoring', bank: 'bank', passives: ['tax', 'power'], checkOnly: false,
        params: { ...DEFAULT_PARAMS, ...PARAMS, batchSize: 8 },
      }, 30_000).then(() => undefined, (e: FedcreditError) => e);
      expect(err?.code).toBe('POLICY_REFUSED');
      expect(err?.message).toMatch(/site tax refuses the job: a batch of 8 samples is too small for site tax's \d+ columns.*rule 'minBatch'/);
      expect(await storedJobs('tax')).toBe(0);
    } finally {
      client.close();
    }
  }, 60_000);
});

describe('transcript of a whole job over gRPC', () => {
  it('runs, and every message is what the threat model allows', async () => {
    seenByCoordinator.length = 0;
    seenByNodes.length = 0;
    const model = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, ...PARAMS });
    expect(model.modelVersion).toBe('m1');
    const sealingKey = (site: Site) => loadOrCreateX25519KeyPair(path.join(s.dir, `node-${site}`, 'sealing.key')).privateKey;
    const sealed = seenByCoordinator.flatMap((m) => collectSealed(m.message));
    expect(sealed.length).toBeGreaterThan(0);

    // 1. The coordinator: sealed payloads open only with the recipient node's key.
    for (const p of sealed) {
      const binding = { purpose: 'training', sender: p.from, recipient: p.to, extra: `${p.jobId}/${p.attempt}/${p.kind}/${p.epoch}/${p.step}` };
      const inner = unframeCiphertexts(openSealedBox(sealingKey(p.to as Site), new Uint8Array(p.sealed), binding), 'test');
      expect(inner.length).toBeGreaterThan(0);
      for (const other of [...SITES.filter((x) => x !== p.to).map(sealingKey), generateX25519KeyPair().privateKey]) {
        expect(() => openSealedBox(other, new Uint8Array(p.sealed), binding)).toThrow();
      }
      // The ciphertext bytes do not appear in what the coordinator relayed.
      expect(Buffer.from(p.sealed).includes(Buffer.from(inner[0]!.subarray(0, 64)))).toBe(false);
    }
    // Only these reach the coordinator: sealed payloads, masked gradient shares, masked score
    // ciphertexts, acks and the bank's epoch decision; never a clear vector of numbers.
    for (const m of seenByCoordinator.filter((x) => x.direction === 'received')) {
      expect(['StartTraining', 'PartialLinear', 'Residual', 'Gradient', 'ApplyGradient', 'ValidationPartial', 'MaskedScores', 'FinishEpoch', 'EpochResult', 'FinishTraining']).toContain(m.method);
      expect(numbersIn(m.message).filter((n) => !Number.isInteger(n)).length).toBeLessThanOrEqual(m.method === 'FinishEpoch' ? 1 : 0);
    }
    // 2. What the coordinator decrypted (and sent back) is masked: true gradients at this scale
    // are below 2^40 in absolute value (README bound for 512-sample batches), masked ones are
    // uniform mod t ~ 2^50.
    const decrypted = seenByCoordinator.filter((m) => m.direction === 'sent' && m.method === 'ApplyGradient').flatMap((m) => (m.message as { values: number[] }).values);
    expect(decrypted.length).toBeGreaterThan(50);
    const small = decrypted.filter((v) => Math.min(v, BFV_PLAIN_MODULUS - v) < 2 ** 40).length;
    console.log(`${decrypted.length} decrypted gradient values; ${small} within 2^40 of 0 (an unmasked gradient would be all of them)`);
    expect(small / decrypted.length).toBeLessThan(0.05);

    // 3. Sites: passives get sealed residuals addressed to them, masked residues and go/stop
    // decisions; no site gets labels, AUC, scores or another site's features.
    for (const r of seenByNodes) {
      const req = r.request as Record<string, unknown>;
      if (r.site !== 'bank') expect(['StartTraining', 'PartialLinear', 'Gradient', 'ApplyGradient', 'ValidationPartial', 'EpochResult', 'FinishTraining']).toContain(r.method);
      for (const p of collectSealed(req)) {
        expect(p.to).toBe(r.site);
        expect(p.from).not.toBe(r.site);
      }
      if (r.method === 'EpochResult') expect(Object.keys(req).sort()).toEqual(['improved', 'ref', 'stop']);
      if (r.method === 'StartTraining') expect(JSON.stringify(req)).not.toMatch(/label|feature/i);
    }
  }, 300_000);
});

interface Sealed { jobId: string; attempt: string; from: string; to: string; kind: string; epoch: number; step: number; sealed: Uint8Array }

function collectSealed(v: unknown): Sealed[] {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return [];
  if (Array.isArray(v)) return v.flatMap(collectSealed);
  const o = v as Record<string, unknown>;
  if ('sealed' in o && 'signature' in o) return [o as unknown as Sealed];
  return Object.values(o).flatMap(collectSealed);
}

function numbersIn(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return [];
  return Object.values(v as Record<string, unknown>).flatMap(numbersIn);
}
