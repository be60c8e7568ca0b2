/**
 * Tampering with the coordinator's log store under a running federation (real processes):
 * an entry deleted, two entries swapped or one rewritten in LevelDB behind the coordinator's
 * back is found by `audit verify`; a coordinator that re-signs the forged tree (as a
 * malicious one would) is refused by every witness, which raises an alarm the operator sees
 * (stderr, Health, `node status`), and `audit verify` reports the split view or rollback.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Level } from 'level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataNodeClient } from '../../proto/clients.js';
import { call } from '../../lib/grpc.js';
import { canonicalJson, decodeEntry } from '../../log/entries.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { TransparencyLog } from '../../log/store.js';
import { entryKey } from '../../log/store-keys.js';
import { identityFromPem } from '../../crypto/identity.js';
import { auditVerify, type AuditSummary } from '../../log/audit/verify.js';
import { startCoordinatorProcess, startNodeProcess, runCli, waitForFinal } from './federation-helpers.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { logLine, until } from '../helpers/wait.js';

const SITES = ['tax', 'power', 'bank'];
const ORIGIN = 'fedcredit.local/log';
let dir: string;
let coordinator: SpawnedParty;
let port: number;
const nodes: SpawnedParty[] = [];
let logDir: string;
let backup: string;
let goodState: string;
let fed: TestFederation;

const codes = (s: AuditSummary) => s.findings.map((f) => f.code);

async function restartCoordinator(tamper: () => Promise<void>): Promise<void> {
  await coordinator.stop();
  await tamper();
  coordinator = await startCoordinatorProcess(dir, ['--port', String(port)]);
}

async function restore(): Promise<void> {
  await restartCoordinator(async () => {
    fs.rmSync(logDir, { recursive: true, force: true });
    fs.cpSync(backup, logDir, { recursive: true });
  });
}

async function editStore(edit: (db: Level<string, Uint8Array>) => Promise<void>): Promise<void> {
  const db = new Level<string, Uint8Array>(logDir, { valueEncoding: 'view' });
  await db.open();
  try {
    await edit(db);
  } finally {
    await db.close();
  }
}

function freshAudit(name: string): Promise<AuditSummary> {
  return auditVerify({ coordinator: coordinator.address, transport: fed.as('auditor-1'), stateFile: path.join(dir, `${name}.json`) });
}

/** Re-encodes entry bytes with the address changed: still a canonical, well-formed entry. */
function rewritten(bytes: Uint8Array): Uint8Array {
  const d = decodeEntry(bytes);
  if (!d.ok) throw new Error(d.reason);
  return new TextEncoder().encode(canonicalJson({ v: 1, kind: d.entry.kind, body: { ...d.entry.body, address: '10.6.6.6:666' } }));
}

/** What a malicious coordinator does: rebuild the tree from forged entries and sign it. */
async function resign(entries: (list: Uint8Array[]) => Uint8Array[]): Promise<void> {
  const db = new Level<string, Uint8Array>(logDir, { valueEncoding: 'view' });
  await db.open();
  const original = await db.getMany([0, 1, 2].map(entryKey)) as Uint8Array[];
  await db.close();
  fs.rmSync(logDir, { recursive: true, force: true });
  const id = identityFromPem(fs.readFileSync(path.join(dir, 'coordinator', 'identity.pem'), 'utf8'));
  const log = await TransparencyLog.open({ path: logDir, origin: ORIGIN, signer: { name: ORIGIN, publicKey: id.publicKey, sign: (m) => id.sign(m) } });
  for (const e of entries(original)) await log.append(e);
  await log.checkpoint();
  await log.close();
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-txtamper-'));
  fed = await testFederation(dir);
  coordinator = await startCoordinatorProcess(dir);
  port = coordinator.port;
  for (const site of SITES) nodes.push(await startNodeProcess(dir, site, coordinator.address));
  await waitForFinal(coordinator.address, fed.as('auditor-1'), 3, 3);
  goodState = path.join(dir, 'good.json');
  const first = await auditVerify({ coordinator: coordinator.address, transport: fed.as('auditor-1'), stateFile: goodState });
  expect(first.ok).toBe(true);
  logDir = path.join(dir, 'coordinator', 'log');
  backup = path.join(dir, 'log-backup');
  await restartCoordinator(async () => fs.cpSync(logDir, backup, { recursive: true }));
}, 40_000);

