/**
 * Issue 17, "run it like a service": a coordinator and a data node started from their config
 * files only (real processes, mutual TLS, LevelDB on disk), probed over their HTTP readiness
 * endpoints and the standard grpc.health.v1 service, and scraped for Prometheus metrics whose
 * counters must move during an ingest and a query, with no enterprise id in any label, metric
 * or log line. Also: a node whose coordinator is unreachable says so at once, with the address.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataNodeClient } from '../../proto/clients.js';
import { creditCodeCheckChar } from '../../schema/credit-code.js';
import { call } from '../../lib/grpc.js';
import { freePort } from '../../lib/party-processes.js';
import { cliPath, spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { channelCredentials, channelOptionsFor } from '../../lib/tls.js';
import { uploadFile } from '../../node/upload.js';
import { execFileSync } from 'node:child_process';
import { FedcreditError } from '../../lib/errors.js';
import { configArgs, expandServeConfig, loadPartyConfig, stripJsonComments } from '../../lib/party-config.js';
import { describeConfig } from '../../lib/serve-cli.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { logLine, until } from '../helpers/wait.js';

const A = '91350100M000200Y4' + creditCodeCheckChar('91350100M000200Y4');
const B = '91350100M000300Y4' + creditCodeCheckChar('91350100M000300Y4');
const BILLS = ['credit_code,period,kwh,amount_due,amount_paid,days_late',
  `${A},2025-01,1200,960,960,0`, `${A},2025-02,1100,880,880,3`, `${B},2025-01,500,400,400,0`];

let dir: string;
let fed: TestFederation;
let coordinator: SpawnedParty;
let node: SpawnedParty;
let nodeHttp: string;
let coordinatorHttp: string;

/** Writes a config file with a comment, as an operator would. */
function writeConfig(name: string, settings: Record<string, unknown>): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `// ${name}: written by tests/ops/service.test.ts\n${JSON.stringify(settings, null, 2)}\n`);
  return file;
}

async function scrape(base: string): Promise<string> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one sample (0 when the series does not exist yet). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-ops-'));
  fed = await testFederation(dir, ['power']);
  const coordinatorPort = await freePort();
  const coordinatorConfig = writeConfig('coordinator.json', {
    data: 'coordinator', tls: path.relative(dir, fed.folder('coordinator')), port: coordinatorPort, http: { port: 0 }, log: { format: 'json' },
  });
  const nodeConfig = writeConfig('power.json', {
    site: 'power', data: 'node-power', tls: path.relative(dir, fed.folder('power')), coordinator: `127.0.0.1:${coordinatorPort}`,
    witnessInterval: 200, http: { port: 0 }, log: { format: 'json' },
  });
  // The node first, so it meets an unreachable coordinator and must say so.
  node = await spawnParty('power node', ['node', 'serve', '--config', nodeConfig], { startTimeoutMs: 30_000 });
  await logLine(node, /unreachable/, 10_000);
  coordinator = await spawnParty('coordinator', ['coordinator', 'serve', '--config', coordinatorConfig], { startTimeoutMs: 30_000 });
  nodeHttp = `http://127.0.0.1:${httpPortOf(node)}`;
  coordinatorHttp = `http://127.0.0.1:${httpPortOf(coordinator)}`;
}, 90_000);

