/**
 * The three DataNode reads the operator's console needs (docs/design/console.md 5):
 * ListTables (every table version, as `node tables` shows it, from the running node),
 * ListIngests (the whole history, paged by the manifest's sequence) and GetPolicy (the policy
 * the node runs with). A real node process over mutual TLS; another site's operator is refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../lib/grpc.js';
import { cliPath, spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { dataNodeClient, nodeMonitoringClient } from '../../proto/clients.js';
import { creditCodeCheckChar } from '../../schema/credit-code.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';

const code = (n: number) => {
  const body = `91350100M${String(n).padStart(6, '0')}Y4`.slice(0, 17);
  return body + creditCodeCheckChar(body);
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-console-rpcs-'));
const policyFile = path.join(dir, 'policy.json');
let fed: TestFederation;
let node: SpawnedParty;

function ingest(name: string, table: string, column: string, scale = 1.5): void {
  const file = path.join(dir, name);
  const lines = [`id,${column}`];
  for (let e = 1; e <= 30; e++) lines.push(`${code(e)},${e * scale}`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  const r = spawnSync(process.execPath, [cliPath(), 'node', 'ingest', '--node', node.address, '--file', file, '--kind', 'features', '--table', table, '--json', ...fed.tls('tax-operator')], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
}

beforeAll(async () => {
  fed = await testFederation(dir);
  fs.writeFileSync(policyFile, JSON.stringify({ purposes: ['credit-scoring'], excludeFeatures: ['secret_col'], queryRequesters: ['bank-a'], monitoring: { shareCsi: 'none' } }));
  node = await spawnParty('tax node', ['node', 'serve', '--site', 'tax', '--data', path.join(dir, 'tax'), '--port', '0', '--policy', policyFile, ...fed.tls('tax')]);
  ingest('main-1.csv', 'main', 'revenue');
  ingest('main-2.csv', 'main', 'revenue', 2.5);
  ingest('extra-1.csv', 'extra', 'employees');
}, 120_000);

afterAll(async () => {
  await node?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('DataNode reads for the operator console', () => {
  it('ListTables: every version, which is active, rows and columns', async () => {
    const client = dataNodeClient(node.address, fed.as('tax-operator'), 'tax');
    const { tables } = await call(client, client.ListTables, {});
    client.close();
    expect(tables.map((t) => [t.name, t.version, t.active, Number(t.rows), t.columns])).toEqual([
      ['extra', 1, true, 30, ['employees']],
      ['main', 1, false, 30, ['revenue']],
      ['main', 2, true, 30, ['revenue']],
    ]);
    expect(tables[2]?.fileName).toBe('main-2.csv');
    expect(tables[2]?.ingestedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(tables[2]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ListIngests: pages through the whole history by token, oldest first; limits refused', async () => {
    const client = dataNodeClient(node.address, fed.as('tax-operator'), 'tax');
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await call(client, client.ListIngests, { pageToken: token, pageSize: 2 });
      expect(Number(page.total)).toBe(3);
      expect(page.ingests.length).toBeLessThanOrEqual(2);
      seen.push(...page.ingests.map((i) => i.fileName));
      token = page.nextPageToken;
      pages++;
    } while (token !== '' && pages < 10);
    expect(pages).toBe(2);
    expect(seen).toEqual(['main-1.csv', 'main-2.csv', 'extra-1.csv']);
    const all = await call(client, client.ListIngests, { pageToken: '', pageSize: 0 });
    expect(all.ingests.map((i) => i.kind)).toEqual(['features', 'features', 'features']);
    expect(all.nextPageToken).toBe('');
    await expect(call(client, client.ListIngests, { pageToken: '', pageSize: 101 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call(client, client.ListIngests, { pageToken: 'abc', pageSize: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    client.close();
  });

  it('GetPolicy: the effective policy with defaults, and the file it came from', async () => {
    const client = dataNodeClient(node.address, fed.as('tax-operator'), 'tax');
    const policy = await call(client, client.GetPolicy, {});
    client.close();
    expect(policy.file).toBe(policyFile);
    expect(Number(policy.loadedMs)).toBeGreaterThan(Date.now() - 10 * 60_000);
    expect(JSON.parse(policy.policyJson)).toEqual({
      allowPlaintext: false, coordinators: ['coordinator'], excludeFeatures: ['secret_col'], monitoring: { shareCsi: 'none' }, purposes: ['credit-scoring'], queryRequesters: ['bank-a'],
    });
  });

  it('the policy\'s monitoring.shareCsi reaches the node\'s monitoring: a run\'s end shares no CSI', async () => {
    // docs/design/monitoring.md 5.2: the site decides; the coordinator's FinishRun reply says so.
    const client = nodeMonitoringClient(node.address, fed.as('coordinator'), 'tax');
    const reply = await call(client, client.FinishRun, { runId: 'run-never-started' });
    client.close();
    expect([reply.site, reply.sharePolicy, reply.features]).toEqual(['tax', 'none', []]);
  });

  it('another site\'s operator and a requester are refused all three', async () => {
    for (const [party, code] of [['power-operator', 'IDENTITY_MISMATCH'], ['bank-a', 'ROLE_NOT_ALLOWED']] as const) {
      const client = dataNodeClient(node.address, fed.as(party), 'tax');
      await expect(call(client, client.ListTables, {})).rejects.toMatchObject({ code });
      await expect(call(client, client.ListIngests, { pageToken: '', pageSize: 10 })).rejects.toMatchObject({ code });
      await expect(call(client, client.GetPolicy, {})).rejects.toMatchObject({ code });
      client.close();
    }
  });
});
