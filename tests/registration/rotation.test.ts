/**
 * Identity rotation over real processes: a node's operator stops it, runs `fedcredit node
 * rotate-identity` (new keys, signed over by the old key), and starts it again. The coordinator
 * logs a node-key-rotation, `coordinator nodes` shows the new key's fingerprint, the model
 * trained before the rotation still scores the same, a new alignment, training job and score
 * query succeed, and the auditor (who pinned the old key before) follows the rotation, lists it
 * and passes; an auditor starting afresh passes too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../log/audit/verify.js';
import { waitForCosignedLatest } from '../../log/client.js';
import { prepareScoringDemo } from '../../requester/demo.js';
import { readGroundTruth } from '../../sim/read.js';
import type { Site } from '../../schema/site-schema.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { consentedRequester, type ConsentedRequester } from '../helpers/consented.js';
import { SITES, ingestAndAlign, makeSetup, spawnCoordinator, spawnNode, fairBatchSize, type Setup } from '../training-transport/helpers.js';
import { runTraining } from '../../training/client.js';
import { alignAndTrain, listNodes, listNodesCli, nodeDir, runCli, waitForNodes } from './helpers.js';

let s: Setup;
let coordinator: SpawnedParty;
const nodes = new Map<Site, SpawnedParty>();
let requester: ConsentedRequester;
let modelBefore: string;
let subject: string;
let consent: string;
const auditState = () => path.join(s.dir, 'auditor-state.json');

beforeAll(async () => {
  s = await makeSetup('rotation', 250, 'rotation');
  const registrar = prepareScoringDemo([path.join(s.dir, 'coordinator'), ...SITES.map((site) => nodeDir(s, site))]);
  coordinator = await spawnCoordinator(s);
  for (const site of SITES) nodes.set(site, await spawnNode(s, site));
  const { alignmentId, trainSize } = await ingestAndAlign(s, (site) => nodes.get(site)!.address);
  const model = await runTraining(s.coordinatorAddress, s.fed.as('coordinator-operator'), {
    alignmentId, epochs: 1, batchSize: fairBatchSize(trainSize, 64), learningRate: 0.5, l2: 1e-3, seed: 3, patience: 3,
  });
  modelBefore = model.modelVersion;
  requester = consentedRequester({ coordinator: s.coordinatorAddress, as: s.fed.as, registrar, keysDir: path.join(s.dir, 'bank-a-keys') });
  subject = readGroundTruth(path.join(s.dir, 'sites')).find((r) => r.inTax && r.inPower && r.inBank)!.creditCode;
  consent = await requester.consent(subject, { maxUses: 100 });
}, 180_000);

afterAll(async () => {
  requester?.close();
  await Promise.all([coordinator, ...nodes.values()].map((p) => p?.stop()));
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

describe('node rotate-identity', () => {
  // Split seeds chosen so the small validation split holds defaulted enterprises (a one-class split cannot be evaluated).
  it('re-joins under new keys through a logged rotation; models, alignment, training, scoring and the audit carry on', async () => {
    const scoreBefore = await requester.session.score({ enterprise: subject, consent, model: modelBefore });
    await waitForCosignedLatest(s.coordinatorAddress, s.fed.as('auditor-1'), SITES.length, 30_000);
    const firstAudit = await auditVerify({ coordinator: s.coordinatorAddress, transport: s.fed.as('auditor-1'), stateFile: auditState() });
    expect(firstAudit.findings).toEqual([]);

    const before = (await listNodes(s)).find((n) => n.site === 'tax')!;
    expect(before.keyFingerprint).toMatch(/^[0-9a-f]{16}$/);
    // A running node keeps its keys: the operator stops it first.
    const whileRunning = await runCli(['node', 'rotate-identity', '--data', nodeDir(s, 'tax')]);
    expect(whileRunning.code).not.toBe(0);
    await nodes.get('tax')!.stop();
    const rotated = await runCli(['node', 'rotate-identity', '--data', nodeDir(s, 'tax'), '--json']);
    expect(rotated.code, rotated.stderr).toBe(0);
    const result = JSON.parse(rotated.stdout) as { site: string; previousFingerprint: string; fingerprint: string };
    expect(result).toMatchObject({ site: 'tax', previousFingerprint: before.keyFingerprint });
    expect(result.fingerprint).not.toBe(before.keyFingerprint);

    nodes.set('tax', await spawnNode(s, 'tax'));
    await waitForNodes(s, (ns) => ns.some((n) => n.site === 'tax' && n.keyFingerprint === result.fingerprint && n.health === 'SERVING'));
    const after = await listNodesCli(s);
    expect(after.map((n) => [n.site, n.health, n.keyFingerprint === (n.site === 'tax' ? result.fingerprint : n.keyFingerprint)])).toEqual(SITES.map((site) => [site, 'SERVING', true]).sort());

    // The model trained under the old key scores the same enterprise the same way (the data did not change).
    const scoreAfter = await requester.session.score({ enterprise: subject, consent, model: modelBefore });
    expect(scoreAfter.points).toBe(scoreBefore.points);
    expect(scoreAfter.coverage).toEqual(scoreBefore.coverage);

    // New work under the new keys: alignment (sealed PSI to the new sealing key), training, a query on the new model.
    const { modelVersion } = await alignAndTrain(s, 'rotated');
    const fresh = await requester.session.score({ enterprise: subject, consent, model: modelVersion });
    expect(fresh.model).toBe(modelVersion);
    expect(fresh.coverage.every((c) => c.covered)).toBe(true);

    // The auditor pinned the old key: it follows the logged rotation, lists it, and passes.
    await waitForCosignedLatest(s.coordinatorAddress, s.fed.as('auditor-1'), SITES.length, 30_000);
    const audit = await auditVerify({ coordinator: s.coordinatorAddress, transport: s.fed.as('auditor-1'), stateFile: auditState() });
    expect(audit.findings).toEqual([]);
    expect(audit.ok).toBe(true);
    expect(audit.entriesByKind['node-key-rotation']).toBe(1);
    expect(audit.identityChanges).toEqual([expect.objectContaining({ kind: 'rotation', site: 'tax', from: before.keyFingerprint, to: result.fingerprint })]);
    expect(audit.nodeRecords['tax']).toBeGreaterThan(0);
    // A new auditor, trusting on first use after the rotation, checks the whole log and passes.
    // A pinned witness key the log does not rotate from is not followed: TRUST_CHANGED.
    const state = JSON.parse(fs.readFileSync(auditState(), 'utf8')) as { witnesses: Record<string, { site: string; key: string }> };
    const taxWitness = Object.keys(state.witnesses).find((name) => state.witnesses[name]!.site === 'tax')!;
    state.witnesses[taxWitness]!.key = '5a'.repeat(32);
    fs.writeFileSync(path.join(s.dir, 'tampered-auditor.json'), JSON.stringify(state));
    const tampered = await auditVerify({ coordinator: s.coordinatorAddress, transport: s.fed.as('auditor-1'), stateFile: path.join(s.dir, 'tampered-auditor.json') });
    expect(tampered.findings.map((f) => f.code)).toContain('TRUST_CHANGED');
    const printed = await runCli(['audit', 'verify', '--coordinator', s.coordinatorAddress, '--state', path.join(s.dir, 'cli-auditor.json'), ...s.fed.tls('auditor-1')]);
    expect(printed.code, printed.stdout + printed.stderr).toBe(0);
    expect(printed.stdout).toContain(`rotation of tax from key ${before.keyFingerprint} to key ${result.fingerprint}`);
    expect(printed.stdout).toContain('OK: no findings');
  }, 300_000);
});