afterAll(async () => {
  await Promise.all([node?.stop(), coordinator?.stop()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function httpPortOf(party: SpawnedParty): number {
  if (!party.httpPort) throw new Error(`${party.name} announced no HTTP port; its log:\n${party.logLines.join('\n')}`);
  return party.httpPort;
}

describe('a node and a coordinator run from config files', () => {
  it('the node said at once that its coordinator was unreachable, with the address and what to check', () => {
    const line = node.logLines.find((l) => l.includes('unreachable'))!;
    const entry = JSON.parse(line) as { level: string; event: string; msg: string; party: string };
    expect(entry).toMatchObject({ level: 'warn', event: 'coordinator_unreachable', party: 'power' });
    expect(entry.msg).toMatch(/coordinator 127\.0\.0\.1:\d+ unreachable \(attempt 1;/);
    expect(entry.msg).toMatch(/Check that the coordinator runs/);
  });

  it('the node becomes ready (store open, registered, log followed), probed over HTTP', async () => {
    expect((await fetch(`${nodeHttp}/livez`)).status).toBe(200);
    let last = '';
    await until(async () => {
      const res = await fetch(`${nodeHttp}/readyz`);
      last = `${res.status} ${await res.text()}`;
      return res.status === 200;
    }, 'the node\'s /readyz to answer 200', { intervalMs: 200, detail: () => last });
    expect(JSON.parse(last.slice(4))).toEqual({ role: 'node', ready: true, checks: { store: true, registered: true, logFollowed: true } });
    const coord = await fetch(`${coordinatorHttp}/readyz`);
    expect(coord.status).toBe(200);
  }, 90_000);

  it('answers grpc.health.v1 Check as SERVING once ready', async () => {
    const transport = fed.as('power-operator');
    const expectPeer = { role: 'site' as const, name: 'power' };
    const Health = grpc.makeGenericClientConstructor(healthService as unknown as grpc.ServiceDefinition, 'Health');
    const client = new Health(node.address, channelCredentials(transport, expectPeer), channelOptionsFor(transport, {}, expectPeer));
    try {
      const res = await new Promise<{ status: string | number }>((resolve, reject) => {
        (client as unknown as { Check: (req: object, cb: (err: Error | null, res: { status: string | number }) => void) => void })
          .Check({ service: '' }, (err, r) => (err ? reject(err) : resolve(r)));
      });
      expect(['SERVING', 1]).toContain(res.status);
    } finally {
      client.close();
    }
  });

  it('metrics move during an ingest and a query, and carry no enterprise id', async () => {
    const before = await scrape(nodeHttp);
    const file = path.join(dir, 'bills.csv');
    fs.writeFileSync(file, `${BILLS.join('\n')}\n`);
    const report = await uploadFile(node.address, fed.as('power-operator'), file);
    expect(report).toMatchObject({ committed: true, kind: 'power_bill' });
    const afterIngest = await scrape(nodeHttp);
    expect(sample(afterIngest, 'fedcredit_grpc_requests_total', { method: 'DataNode/IngestFile', code: 'OK' }))
      .toBe(sample(before, 'fedcredit_grpc_requests_total', { method: 'DataNode/IngestFile', code: 'OK' }) + 1);
    expect(sample(afterIngest, 'fedcredit_ingests')).toBe(sample(before, 'fedcredit_ingests') + 1);
    expect(sample(afterIngest, 'fedcredit_store_records', { kind: 'power_bill' })).toBe(3);
    expect(sample(afterIngest, 'fedcredit_store_enterprises')).toBe(2);
    expect(sample(afterIngest, 'fedcredit_grpc_request_duration_seconds_count', { method: 'DataNode/IngestFile' })).toBeGreaterThan(0);

    const client = dataNodeClient(node.address, fed.as('power-operator'), 'power');
    try {
      await call(client, client.GetRecordCounts, {});
      await call(client, client.GetCatalogue, {});
    } finally {
      client.close();
    }
    const afterQuery = await scrape(nodeHttp);
    expect(sample(afterQuery, 'fedcredit_grpc_requests_total', { method: 'DataNode/GetRecordCounts', code: 'OK' }))
      .toBe(sample(afterIngest, 'fedcredit_grpc_requests_total', { method: 'DataNode/GetRecordCounts', code: 'OK' }) + 1);
    expect(sample(afterQuery, 'fedcredit_grpc_requests_total', { method: 'DataNode/GetCatalogue', code: 'OK' })).toBeGreaterThan(0);
    // The witness follows the coordinator's log; its lag is a number of seconds, not "never".
    expect(sample(afterQuery, 'fedcredit_witness_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(afterQuery, 'fedcredit_registered')).toBe(1);

    const coord = await scrape(coordinatorHttp);
    expect(sample(coord, 'fedcredit_log_size')).toBeGreaterThanOrEqual(1);
    expect(sample(coord, 'fedcredit_grpc_requests_total', { method: 'Coordinator/RegisterNode', code: 'OK' })).toBeGreaterThanOrEqual(1);

    for (const text of [afterQuery, coord]) {
      for (const id of [A, B]) expect(text).not.toContain(id);
      expect(text).not.toContain('2025-01');
    }
  }, 60_000);

  it('logs are JSON lines with time, level, party and event; none carries a record', async () => {
    const lines = [...node.logLines, ...coordinator.logLines].filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry).toEqual(expect.objectContaining({ time: expect.any(String), level: expect.any(String), party: expect.any(String), event: expect.any(String), msg: expect.any(String) }));
      for (const id of [A, B]) expect(line).not.toContain(id);
    }
    expect(node.logLines.some((l) => /"event":"ingested"/.test(l))).toBe(true);
    // A line per served request: whom, which log entry.
    expect(node.logLines.some((l) => /"event":"served","msg":"served node-registration to coordinator \(log entry \d+\)"/.test(l))).toBe(true);
  });
});

describe('config check', () => {
  const check = (settings: Record<string, unknown>) => {
    const file = writeConfig('check.json', settings);
    try {
      describeConfig('node', file);
      return 'OK';
    } catch (err) {
      expect(err).toBeInstanceOf(FedcreditError);
      expect((err as FedcreditError).code).toBe('CONFIG_INVALID');
      return (err as Error).message;
    }
  };

  it('prints what the node would do (the CLI)', () => {
    const file = writeConfig('good.json', { site: 'power', data: 'elsewhere', tls: fed.folder('power'), port: 7001, http: { port: 9464 } });
    const out = execFileSync(process.execPath, [cliPath(), 'node', 'config', 'check', '--config', file], { encoding: 'utf8' });
    expect(out).toMatch(/listen +127\.0\.0\.1:7001/);
    expect(out).toMatch(/mutual TLS as site\/power/);
    expect(out).toMatch(/http:\/\/127\.0\.0\.1:9464/);
    expect(out).toMatch(/data +.*elsewhere \(created on first start\)/);
  }, 60_000);

  it('names the key, what was wrong and what to do', () => {
    expect(check({ site: 'power', data: 'x', tls: fed.folder('power'), witnessIntervall: 5 })).toMatch(/key "witnessIntervall" is not a node setting; did you mean "witnessInterval"\?/);
    expect(check({ site: 'power', data: 'x', tls: fed.folder('power'), port: '80' })).toMatch(/key "port" must be a port number 0-65535, not "80"/);
    expect(check({ site: 'power', data: 'x', tls: fed.folder('power'), http: { port: 9464, host: 3 } })).toMatch(/key "http.host" must be a non-empty string, not 3/);
    expect(check({ data: 'x', tls: fed.folder('power') })).toMatch(/key "site" is missing; add it/);
    expect(check({ site: 'power', data: 'x', tls: fed.folder('coordinator') })).toMatch(/key "tls" names .* coordinator\/coordinator, but this config runs site\/power/);
    expect(check({ site: 'power', data: 'x', tls: path.join(dir, 'nosuch') })).toMatch(/key "tls" names .*nosuch, which has no ca\.crt/);
    expect(check({ site: 'power', data: 'x', tls: fed.folder('power'), policy: 'nosuch.json' })).toMatch(/key "policy" names .*nosuch\.json, which does not exist/);
    expect(check({ site: 'power', data: 'x', tls: fed.folder('power'), log: { format: 'xml' } })).toMatch(/key "log.format" must be one of json, human/);
  });

  it('turns a file into flags the command line overrides', () => {
    const file = writeConfig('flags.json', { site: 'power', data: 'd', tls: fed.folder('power'), port: 7001, exitOnRefusal: true });
    const argv = expandServeConfig(['node', 'fedcredit', 'node', 'serve', '--config', file, '--port', '7002']);
    expect(argv.slice(0, 4)).toEqual(['node', 'fedcredit', 'node', 'serve']);
    expect(argv).toContain('--exit-on-refusal');
    // Commander keeps the last value: the command line's.
    expect(argv.lastIndexOf('--port')).toBeGreaterThan(argv.indexOf('--port'));
    expect(argv[argv.lastIndexOf('--port') + 1]).toBe('7002');
    expect(argv).not.toContain('--config');
    const env: NodeJS.ProcessEnv = { FEDCREDIT_TRAINING_RETRY_MS: '1', FEDCREDIT_TLS: '/elsewhere' };
    const coordinatorFile = writeConfig('env.json', { data: 'd', insecure: true, trainingRetryMs: 5000, modelKindModules: ['a.js', 'b.js'], debug: true });
    expect(configArgs(loadPartyConfig('coordinator', coordinatorFile), env)).toEqual(['--data', path.join(dir, 'd'), '--insecure']);
    // The file overrides the environment; what it does not name stays.
    expect(env).toEqual({ FEDCREDIT_TRAINING_RETRY_MS: '5000', FEDCREDIT_MODEL_KIND_MODULES: 'a.js,b.js', FEDCREDIT_DEBUG: '1', FEDCREDIT_TLS: '/elsewhere' });
    expect(stripJsonComments('{"a": "x//y", /* c */ "b": 1} // end')).toBe('{"a": "x//y",         "b": 1} \n');
  });
});
