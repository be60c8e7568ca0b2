/**
 * Real processes talking real gRPC: a coordinator and a data node started from the compiled
 * CLI (npm test builds it first), each with its own LevelDB store on disk.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorClient, dataNodeClient } from '../../proto/clients.js';
import { creditCodeCheckChar } from '../../schema/credit-code.js';
import { FedcreditError } from '../../lib/errors.js';
import { call } from '../../lib/grpc.js';
import { spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { uploadFile } from '../../node/upload.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { until } from '../helpers/wait.js';

const A = '91350100M000100Y4' + creditCodeCheckChar('91350100M000100Y4');
const BILLS = ['credit_code,period,kwh,amount_due,amount_paid,days_late', `${A},2025-01,1200,960,960,0`, `${A},2025-02,1100,880,880,3`];

let dir: string;
let coordinator: SpawnedParty;
let node: SpawnedParty;
let fed: TestFederation;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-proc-'));
  fed = await testFederation(dir);
  coordinator = await spawnParty('coordinator', ['coordinator', 'serve', '--data', path.join(dir, 'coord'), '--port', '0', ...fed.tls('coordinator')]);
  node = await spawnParty('power node', ['node', 'serve', '--site', 'power', '--data', path.join(dir, 'power'), '--port', '0', '--coordinator', coordinator.address, ...fed.tls('power')]);
});

afterAll(async () => {
  await Promise.all([node?.stop(), coordinator?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('coordinator and node as separate processes', () => {
  it('run as different OS processes', () => {
    expect(node.child.pid).not.toBe(process.pid);
    expect(node.child.pid).not.toBe(coordinator.child.pid);
  });

  it('the node registers itself and the coordinator sees it healthy', async () => {
    const client = coordinatorClient(coordinator.address, fed.as('coordinator-operator'));
    try {
      let nodes: { site: string; address: string; health: string }[] = [];
      // The coordinator polls health every few seconds: bounded, and says what it saw last.
      await until(async () => {
        ({ nodes } = await call(client, client.ListNodes, {}));
        return nodes[0]?.health === 'SERVING';
      }, 'the coordinator to see node power SERVING', { intervalMs: 100, detail: () => JSON.stringify(nodes) });
      expect(nodes).toEqual([expect.objectContaining({ site: 'power', address: node.address, health: 'SERVING' })]);
    } finally {
      client.close();
    }
  });

  it('answers health, catalogue and counts over gRPC, and takes an upload', async () => {
    const client = dataNodeClient(node.address, fed.as('power-operator'), 'power');
    try {
      const health = await call(client, client.Health, {});
      expect(health).toMatchObject({ status: 'SERVING', role: 'power' });
      expect(health.identityPublicKey).toHaveLength(32);

      const file = path.join(dir, 'bills.csv');
      fs.writeFileSync(file, `${BILLS.join('\n')}\n`);
      const report = await uploadFile(node.address, fed.as('power-operator'), file);
      expect(report).toMatchObject({ committed: true, kind: 'power_bill', rows: '2' });

      const counts = await call(client, client.GetRecordCounts, {});
      expect(counts.records).toEqual([{ kind: 'power_bill', count: '2' }]);
      expect(Number(counts.enterprises)).toBe(1);
      const catalogue = await call(client, client.GetCatalogue, {});
      expect(catalogue.features.length).toBeGreaterThan(3);
      expect(catalogue.asOf).toBe('2025-02');
      // The catalogue describes features; it carries no values.
      expect(JSON.stringify(catalogue)).not.toContain(A);
    } finally {
      client.close();
    }
  });

  it('a rejected upload comes back as a status and a stable code, without a stack trace', async () => {
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, `${BILLS[0]}\n${A},2025-03,lots,1,1,0\n`);
    const err = await uploadFile(node.address, fed.as('power-operator'), file).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FedcreditError);
    expect(err).toMatchObject({ code: 'INGEST_REJECTED', detail: { grpcStatus: 3 } });
    expect((err as Error).message).toMatch(/bad\.csv:2: kwh: 'lots' is not a number/);
    expect((err as Error).message).not.toMatch(/\bat .*\.js:\d+/);
    // And nothing was stored.
    const client = dataNodeClient(node.address, fed.as('power-operator'), 'power');
    try {
      const counts = await call(client, client.GetRecordCounts, {});
      expect(counts.records).toEqual([{ kind: 'power_bill', count: '2' }]);
    } finally {
      client.close();
    }
  });
});
