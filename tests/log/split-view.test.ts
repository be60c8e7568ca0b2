/**
 * A malicious coordinator that shows two different logs of the same size to two witnesses
 * (a split view). The coordinator here is test code built from the real log service over two
 * stores under one key; it is not reachable from the product. The nodes are real processes.
 * Each witness alone sees a consistent history, so the split shows in the quorum (the auditor
 * finds too few cosignatures on either view) and, as soon as one witness is shown the other
 * view, in that witness's refusal and alarm.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataNodeClient } from '../../proto/clients.js';
import { call, loadProto, newServer, startServer, stopServer, unary } from '../../lib/grpc.js';
import { makeEntry, nodeRegistrationEntry } from '../../log/entries.js';
import { SerialQueue } from '../../lib/serial-queue.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { creditCodeCheckChar } from '../../schema/credit-code.js';
import { generateIdentity } from '../../crypto/identity.js';
import { CoordinatorLog, transparencyLogHandlers, type WitnessNode } from '../../log/service.js';
import { auditVerify } from '../../log/audit/verify.js';
import { startNodeProcess, waitForFinal } from './federation-helpers.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { logLine, until } from '../helpers/wait.js';

type View = 'A' | 'B';
const code = (body: string) => body + creditCodeCheckChar(body);
let dir: string;
let server: grpc.Server;
let address: string;
let logs: Record<View, CoordinatorLog>;
const nodes: SpawnedParty[] = [];
const view: Record<string, View> = { tax: 'A', power: 'B' };
const registered = new Map<string, WitnessNode>();
let fed: TestFederation;

/** Test-only malicious coordinator: a view per witness, remembered per connection for its follow-up calls. */
async function startSplitViewCoordinator(): Promise<void> {
  const identity = generateIdentity();
  const witnesses = async () => [...registered.values()];
  const open = (name: View) => CoordinatorLog.open({ dataDir: path.join(dir, `log-${name}`), identity, witnessQuorum: 1, checkpointIntervalMs: 100, witnesses, log: () => undefined });
  logs = { A: await open('A'), B: await open('B') };
  const handlers = { A: transparencyLogHandlers(logs.A, () => undefined), B: transparencyLogHandlers(logs.B, () => undefined) };
  const peerView = new Map<string, View>();
  const route = <Req, Res>(pick: (h: typeof handlers.A) => grpc.handleUnaryCall<Req, Res>, choose: (c: grpc.ServerUnaryCall<Req, Res>) => View): grpc.handleUnaryCall<Req, Res> =>
    (c, cb) => pick(handlers[choose(c)])(c, cb);
  const byPeer = (c: { getPeer(): string }): View => peerView.get(c.getPeer()) ?? 'A';
  const serial = new SerialQueue();
  server = newServer();
  const proto = loadProto().fedcredit.v1;
  server.addService(proto.Coordinator.service, {
    RegisterNode: unary(async (req: { site: string; address: string; identityPublicKey: Buffer; sealingPublicKey: Buffer; timestampMs: string; signature: Buffer; tlsCertificate: Buffer; tlsSignature: Buffer }) => serial.run(async () => {
      const reg = { site: req.site, address: req.address, identityPublicKey: new Uint8Array(req.identityPublicKey), sealingPublicKey: new Uint8Array(req.sealingPublicKey), timestampMs: Number(req.timestampMs) };
      registered.set(req.site, { site: req.site, address: req.address, publicKey: reg.identityPublicKey });
      const entry = nodeRegistrationEntry(reg, new Uint8Array(req.signature), { certificate: new Uint8Array(req.tlsCertificate), signature: new Uint8Array(req.tlsSignature) });
      const { index } = await logs.A.append(entry);
      await logs.B.append(entry);
      return { site: req.site, replaced: false, logIndex: index };
    })),
  });
  server.addService(proto.TransparencyLog.service, {
    GetLogInfo: route((h) => h.GetLogInfo, byPeer),
    GetCheckpoint: route((h) => h.GetCheckpoint, (c) => {
      const v = view[c.request.witnessSite] ?? 'A';
      peerView.set(c.getPeer(), v);
      return v;
    }),
    GetConsistencyProof: route((h) => h.GetConsistencyProof, byPeer),
    GetInclusionProof: route((h) => h.GetInclusionProof, byPeer),
    GetEntries: route((h) => h.GetEntries, byPeer),
    SubmitCosignature: route((h) => h.SubmitCosignature, (c) => view[c.request.site] ?? 'A'),
  });
  // It holds the coordinator's certificate: a split view is an attack by the certified coordinator.
  address = `127.0.0.1:${await startServer(server, '127.0.0.1:0', fed.as('coordinator'))}`;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-split-'));
  fed = await testFederation(dir);
  await startSplitViewCoordinator();
  for (const site of ['tax', 'power']) nodes.push(await startNodeProcess(dir, site, address));
  await waitForFinal(address, fed.as('auditor-1'), 2, 1);
  // Same size, different contents: the fork.
  const entry = (subject: string) => makeEntry('enterprise-key-registration', { subject, enterpriseKey: 'aa'.repeat(32), registrarKey: 'bb'.repeat(32), registrarSignature: 'cc'.repeat(64), time: Date.now() });
  await logs.A.append(entry(code('91350100M000100Y4')));
  await logs.B.append(entry(code('91350100M000200Y4')));
  await logs.A.mintCheckpoint();
  await logs.B.mintCheckpoint();
  for (const v of ['A', 'B'] as const) {
    let latest: string | undefined;
    await until(async () => (latest = await logs[v].store.latestCosignedCheckpoint())?.startsWith('fedcredit.local/log\n3\n'),
      `view ${v}'s checkpoint of size 3 to be cosigned`, { timeoutMs: 30_000, intervalMs: 100, detail: () => JSON.stringify(latest) });
  }
}, 40_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  if (server) await stopServer(server);
  await Promise.all(Object.values(logs ?? {}).map((l) => l.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('two different checkpoints of the same size shown to two witnesses', () => {
  it('each view has only its own witness\'s cosignature: the auditor reports the missing quorum', async () => {
    expect(await logs.A.store.latestCosignedCheckpoint()).toContain('tax.witness.fedcredit');
    expect(await logs.B.store.latestCosignedCheckpoint()).toContain('power.witness.fedcredit');
    // The coordinator also names a witness it made up, with no registration in the log.
    registered.set('ghost', { site: 'ghost', address: '127.0.0.1:1', publicKey: generateIdentity().publicKey });
    const summary = await auditVerify({ coordinator: address, transport: fed.as('auditor-1'), stateFile: path.join(dir, 'auditor.json') });
    registered.delete('ghost');
    expect(summary.notices).toContain('witness ghost.witness.fedcredit (node ghost) not pinned: no signed registration under its key in the verified log yet');
    expect(summary.ok).toBe(false);
    const quorum = summary.findings.find((f) => f.code === 'QUORUM_NOT_MET');
    expect(quorum?.message).toMatch(/1 of 2 required witness cosignatures verify \(valid: tax.witness.fedcredit\)/);
    expect(summary.stateSaved).toBe(false);
  });

  it('the witness then shown the other view refuses it as a split view and raises an alarm', async () => {
    view.tax = 'B';
    const tax = nodes[0]!;
    expect(await logLine(tax, /^ALARM:/)).toMatch(/ALARM: \[node tax\] witness refused to cosign the coordinator's checkpoint: SPLIT_VIEW: same size different root: split view \(size 3/);
    const client = dataNodeClient(tax.address, fed.as('tax-operator'), 'tax');
    try {
      expect((await call(client, client.Health, {})).status).toBe('ALARM');
    } finally {
      client.close();
    }
    // The forked view never gets the refusing witness's cosignature.
    expect(await logs.B.store.latestCosignedCheckpoint()).not.toContain('tax.witness.fedcredit');
  });
});
