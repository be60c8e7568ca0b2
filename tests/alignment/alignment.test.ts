/**
 * Private entity alignment over real processes: three data nodes (separate OS processes with
 * their own LevelDB stores) and a coordinator that relays their sealed PSI messages.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToCurve25519 } from '../../alignment/psi-hash.js';
import { FedcreditError } from '../../lib/errors.js';
import { RECORD_KINDS, type Site } from '../../schema/site-schema.js';
import { spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { runAlignment } from '../../alignment/client.js';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server.js';
import { NodeStore, type StoredAlignmentRecord } from '../../site/store.js';
import { uploadFile } from '../../node/upload.js';
import { generateFederation } from '../../sim/generate.js';
import { bankLabelled } from '../helpers/bank-labels.js';
import { readGroundTruth } from '../../sim/read.js';
import type { PsiEnvelope__Output } from '../../proto/gen/fedcredit/v1/PsiEnvelope.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { until } from '../helpers/wait.js';

const SITES: Site[] = ['tax', 'power', 'bank'];
const FILES: Record<Site, (keyof typeof RECORD_KINDS)[]> = { tax: ['tax_rating', 'vat_filing'], power: ['power_bill'], bank: ['loan', 'repayment'] };

let dir: string;
let coordinator: RunningCoordinator;
const nodes = new Map<Site, SpawnedParty>();
const relayed: PsiEnvelope__Output[] = [];
let onRelay: (env: PsiEnvelope__Output) => void = () => undefined;
let truth: { all: Set<string>; bySite: Record<Site, Set<string>> };
let fed: TestFederation;

function startNode(site: Site): Promise<SpawnedParty> {
  return spawnParty(`node ${site}`, ['node', 'serve', '--site', site, '--data', path.join(dir, `node-${site}`), '--port', '0', '--coordinator', coordinator.address, ...fed.tls(site)]);
}

async function waitForNodes(sites: Site[]): Promise<void> {
  let registered: { site: string; address: string }[] = [];
  await until(async () => {
    registered = await coordinator.registry.list();
    return sites.every((s) => registered.some((n) => n.site === s && n.address === nodes.get(s)!.address));
  }, `nodes ${sites.join(', ')} to register at their addresses`, { detail: () => JSON.stringify(registered.map((n) => [n.site, n.address])) });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-align-'));
  await generateFederation({ enterprises: 600, seed: 'align-test', outDir: path.join(dir, 'sites') });
  const rows = readGroundTruth(path.join(dir, 'sites'));
  // The bank takes part with the enterprises it can label (alignment/node.ts).
  const labelled = bankLabelled(path.join(dir, 'sites'));
  truth = {
    all: new Set(rows.filter((r) => r.inTax && r.inPower && labelled.has(r.creditCode)).map((r) => r.creditCode)),
    bySite: { tax: new Set(rows.filter((r) => r.inTax).map((r) => r.creditCode)), power: new Set(rows.filter((r) => r.inPower).map((r) => r.creditCode)), bank: labelled },
  };
  fed = await testFederation(dir);
  coordinator = await startCoordinator({ dataDir: path.join(dir, 'coordinator'), transport: fed.as('coordinator'), log: () => undefined, onRelay: (env) => { relayed.push(env); onRelay(env); } });
  for (const site of SITES) nodes.set(site, await startNode(site));
  await waitForNodes(SITES);
  for (const site of SITES) {
    for (const [i, kind] of FILES[site].entries()) {
      await uploadFile(nodes.get(site)!.address, fed.as(`${site}-operator`), path.join(dir, 'sites', site, RECORD_KINDS[kind].fileName), { skipFeatures: i < FILES[site].length - 1 });
    }
  }
});

afterAll(async () => {
  await Promise.all([...nodes.values()].map((n) => n.stop()));
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('alignment across three node processes', () => {
  let firstId = '';

  it('finds exactly the enterprises all three sites hold', async () => {
    const stages: string[] = [];
    const result = await runAlignment(coordinator.address, fed.as('coordinator-operator'), { validationFraction: 0.25, splitSeed: 'seed-1' }, (p) => stages.push(p.stage));
    firstId = result.alignmentId;
    expect(Number(result.intersectionSize)).toBe(truth.all.size);
    expect(result.setSizes.map((s) => [s.site, Number(s.size)])).toEqual(
      (['bank', 'tax', 'power'] as Site[]).map((s) => [s, truth.bySite[s].size]),
    );
    expect(Number(result.trainSize) + Number(result.validationSize)).toBe(truth.all.size);
    expect(stages).toEqual(expect.arrayContaining(['started', 'relayed', 'ready', 'committed', 'done']));
  });

  it('relays only sealed payloads: no credit code, no unkeyed hash of one reaches the coordinator', () => {
    expect(relayed.length).toBeGreaterThanOrEqual(13);
    const codes = [...truth.bySite.tax].slice(0, 200);
    const needles = codes.flatMap((c) => [
      Buffer.from(c, 'latin1'),
      createHash('sha256').update(c).digest(),
      Buffer.from(hashToCurve25519(Buffer.from(c, 'latin1'))),
    ]);
    for (const env of relayed) {
      const payload = Buffer.from(env.payload);
      for (const needle of needles) expect(payload.includes(needle)).toBe(false);
      expect(env.signature).toHaveLength(64);
    }
  });

  it('a node killed mid-protocol fails the job with a clear error and nothing is stored; a rerun succeeds', async () => {
    let killed = false;
    onRelay = () => {
      if (!killed) {
        killed = true;
        nodes.get('power')!.child.kill('SIGKILL');
      }
    };
    const err = await runAlignment(coordinator.address, fed.as('coordinator-operator'), {}).then(() => undefined, (e: unknown) => e);
    onRelay = () => undefined;
    expect(err).toBeInstanceOf(FedcreditError);
    expect((err as Error).message).toMatch(/alignment aln-\S+ failed, nothing was stored: .*Run it again once power is up\.$/);

    nodes.set('power', await startNode('power'));
    await waitForNodes(['power']);
    const again = await runAlignment(coordinator.address, fed.as('coordinator-operator'), { splitSeed: 'seed-1', validationFraction: 0.25 });
    expect(Number(again.intersectionSize)).toBe(truth.all.size);
    // Same seed and same sites: the same agreed order and split as the first run.
    expect(again.alignmentDigest).toBeTruthy();
  });

  it('the leader killed after its result, before its intersection reached the others: the job fails at once, not at the join deadline', async () => {
    // The leader (bank) has its result when it sends the intersection; it dies as that message
    // reaches the relay, which loses it. The bank must not have answered 'ready' before its
    // message was taken: the others would then wait for it for the join's 30 minutes.
    let killed = false;
    onRelay = (env) => {
      if (env.kind !== 'intersection') return;
      if (!killed) {
        killed = true;
        nodes.get('bank')!.child.kill('SIGKILL');
      }
      throw new FedcreditError('UNAVAILABLE', 'the sender died with this message');
    };
    const stages: string[] = [];
    const started = Date.now();
    const err = await runAlignment(coordinator.address, fed.as('coordinator-operator'), {}, (p) => stages.push(`${p.stage} ${p.site}`))
      .then(() => undefined, (e: unknown) => e);
    onRelay = () => undefined;
    expect(killed).toBe(true);
    expect(err).toBeInstanceOf(FedcreditError);
    expect((err as Error).message).toMatch(/alignment aln-\S+ failed, nothing was stored: .*Run it again once bank is up\.$/);
    expect(stages).not.toContain('ready bank');
    expect(Date.now() - started).toBeLessThan(60_000);

    nodes.set('bank', await startNode('bank'));
    await waitForNodes(['bank']);
  }, 120_000);

  it('every node stored the same intersection in the same order, and only the completed jobs', async () => {
    await Promise.all([...nodes.values()].map((n) => n.stop()));
    const stored = new Map<Site, StoredAlignmentRecord[]>();
    for (const site of SITES) {
      const store = await NodeStore.open(path.join(dir, `node-${site}`));
      try {
        stored.set(site, await store.alignments.values().all());
      } finally {
        await store.close();
      }
    }
    for (const site of SITES) {
      const records = stored.get(site)!;
      expect(records).toHaveLength(2);
      expect(records.map((r) => r.alignmentId)).toContain(firstId);
      for (const r of records) {
        expect(new Set(r.ids)).toEqual(truth.all);
        expect([...r.train, ...r.validation].sort()).toEqual([...r.ids].sort());
        expect(r.validation.length).toBe(Math.round(truth.all.size * 0.25));
      }
    }
    const [a, b, c] = SITES.map((s) => stored.get(s)!.find((r) => r.alignmentId === firstId)!);
    expect(b!.ids).toEqual(a!.ids);
    expect(c!.ids).toEqual(a!.ids);
    expect(b!.train).toEqual(a!.train);
  });
});
