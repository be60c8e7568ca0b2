/**
 * A model kind plugs in without transport code (issue 13): the test-only "one-weight" kind
 * (tests/kinds/one-weight/kind.ts, compiled to dist/) is named in FEDCREDIT_MODEL_KIND_MODULES
 * for every process, and trains (`--model one-weight`) and scores end to end over real
 * processes: a coordinator and three nodes, each its own OS process and LevelDB store, mutual
 * TLS, sealed node-to-node payloads. Each site keeps a part tagged with the kind, and consented
 * scores differ per enterprise. A process that does not know the kind refuses it by name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../training/client.js';
import type { FedcreditError } from '../../lib/errors.js';
import { call } from '../../lib/grpc.js';
import { nodeTrainingClient } from '../../proto/clients.js';
import { lrKind } from '../../models/lr/kind.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { listSiteModels } from '../../site/model-store.js';
import { NodeStore } from '../../site/store.js';
import type { Site } from '../../schema/site-schema.js';
import { prepareScoringDemo } from '../../requester/demo.js';
import { readGroundTruth } from '../../sim/read.js';
import { consentedRequester, type ConsentedRequester } from '../helpers/consented.js';
import { SITES, fairBatchSize, ingestAndAlign, makeSetup, spawnCoordinator, spawnNode, type Setup } from '../training-transport/helpers.js';

const KIND_MODULE = path.resolve('dist/tests/kinds/one-weight/kind.js');
let s: Setup;
let coordinator: SpawnedParty;
const nodes = new Map<Site, SpawnedParty>();
let requester: ConsentedRequester;
let alignmentId: string;
let batchSize: number;
let jobId = '';

beforeAll(async () => {
  if (!fs.existsSync(KIND_MODULE)) throw new Error(`${KIND_MODULE} is missing: run npm run build first`);
  // Every spawned party inherits it: the coordinator and each node load the kind at first use.
  process.env['FEDCREDIT_MODEL_KIND_MODULES'] = KIND_MODULE;
  s = await makeSetup('one-weight', 600, 'one-weight');
  const registrar = prepareScoringDemo([path.join(s.dir, 'coordinator'), ...SITES.map((site) => path.join(s.dir, `node-${site}`))]);
  coordinator = await spawnCoordinator(s);
  for (const site of SITES) nodes.set(site, await spawnNode(s, site));
  const aligned = await ingestAndAlign(s, (site) => nodes.get(site)!.address);
  alignmentId = aligned.alignmentId;
  batchSize = fairBatchSize(aligned.trainSize);
  requester = consentedRequester({ coordinator: s.coordinatorAddress, as: s.fed.as, registrar, keysDir: path.join(s.dir, 'bank-a-keys') });
}, 180_000);

afterAll(async () => {
  requester?.close();
  delete process.env['FEDCREDIT_MODEL_KIND_MODULES'];
  await Promise.all([coordinator, ...nodes.values()].map((p) => p?.stop()));
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

describe('a test-only model kind over the generic transport', () => {
  it('trains over real processes, each site keeps a part tagged with the kind, and consented scores differ per enterprise', async () => {
    const model = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), {
      alignmentId, modelKind: 'one-weight', epochs: 4, batchSize, learningRate: 0.5, l2: 1e-3, seed: 3, patience: 3,
    }).catch((err: Error) => {
      throw new Error(`${err.message}\nlogs:\n${[coordinator, ...nodes.values()].flatMap((n) => n.logLines.slice(-15).map((l) => `${n.name}: ${l}`)).join('\n')}`);
    });
    expect(model.kind).toBe('one-weight');
    jobId = model.jobId;
    const metrics = model.metrics as { aucHistory: number[]; validationAuc: number };
    expect(metrics.aucHistory.length).toBeGreaterThan(0);

    // Each site's part, read from a copy of its store (the node holds the lock).
    for (const site of SITES) {
      const copy = path.join(s.dir, `node-${site}-copy`, 'store');
      fs.cpSync(path.join(s.dir, `node-${site}`, 'store'), copy, { recursive: true });
      fs.rmSync(path.join(copy, 'LOCK'), { force: true });
      const store = await NodeStore.open(path.join(s.dir, `node-${site}-copy`));
      try {
        const [part] = (await listSiteModels(store)) as unknown as { kind: string; weight: number; intercept: number; role: string; feature: number; features: string[] }[];
        console.log(`${site}: weighs ${part!.features[part!.feature]} by ${part!.weight}, intercept ${part!.intercept}; AUC by epoch ${metrics.aucHistory.join(', ')}`);
        expect(part!.kind).toBe('one-weight');
        expect(part!.role).toBe(site === 'bank' ? 'bank' : 'passive');
        expect(Number.isFinite(part!.weight)).toBe(true);
        expect(part!.weight).not.toBe(0);
      } finally {
        await store.close();
      }
    }

    // The bank weighs its most telling feature: the joint model ranks better than chance.
    expect(metrics.validationAuc).toBeGreaterThan(0.55);

    // Consented scores through the ordinary scoring protocol: each node asks its part's kind.
    const subjects = readGroundTruth(path.join(s.dir, 'sites')).filter((r) => r.inTax && r.inPower && r.inBank).slice(0, 6).map((r) => r.creditCode);
    const points = new Set<number>();
    for (const [i, subject] of subjects.entries()) {
      const r = await requester.session.score({ enterprise: subject, consent: await requester.consent(subject), queryId: `one-weight-${i}` });
      expect(r.model).toBe(model.modelVersion);
      points.add(r.points);
    }
    expect(points.size).toBeGreaterThan(1);
  }, 300_000);

  it('a kind a process does not know is refused by name before any job is stored', async () => {
    const err = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), { alignmentId, modelKind: 'no-such-kind', batchSize })
      .then(() => undefined, (e: FedcreditError) => e);
    expect(err?.code).toBe('NOT_FOUND');
    expect(err?.message).toMatch(/no model kind 'no-such-kind'.*known: lr, scorecard, boosted-trees, fusion, one-weight/);
  }, 60_000);

  it("a node refuses a step its job's kind does not declare, and a payload of another kind's type, before the kind sees them", async () => {
    expect(jobId).not.toBe('');
    const client = nodeTrainingClient(nodes.get('tax')!.address, s.fed.as('coordinator'), 'tax');
    const ref = { jobId, attempt: 'a', epoch: 0, step: 0 };
    const refused = (req: object) => call(client, client.Step, req, 30_000).then(() => undefined, (e: FedcreditError) => e);
    try {
      const unknown = await refused({ ref, modelKind: 'one-weight', name: 'PartialLinear', payload: lrKind.codec.encode('Empty', {}) });
      expect(unknown?.code).toBe('BAD_REQUEST');
      expect(unknown?.message).toMatch(/model kind one-weight has no step 'PartialLinear'/);
      const otherKind = await refused({ ref, modelKind: 'lr', name: 'Partial', payload: lrKind.codec.encode('Empty', {}) });
      expect(otherKind?.message).toMatch(/trains a model of kind one-weight/);
      const wrongType = await refused({ ref, modelKind: 'one-weight', name: 'Update', payload: lrKind.codec.encode('Decrypted', { values: [1] }) });
      expect(wrongType?.code).toBe('BAD_REQUEST');
      expect(wrongType?.message).toMatch(/payload is 'type.googleapis.com\/fedcredit.models.lr.v1.Decrypted', expected .*oneweight.v1.Update/);
    } finally {
      client.close();
    }
  }, 60_000);
});