afterAll(async () => {
  await Promise.all([...nodes.map((n) => n.stop()), coordinator?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('tampering with the coordinator\'s LevelDB store', () => {
  it('a rewritten entry: the root no longer matches, and the node\'s own record contradicts the log', async () => {
    await restartCoordinator(() => editStore(async (db) => {
      await db.put(entryKey(1), rewritten((await db.get(entryKey(1)))!));
    }));
    const fresh = await freshAudit('fresh-rewrite');
    expect(codes(fresh)).toContain('ROOT_MISMATCH');
    expect(fresh.findings.find((f) => f.code === 'ROOT_MISMATCH')!.message).toMatch(/deleted, reordered or rewritten/);
    // The incremental audit does not re-read old entries; --full does, and the node's record disagrees.
    expect((await auditVerify({ coordinator: coordinator.address, transport: fed.as('auditor-1'), stateFile: goodState })).ok).toBe(true);
    const full = await auditVerify({ coordinator: coordinator.address, transport: fed.as('auditor-1'), stateFile: goodState, full: true });
    expect(codes(full)).toEqual(expect.arrayContaining(['ROOT_MISMATCH', 'RECORD_MISMATCH', 'ENTRY_UNRECORDED']));
    expect(full.findings.find((f) => f.code === 'RECORD_MISMATCH')!.message).toMatch(/record #0 says log entry 1 is a node-registration with leaf hash \w+\.\.\., but the log's entry 1 is a node-registration with leaf hash \w+\.\.\./);
    await restore();
  });

  it('two entries swapped: found', async () => {
    await restartCoordinator(() => editStore(async (db) => {
      const [a, c] = await db.getMany([entryKey(0), entryKey(2)]);
      await db.batch([{ type: 'put', key: entryKey(0), value: c! }, { type: 'put', key: entryKey(2), value: a! }]);
    }));
    const res = await runCli(['audit', 'verify', '--coordinator', coordinator.address, '--state', path.join(dir, 'fresh-swap.json'), ...fed.tls('auditor-1')]);
    expect(res.code).toBe(2);
    expect(res.stdout).toContain('[ROOT_MISMATCH]');
    expect(res.stdout).toContain('state not advanced');
    await restore();
  });

  it('a deleted entry: the coordinator cannot serve its cosigned tree, and says so', async () => {
    await restartCoordinator(() => editStore((db) => db.del(entryKey(2))));
    const fresh = await freshAudit('fresh-delete');
    expect(fresh.findings).toContainEqual(expect.objectContaining({ code: 'ENTRIES_UNAVAILABLE' }));
    expect(fresh.findings.map((f) => f.message).join('\n')).toMatch(/missing entry 2/);
    await restore();
    expect((await freshAudit('fresh-restored')).ok).toBe(true);
  });

  it('a re-signed forgery of the same size: every witness refuses (split view) and raises an alarm', async () => {
    await restartCoordinator(() => resign((list) => [list[0]!, rewritten(list[1]!), list[2]!]));
    const client = dataNodeClient(nodes[0]!.address, fed.as('tax-operator'), 'tax');
    try {
      let status = '';
      await until(async () => (status = (await call(client, client.Health, {})).status) === 'ALARM', 'node tax\'s health to be ALARM', { intervalMs: 100, detail: () => status });
    } finally {
      client.close();
    }
    expect(nodes[0]!.logLines.join('\n')).toMatch(/ALARM: \[node tax\] witness refused to cosign the coordinator's checkpoint: SPLIT_VIEW: same size different root/);
    const known = await auditVerify({ coordinator: coordinator.address, transport: fed.as('auditor-1'), stateFile: goodState });
    expect(codes(known)).toEqual(expect.arrayContaining(['SPLIT_VIEW', 'NO_FINAL_CHECKPOINT']));
    expect(known.findings.find((f) => f.code === 'SPLIT_VIEW')!.message).toMatch(/signed two different trees of size 3/);
  });

  it('a re-signed log with an entry deleted: witnesses see a rollback; the operator sees it in node status', async () => {
    await restartCoordinator(() => resign((list) => [list[0]!, list[2]!]));
    expect(await logLine(nodes[1]!, /ALARM: .*ROLLBACK/)).toMatch(/ALARM: \[node power\] .*ROLLBACK: checkpoint size 2 is smaller than the already cosigned size 3/);
    const known = await auditVerify({ coordinator: coordinator.address, transport: fed.as('auditor-1'), stateFile: goodState });
    expect(codes(known)).toContain('ROLLBACK');
    const live = await runCli(['node', 'status', '--data', path.join(dir, 'node-power'), ...fed.tls('power-operator')]);
    expect(live.stdout).toMatch(/site power \(running at .*, health ALARM\)/);
    expect(live.stdout).toMatch(/ALARM .* ROLLBACK: /);
    await nodes[1]!.stop();
    const status = await runCli(['node', 'status', '--data', path.join(dir, 'node-power')]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/ALARM .* SPLIT_VIEW: /);
    expect(status.stdout).toMatch(/ALARM .* ROLLBACK: /);
  });
});
