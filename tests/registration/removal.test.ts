/**
 * A node whose keys are lost (restarted on a fresh data folder) over real processes: the
 * coordinator refuses it with a message that says what to do, the node's health is
 * NOT_REGISTERED with that message on every status call (`node status`), `coordinator nodes`
 * does not show the site SERVING under its stale key, a node started with --exit-on-refusal
 * exits non-zero; only the coordinator's operator may remove the site, and after
 * `coordinator remove-node` the node registers by itself, ingests its exports again, and an
 * alignment, a training job and a score query succeed; the audit lists the removal and passes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../log/audit/verify.js';
import { waitForCosignedLatest } from '../../log/client.js';
import { prepareScoringDemo } from '../../requester/demo.js';
import { readGroundTruth } from '../../sim/read.js';
import { RECORD_KINDS, type Site } from '../../schema/site-schema.js';
import { cliPath, type SpawnedParty } from '../../lib/spawn-party.js';
import { uploadFile } from '../../node/upload.js';
import { runAlignment } from '../../alignment/client.js';
import { FedcreditError } from '../../lib/errors.js';
import { writeTrustedRegistrars } from '../../scoring/protocol.js';
import { consentedRequester, type ConsentedRequester } from '../helpers/consented.js';
import { SITES, ingestAndAlign, makeSetup, spawnCoordinator, spawnNode, type Setup } from '../training-transport/helpers.js';
import type { Identity } from '../../crypto/identity.js';
import { alignAndTrain, listNodes, listNodesCli, nodeDir, nodeHealth, runCli, waitForNodes } from './helpers.js';

let s: Setup;
let coordinator: SpawnedParty;
const nodes = new Map<Site, SpawnedParty>();
let registrar: Identity;
let requester: ConsentedRequester | undefined;
const auditState = () => path.join(s.dir, 'auditor-state.json');

beforeAll(async () => {
  s = await makeSetup('removal', 250, 'removal');
  registrar = prepareScoringDemo([path.join(s.dir, 'coordinator'), ...SITES.map((site) => nodeDir(s, site))]);
  coordinator = await spawnCoordinator(s);
  for (const site of SITES) nodes.set(site, await spawnNode(s, site));
  await ingestAndAlign(s, (site) => nodes.get(site)!.address);
  await waitForCosignedLatest(s.coordinatorAddress, s.fed.as('auditor-1'), SITES.length, 30_000);
  const audit = await auditVerify({ coordinator: s.coordinatorAddress, transport: s.fed.as('auditor-1'), stateFile: auditState() });
  if (!audit.ok) throw new Error(`audit before the loss: ${JSON.stringify(audit.findings)}`);
}, 180_000);

afterAll(async () => {
  requester?.close();
  await Promise.all([coordinator, ...nodes.values()].map((p) => p?.stop()));
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
});

describe('a node on a fresh data folder', () => {
  it('is NOT_REGISTERED with the reason until the coordinator operator removes the site; then the federation works again', async () => {
    const old = (await listNodes(s)).find((n) => n.site === 'power')!;
    // The disk is lost: the node comes back on an empty folder, so with new keys.
    await nodes.get('power')!.stop();
    fs.renameSync(nodeDir(s, 'power'), `${nodeDir(s, 'power')}-lost`);
    writeTrustedRegistrars(nodeDir(s, 'power'), [registrar.publicKey]);
    nodes.set('power', await spawnNode(s, 'power'));

    // Every status call says why and what to do: the Health RPC, and `node status` that asks it.
    let health = await nodeHealth(s, 'power', nodes.get('power')!.address);
    for (let i = 0; i < 100 && health.status !== 'NOT_REGISTERED'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      health = await nodeHealth(s, 'power', nodes.get('power')!.address);
    }
    expect(health.status).toBe('NOT_REGISTERED');
    expect(health.detail).toContain('REGISTRATION_KEY_CONFLICT');
    expect(health.detail).toContain(`registered under identity key ${old.keyFingerprint}`);
    expect(health.detail).toContain('fedcredit coordinator remove-node power');
    expect(health.detail).toContain('fedcredit node rotate-identity');
    const human = await runCli(['node', 'status', '--data', nodeDir(s, 'power'), ...s.fed.tls('power-operator')]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('health NOT_REGISTERED');
    expect(human.stdout).toContain('remove-node power');

    // The coordinator does not pass the stale registration off as serving.
    await waitForNodes(s, (ns) => ns.some((n) => n.site === 'power' && n.health !== 'SERVING'));
    const power = (await listNodesCli(s)).find((n) => n.site === 'power')!;
    expect(power.keyFingerprint).toBe(old.keyFingerprint);
    expect(['KEY_CONFLICT', 'KEY_MISMATCH', 'UNREACHABLE']).toContain(power.health);
    expect(power.lastError).toMatch(/remove-node power|rotate-identity|runs under key/);

    // A job refuses to start rather than reach a node whose messages would not verify.
    const align = await runAlignment(s.coordinatorAddress, s.fed.as('coordinator-operator'), { splitSeed: 'while-refused' }).then(() => undefined, (e: unknown) => e);
    expect(align).toBeInstanceOf(FedcreditError);
    expect((align as FedcreditError).code).toBe('NOT_REGISTERED');
    expect((align as FedcreditError).message).toContain('remove-node power');

    // Told to, a refused node exits non-zero with the reason.
    const exiting = spawnSync(process.execPath, [cliPath(), 'node', 'serve', '--site', 'power', '--data', path.join(s.dir, 'node-power-other'), '--port', '0',
      '--coordinator', s.coordinatorAddress, '--exit-on-refusal', ...s.fed.tls('power')], { encoding: 'utf8', timeout: 60_000 });
    expect(exiting.status, exiting.stderr).not.toBe(0);
    expect(exiting.status).not.toBeNull();
    expect(exiting.stderr).toContain('NOT_REGISTERED');
    expect(exiting.stderr).toContain('remove-node power');

    // Only the coordinator's operator removes a site, and says why.
    const byPowerOperator = await runCli(['coordinator', 'remove-node', 'power', '--reason', 'disk lost', '--coordinator', s.coordinatorAddress, ...s.fed.tls('power-operator')]);
    expect(byPowerOperator.code).not.toBe(0);
    expect(byPowerOperator.stderr).toMatch(/IDENTITY_MISMATCH|ROLE_NOT_ALLOWED/);
    const removed = await runCli(['coordinator', 'remove-node', 'power', '--reason', 'disk lost, ticket 4711', '--key', old.keyFingerprint,
      '--coordinator', s.coordinatorAddress, '--json', ...s.fed.tls('coordinator-operator')]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ site: 'power', removedKeyFingerprint: old.keyFingerprint });

    // The refused node asks again by itself and is accepted under its new key.
    const after = await waitForNodes(s, (ns) => ns.some((n) => n.site === 'power' && n.health === 'SERVING' && n.keyFingerprint !== old.keyFingerprint));
    expect(after.filter((n) => n.site === 'power')).toHaveLength(1);
    expect(await nodeHealth(s, 'power', nodes.get('power')!.address)).toEqual({ status: 'SERVING', detail: '' });

    // The federation works again: the new node ingests its exports, then align, train and score.
    await uploadFile(nodes.get('power')!.address, s.fed.as('power-operator'), path.join(s.dir, 'sites', 'power', RECORD_KINDS.power_bill.fileName), {}, 'power');
    const { modelVersion } = await alignAndTrain(s, 'after-removal');
    requester = consentedRequester({ coordinator: s.coordinatorAddress, as: s.fed.as, registrar, keysDir: path.join(s.dir, 'bank-a-keys') });
    const subject = readGroundTruth(path.join(s.dir, 'sites')).find((r) => r.inTax && r.inPower && r.inBank)!.creditCode;
    const scored = await requester.session.score({ enterprise: subject, consent: await requester.consent(subject), model: modelVersion });
    expect(scored.coverage).toEqual(expect.arrayContaining([{ site: 'power', covered: true }]));

    // The auditor follows power's witness to its new key through the logged removal, and lists it.
    await waitForCosignedLatest(s.coordinatorAddress, s.fed.as('auditor-1'), SITES.length, 30_000);
    const audit = await auditVerify({ coordinator: s.coordinatorAddress, transport: s.fed.as('auditor-1'), stateFile: auditState() });
    expect(audit.findings).toEqual([]);
    expect(audit.entriesByKind['node-removal']).toBe(1);
    expect(audit.identityChanges).toEqual([
      expect.objectContaining({ kind: 'removal', site: 'power', from: old.keyFingerprint, reason: 'disk lost, ticket 4711', by: 'operator/coordinator' }),
      expect.objectContaining({ kind: 'registration after removal', site: 'power', from: old.keyFingerprint }),
    ]);
    // An auditor starting afresh: power's entries from before the loss can no longer be matched
    // with its (lost) record; the audit says so and passes, the removal explaining it.
    const fresh = await auditVerify({ coordinator: s.coordinatorAddress, transport: s.fed.as('auditor-1'), stateFile: path.join(s.dir, 'fresh-auditor.json') });
    expect(fresh.findings).toEqual([]);
    expect(fresh.notices.join('\n')).toMatch(/entries naming node power predate its removal/);
  }, 300_000);
});
