/**
 * kill -9 at arbitrary points: a node during an ingest, the coordinator during an alignment.
 * After a restart the stores open cleanly, nothing half-written is visible, no acknowledged
 * log entry is lost (the auditor's pre-crash checkpoint stays consistent), and the jobs run again.
 */
import fs from 'node:fs';
import { freePort } from '../../lib/party-processes.js';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../log/audit/verify.js';
import { runAlignment } from '../../alignment/client.js';
import { dataNodeClient } from '../../proto/clients.js';
import { call } from '../../lib/grpc.js';
import { RECORD_KINDS, type Site } from '../../schema/site-schema.js';
import { spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { uploadFile } from '../../node/upload.js';
import { generateFederation } from '../../sim/generate.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';

const SITES: Site[] = ['tax', 'power', 'bank'];
const FILES: Record<Site, (keyof typeof RECORD_KINDS)[]> = { tax: ['tax_rating', 'vat_filing'], power: ['power_bill'], bank: ['loan', 'repayment'] };

let dir: string;
let fed: TestFederation;
let coordinatorPort: number;
let coordinator: SpawnedParty;
const nodes = new Map<Site, SpawnedParty>();
const randomMs = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));


const startCoordinator = () => spawnParty('coordinator', [
  'coordinator', 'serve', '--data', path.join(dir, 'coordinator'), '--port', String(coordinatorPort), '--checkpoint-interval', '100', ...fed.tls('coordinator'),
]);
const startNode = (site: Site) => spawnParty(`node ${site}`, [
  'node', 'serve', '--site', site, '--data', path.join(dir, `node-${site}`), '--port', '0', '--coordinator', `127.0.0.1:${coordinatorPort}`,
  '--witness-interval', '100', ...fed.tls(site),
]);

async function recordCount(site: Site): Promise<Record<string, number>> {
  const client = dataNodeClient(nodes.get(site)!.address, fed.as(`${site}-operator`), site);
  try {
    const counts = await call(client, client.GetRecordCounts, {});
    return Object.fromEntries(counts.records.map((r) => [r.kind, Number(r.count)]));
  } finally {
    client.close();
  }
}

async function audit() {
  // The witnesses cosign asynchronously: give them a moment to catch up with the newest entries.
  let summary = await auditVerify({ coordinator: `127.0.0.1:${coordinatorPort}`, transport: fed.as('auditor-1'), stateFile: path.join(dir, 'auditor.json') });
  for (let i = 0; i < 50 && (!summary.ok || summary.pendingRecords > 0); i++) {
    await new Promise((r) => setTimeout(r, 200));
    summary = await auditVerify({ coordinator: `127.0.0.1:${coordinatorPort}`, transport: fed.as('auditor-1'), stateFile: path.join(dir, 'auditor.json') });
  }
  return summary;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-kill-'));
  fed = await testFederation(dir);
  await generateFederation({ enterprises: 3_000, seed: 'faults', outDir: path.join(dir, 'sites') });
  coordinatorPort = await freePort();
  coordinator = await startCoordinator();
  for (const site of SITES) nodes.set(site, await startNode(site));
});

afterAll(async () => {
  await Promise.all([coordinator, ...nodes.values()].map((p) => p?.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 and restart', () => {
  it('a node killed during an ingest restarts with the file stored whole or not at all', async () => {
    const file = path.join(dir, 'sites', 'power', RECORD_KINDS.power_bill.fileName);
    const upload = uploadFile(nodes.get('power')!.address, fed.as('power-operator'), file, {}, 'power').then(() => 'done', () => 'failed');
    await new Promise((r) => setTimeout(r, randomMs(50, 600)));
    nodes.get('power')!.child.kill('SIGKILL');
    const outcome = await upload;
    nodes.set('power', await startNode('power'));
    const counts = await recordCount('power');
    const rows = fs.readFileSync(file, 'utf8').trim().split('\n').length - 1;
    if (outcome === 'done') expect(counts.power_bill).toBe(rows);
    else expect([undefined, rows]).toContain(counts.power_bill);
    if (counts.power_bill === undefined) await uploadFile(nodes.get('power')!.address, fed.as('power-operator'), file, {}, 'power');
    expect((await recordCount('power')).power_bill).toBe(rows);
  });

  it('the coordinator killed during an alignment restarts with its log intact, and the job runs again', async () => {
    for (const site of ['tax', 'bank'] as const) {
      for (const [i, kind] of FILES[site].entries()) {
        await uploadFile(nodes.get(site)!.address, fed.as(`${site}-operator`), path.join(dir, 'sites', site, RECORD_KINDS[kind].fileName),
          { skipFeatures: i < FILES[site].length - 1 }, site);
      }
    }
    const before = await audit();
    expect(before.ok).toBe(true);

    const job = runAlignment(`127.0.0.1:${coordinatorPort}`, fed.as('coordinator-operator'), {}).then(() => 'done', (e: Error) => e.message);
    await new Promise((r) => setTimeout(r, randomMs(100, 1_500)));
    coordinator.child.kill('SIGKILL');
    const outcome = await job;
    expect(outcome === 'done' || /not reachable|failed|UNAVAILABLE|Connection dropped|CANCELLED|reset/i.test(outcome)).toBe(true);

    coordinator = await startCoordinator();
    // Every entry acknowledged before the crash is still there: the saved checkpoint stays consistent.
    const after = await audit();
    expect(after.findings).toEqual([]);
    expect(after.checkpoint!.size).toBeGreaterThanOrEqual(before.checkpoint!.size);

    const again = await runAlignment(`127.0.0.1:${coordinatorPort}`, fed.as('coordinator-operator'), {});
    expect(Number(again.intersectionSize)).toBeGreaterThan(0);
    const last = await audit();
    expect(last.findings).toEqual([]);
    expect(last.entriesByKind['alignment-job'] ?? 0).toBeGreaterThanOrEqual(1);
  });
});
