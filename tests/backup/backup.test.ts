/**
 * Online backup and restore: backups of a running node and a running coordinator taken while
 * writes are in flight restore to a consistent state that serves again and passes audit verify.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../log/audit/verify.js';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server.js';
import { creditCodeCheckChar } from '../../schema/credit-code.js';
import { fetchBackup } from '../../backup/service.js';
import { readBackupFile, restoreBackup } from '../../backup/backup.js';
import { makeEntry } from '../../log/entries.js';
import { INSECURE } from '../../lib/tls.js';
import { startNode, type RunningNode } from '../../node/server.js';
import { NodeStore } from '../../site/store.js';
import { uploadFile } from '../../node/upload.js';

const quiet = () => undefined;
let dir: string;
let coordinator: RunningCoordinator;
let node: RunningNode;

function billsFile(name: string, codes: number, month: string): string {
  const lines = ['credit_code,period,kwh,amount_due,amount_paid,days_late'];
  for (let i = 0; i < codes; i++) {
    const body = `91350100MA${String(i).padStart(7, '0')}`;
    lines.push(`${body}${creditCodeCheckChar(body)},${month},${100 + i},80,80,0`);
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-backup-'));
  coordinator = await startCoordinator({ dataDir: path.join(dir, 'coordinator'), transport: INSECURE, checkpointIntervalMs: 100, log: quiet });
  node = await startNode({ site: 'power', dataDir: path.join(dir, 'power'), transport: INSECURE, coordinator: coordinator.address, witnessIntervalMs: 100, log: quiet });
  await node.registered;
  await uploadFile(node.address, INSECURE, billsFile('jan.csv', 2_000, '2025-01'));
});

afterAll(async () => {
  await node?.stop();
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function counts(dataDir: string): Promise<Record<string, number>> {
  const store = await NodeStore.open(dataDir);
  try {
    return (await store.getMeta()).counts ?? {};
  } finally {
    await store.close();
  }
}

describe('online backup and restore', () => {
  it('a node backed up during an ingest restores to a state with the whole file or none of it', async () => {
    const file = path.join(dir, 'node.fcbk');
    const ingest = uploadFile(node.address, INSECURE, billsFile('feb.csv', 2_000, '2025-02'));
    const { bytes } = await fetchBackup(node.address, INSECURE, { role: 'site', name: 'power' }, file);
    await ingest;
    expect(bytes).toBeGreaterThan(10_000);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const restored = path.join(dir, 'power-restored');
    const { header } = await restoreBackup(file, restored);
    expect(header).toMatchObject({ role: 'site', site: 'power', databases: ['store'], files: ['identity.pem', 'sealing.key'] });
    expect([2_000, 4_000]).toContain((await counts(restored)).power_bill);
    // The restored node keeps its identity: the same key file, byte for byte.
    expect(fs.readFileSync(path.join(restored, 'identity.pem'))).toEqual(fs.readFileSync(path.join(dir, 'power', 'identity.pem')));
  });

  it('a coordinator backed up while entries are appended restores, serves, and passes audit verify', async () => {
    const file = path.join(dir, 'coordinator.fcbk');
    const appends = Promise.all(Array.from({ length: 300 }, (_, i) =>
      coordinator.transparencyLog.append(makeEntry('alignment-job', { jobId: `job-${i}`, requester: 'operator', sites: ['power'], purpose: 'test', time: Date.now() }))));
    await fetchBackup(coordinator.address, INSECURE, { role: 'coordinator' }, file);
    await appends;

    const restoredDir = path.join(dir, 'coordinator-restored');
    const { header } = await restoreBackup(file, restoredDir);
    // Every store, the job records' large strings (training/large-strings.ts) with the records.
    expect(header.databases).toEqual(['registry', 'log', 'alignments', 'models', 'training', 'training-strings', 'consent', 'monitoring']);
    const restored = await startCoordinator({ dataDir: restoredDir, transport: INSECURE, log: quiet });
    try {
      const summary = await auditVerify({ coordinator: restored.address, transport: INSECURE, stateFile: path.join(dir, 'auditor.json'), quorum: 0 });
      expect(summary.findings).toEqual([]);
      expect(summary.checkpoint?.size).toBeGreaterThanOrEqual(1);
    } finally {
      await restored.stop();
    }
  });

  it('a damaged backup is refused before anything is written, and so is a non-empty target', async () => {
    const file = path.join(dir, 'node.fcbk');
    const damaged = path.join(dir, 'damaged.fcbk');
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x40;
    fs.writeFileSync(damaged, bytes);
    expect(() => readBackupFile(damaged)).toThrow(/checksum mismatch/);
    await expect(restoreBackup(damaged, path.join(dir, 'never'))).rejects.toThrow(/not a usable fedcredit backup: checksum mismatch/);
    expect(fs.existsSync(path.join(dir, 'never'))).toBe(false);

    fs.writeFileSync(path.join(dir, 'truncated.fcbk'), fs.readFileSync(file).subarray(0, 5_000));
    await expect(restoreBackup(path.join(dir, 'truncated.fcbk'), path.join(dir, 'never'))).rejects.toThrow(/not a usable fedcredit backup/);
    await expect(restoreBackup(file, path.join(dir, 'power'))).rejects.toThrow(/is not empty; restore into an empty or new folder/);
  });
});
