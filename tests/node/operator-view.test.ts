/**
 * The site operator's view of its running node (issue 17): `node status --node` shows counts,
 * catalogue, tables, the last ingest, alarms and witness state over gRPC; `node served` lists
 * whom the node answered, filtered; an ingest through the running node reports progress; and
 * --json numbers are numbers. Real processes: a coordinator and a node over mutual TLS.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { creditCodeCheckChar } from '../../schema/credit-code.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { until } from '../helpers/wait.js';

const code = (n: number) => {
  const body = `91350100M${String(n).padStart(6, '0')}Y4`.slice(0, 17);
  return body + creditCodeCheckChar(body);
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-operator-view-'));
let fed: TestFederation;
let coordinator: SpawnedParty;
let node: SpawnedParty;

beforeAll(async () => {
  fed = await testFederation(dir);
  coordinator = await spawnParty('coordinator', ['coordinator', 'serve', '--data', path.join(dir, 'coord'), '--port', '0', ...fed.tls('coordinator')]);
  node = await spawnParty('power node', ['node', 'serve', '--site', 'power', '--data', path.join(dir, 'power'), '--port', '0', '--coordinator', coordinator.address, ...fed.tls('power')]);
});

afterAll(async () => {
  await Promise.all([node?.stop(), coordinator?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

function fedcredit(...args: string[]) {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A bills file of `n` enterprises x 12 months: big enough that the node takes a few seconds. */
function bills(file: string, enterprises: number): void {
  const lines = ['credit_code,period,kwh,amount_due,amount_paid,days_late'];
  for (let e = 1; e <= enterprises; e++) {
    for (let m = 1; m <= 12; m++) lines.push(`${code(e)},2025-${String(m).padStart(2, '0')},${1000 + e},${800 + m},${800 + m},0`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('the operator\'s view of a running node', () => {
  it('ingest through the running node prints progress (rows, bytes, rate, ETA) and --json counts are numbers', async () => {
    const file = path.join(dir, 'bills.csv');
    bills(file, 20_000);
    // Progress lines go to stderr; without a terminal one every 2 s, so a slow ingest is never silent.
    const child = spawn(process.execPath, [cliPath(), 'node', 'ingest', '--data', path.join(dir, 'power'), '--file', file, ...fed.tls('power-operator')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(status, stderr).toBe(0);
    expect(stdout).toMatch(/bills\.csv: 240000 power_bill rows stored/);
    expect(stderr).toMatch(/ingest bills\.csv: (sending|validating|committing|features): [\d,]+ rows, [\d.]+ (KiB|MiB|B)( of [\d.]+ (KiB|MiB) \(\d+%\))?, [\d.]+ (B|KiB|MiB)\/s/);

    const again = path.join(dir, 'bills-2.csv');
    fs.writeFileSync(again, `credit_code,period,kwh,amount_due,amount_paid,days_late\n${code(1)},2026-01,1,1,1,0\n`);
    const json = fedcredit('node', 'ingest', '--node', node.address, '--file', again, '--json', ...fed.tls('power-operator'));
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ committed: true, rows: 1, enterprises: 20_000, problemCount: 0 });
  });

  it('node status --node: counts, catalogue, last ingest, witness state, as numbers', async () => {
    // The witness cosigns once the coordinator's log has the node's registration.
    let view: Record<string, unknown> = {};
    await until(async () => {
      const r = fedcredit('node', 'status', '--node', node.address, '--json', ...fed.tls('power-operator'));
      view = JSON.parse(r.stdout) as Record<string, unknown>;
      return (view['witness'] as { cosignedSize?: number } | undefined)?.cosignedSize !== undefined && (view['witness'] as { cosignedSize: number }).cosignedSize > 0;
    }, 'the node\'s witness to cosign', { intervalMs: 500, timeoutMs: 60_000, detail: () => JSON.stringify(view).slice(0, 400) });
    expect(view).toMatchObject({
      site: 'power', running: node.address, health: 'SERVING', alarms: [], counts: { power_bill: 240_001 }, enterprises: 20_000, ingestCount: 2,
      ingests: [expect.objectContaining({ fileName: 'bills.csv', rows: 240_000, seq: expect.any(Number) }), expect.objectContaining({ fileName: 'bills-2.csv', rows: 1 })],
    });
    expect((view['catalogue'] as { name: string }[]).length).toBeGreaterThan(3);
    const text = fedcredit('node', 'status', '--data', path.join(dir, 'power'), ...fed.tls('power-operator'));
    expect(text.stdout).toMatch(/site power \(running at .*, health SERVING\), 20000 enterprises/);
    expect(text.stdout).toMatch(/witness: cosigned the coordinator's log up to size \d+/);
    expect(text.stdout).toMatch(/last ingest: .* bills-2\.csv \(1 power_bill rows; 2 ingests in all\)/);
    expect(text.stdout).toMatch(/power_bill: 240001 records/);
    expect(text.stdout).not.toMatch(/stop it for counts/);
  });

  it('node status --node needs the node\'s own operator', () => {
    const r = fedcredit('node', 'status', '--node', node.address, '--json', ...fed.tls('tax-operator'));
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: expect.stringMatching(/IDENTITY_MISMATCH|TLS_PEER|UNAVAILABLE/) } });
  });

  it('node served: whom the node answered, filtered by requester, kind, enterprise and time', () => {
    const all = JSON.parse(fedcredit('node', 'served', '--node', node.address, '--json', ...fed.tls('power-operator')).stdout) as {
      total: number; verified: boolean; records: { requester: string; what: string; time: string; timeMs: number; logIndex: number }[];
    };
    expect(all.verified).toBe(true);
    expect(all.records).toEqual([expect.objectContaining({ requester: 'coordinator', what: 'node-registration', logIndex: expect.any(Number) })]);
    const t = all.records[0]!.timeMs;
    const count = (...filters: string[]) => (JSON.parse(fedcredit('node', 'served', '--node', node.address, '--json', ...filters, ...fed.tls('power-operator')).stdout) as { shown: number }).shown;
    expect(count('--requester', 'coordinator')).toBe(1);
    expect(count('--requester', 'bank-a')).toBe(0);
    expect(count('--kind', 'query')).toBe(0);
    expect(count('--enterprise', code(1))).toBe(0);
    expect(count('--since', new Date(t + 1000).toISOString())).toBe(0);
    expect(count('--until', new Date(t + 1000).toISOString(), '--since', new Date(t - 1000).toISOString())).toBe(1);
    const table = fedcredit('node', 'served', '--data', path.join(dir, 'power'), ...fed.tls('power-operator'));
    expect(table.stdout).toMatch(/^1 of 1 served records of node power \(signatures and chain verified\)\nseq\s+time \(UTC\)\s+kind\s+requester\s+log entry\s+enterprise\n0\s+\d{4}-\d{2}-\d{2}T[\d:.]+Z\s+node-registration\s+coordinator\s+#\d+\s+-\n$/);
    const bad = fedcredit('node', 'served', '--node', node.address, '--since', 'yesterday', ...fed.tls('power-operator'));
    expect(bad.stderr).toMatch(/--since must be an ISO-8601 date or time/);
  });
});
