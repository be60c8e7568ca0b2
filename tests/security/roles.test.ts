/**
 * Every RPC of every service checks the caller's certified role, driven by the one table in
 * lib/rpc-roles.ts: each method is called with each role the table does not allow (refused:
 * PERMISSION_DENIED, ROLE_NOT_ALLOWED), with the right role under another identity where the
 * rule binds one (IDENTITY_MISMATCH), and with an allowed identity (never refused). A method
 * without a table entry fails here. Coordinator and node run in this process over real TLS.
 * Services declared but not yet served (lib/rpc-roles.ts NOT_YET_SERVED) must answer
 * UNIMPLEMENTED everywhere, so serving one without handing it to these checks fails here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server.js';
import { startNode, type RunningNode } from '../../node/server.js';
import { PARTY_ROLES, type PartyRole } from '../../lib/federation-ca.js';
import { NOT_YET_SERVED, ruleFor, type ServiceName } from '../../lib/rpc-roles.js';
import { channelCredentials, channelOptionsFor, type ExpectedPeer } from '../../lib/tls.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { allServiceMethods, callMethod, type CallOutcome, type ServiceMethod } from './rpc-caller.js';

let dir: string;
let fed: TestFederation;
let coordinator: RunningCoordinator;
let node: RunningNode;
const serverLog: string[] = [];

/** Parties of each role in the test federation; the first is used for wrong-role calls. */
const PARTIES: Record<PartyRole, string[]> = {
  coordinator: ['coordinator'],
  site: ['tax', 'power'],
  operator: ['tax-operator', 'power-operator', 'coordinator-operator'],
  requester: ['bank-a'],
  auditor: ['auditor-1'],
};
const NAME_OF: Record<string, string> = { 'tax-operator': 'tax', 'power-operator': 'power', 'coordinator-operator': 'coordinator', 'bank-a': 'bank-a', 'auditor-1': 'auditor-1', coordinator: 'coordinator', tax: 'tax', power: 'power' };

interface Server { address: string; name: string; expect: ExpectedPeer }
const servers = (): Server[] => [
  { address: coordinator.address, name: 'coordinator', expect: { role: 'coordinator', name: 'coordinator' } },
  { address: node.address, name: 'tax', expect: { role: 'site', name: 'tax' } },
];

function callAs(party: string, server: Server, m: ServiceMethod, request: object = {}): Promise<CallOutcome> {
  const transport = fed.as(party);
  return callMethod(server.address, channelCredentials(transport, server.expect), channelOptionsFor(transport, {}, server.expect), m, request);
}

/** The outcomes on the servers that implement the service (the others answer UNIMPLEMENTED). */
async function callHosted(party: string, m: ServiceMethod, request: object = {}): Promise<{ server: Server; outcome: CallOutcome }[]> {
  const results = await Promise.all(servers().map(async (server) => ({ server, outcome: await callAs(party, server, m, request) })));
  const hosted = results.filter((r) => r.outcome.code !== grpc.status.UNIMPLEMENTED);
  expect(hosted.length, `${m.service}.${m.method} is served by neither the coordinator nor the node`).toBeGreaterThan(0);
  return hosted;
}

const METHODS = allServiceMethods();
const notYetServed = (m: ServiceMethod): boolean => NOT_YET_SERVED.has(m.service as ServiceName);
/** The methods some party serves: every role is tried on these. */
const SERVED = METHODS.filter((m) => !notYetServed(m));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-roles-'));
  fed = await testFederation(dir);
  const log = (line: string) => serverLog.push(line);
  coordinator = await startCoordinator({ dataDir: path.join(dir, 'coordinator'), transport: fed.as('coordinator'), log });
  node = await startNode({ site: 'tax', dataDir: path.join(dir, 'tax'), transport: fed.as('tax'), coordinator: coordinator.address, witnessIntervalMs: 60_000, log });
  await node.registered;
}, 30_000);

afterAll(async () => {
  await node?.stop();
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the role table covers every RPC', () => {
  it('finds the services of the whole package', () => {
    const services = new Set(METHODS.map((m) => m.service));
    for (const s of ['Coordinator', 'TransparencyLog', 'Alignment', 'DataNode', 'NodeAudit', 'NodeAlignment']) expect(services).toContain(s);
    expect(METHODS.length).toBeGreaterThanOrEqual(22);
  });

  it.each(METHODS.map((m) => [`${m.service}.${m.method}`, m] as const))('%s has an entry in lib/rpc-roles.ts', (_name, m) => {
    expect(ruleFor(m.service, m.method), `add ${m.service}.${m.method} to RPC_ROLES in lib/rpc-roles.ts`).toBeDefined();
  });
});

describe('the table says what the threat model says', () => {
  const roles = (m: ServiceMethod) => Object.keys(ruleFor(m.service, m.method) ?? {});
  const NODE_SERVICES = ['DataNode', 'NodeAudit', 'NodeAlignment', 'NodeMonitoring'];
  const AUDITOR_READS = new Set(['Coordinator.Health', 'TransparencyLog.GetLogInfo', 'TransparencyLog.GetCheckpoint', 'TransparencyLog.GetConsistencyProof',
    'TransparencyLog.GetInclusionProof', 'TransparencyLog.GetEntries', 'NodeAudit.GetServedRecords', 'Alignment.ListAlignments']);

  it('a requester cannot reach a node', () => {
    for (const m of METHODS.filter((x) => NODE_SERVICES.includes(x.service))) expect(roles(m), `${m.service}.${m.method}`).not.toContain('requester');
  });

  it('a site cannot call the coordinator\'s admin API (node list, starting jobs)', () => {
    for (const name of ['Coordinator.ListNodes', 'Alignment.RunAlignment', 'Alignment.ListAlignments']) {
      const m = METHODS.find((x) => `${x.service}.${x.method}` === name)!;
      expect(roles(m), name).not.toContain('site');
    }
  });

  it('an auditor can only read the log and the nodes\' served records', () => {
    for (const m of METHODS.filter((x) => roles(x).includes('auditor'))) expect(AUDITOR_READS, `${m.service}.${m.method}`).toContain(`${m.service}.${m.method}`);
  });

  it('ingesting files and starting alignments take the party\'s own operator', () => {
    for (const name of ['DataNode.IngestFile', 'Alignment.RunAlignment']) {
      const [service, method] = name.split('.') as [string, string];
      expect(ruleFor(service, method), name).toEqual({ operator: 'self' });
    }
  });
});

describe('each RPC refuses every role the table does not allow', () => {
  it.each(SERVED.map((m) => [`${m.service}.${m.method}`, m] as const))('%s', async (_name, m) => {
    const rule = ruleFor(m.service, m.method) ?? {};
    const wrong = PARTY_ROLES.filter((role) => !(role in rule));
    for (const role of wrong) {
      for (const { outcome } of await callHosted(PARTIES[role][0]!, m)) {
        expect(outcome, `${role} calling ${m.service}.${m.method}`).toMatchObject({ code: grpc.status.PERMISSION_DENIED, errorCode: 'ROLE_NOT_ALLOWED' });
      }
    }
  });
});

describe('where a rule binds the caller\'s identity, the right role as someone else is refused', () => {
  const bound = SERVED.flatMap((m) => Object.entries(ruleFor(m.service, m.method) ?? {})
    .filter(([, binding]) => binding !== 'any')
    .map(([role, binding]) => [`${m.service}.${m.method} as ${role}`, m, role as PartyRole, binding] as const));

  it.each(bound)('%s', async (_name, m, role, binding) => {
    for (const server of servers()) {
      let party: string | undefined;
      let request: object = {};
      if (binding === 'self') party = PARTIES[role].find((p) => NAME_OF[p] !== server.name);
      else {
        party = PARTIES[role][0]!;
        request = { [binding.field]: NAME_OF[party] === 'tax' ? 'power' : 'tax' };
      }
      if (!party) continue;
      const outcome = await callAs(party, server, m, request);
      if (outcome.code === grpc.status.UNIMPLEMENTED) continue;
      expect(outcome, `${party} at ${server.name}`).toMatchObject({ code: grpc.status.PERMISSION_DENIED, errorCode: 'IDENTITY_MISMATCH' });
    }
  });
});

describe('an allowed role with its own identity gets past the check', () => {
  const allowed = SERVED.flatMap((m) => Object.entries(ruleFor(m.service, m.method) ?? {})
    .map(([role, binding]) => [`${m.service}.${m.method} as ${role}`, m, role as PartyRole, binding] as const));

  it.each(allowed)('%s', async (_name, m, role, binding) => {
    for (const server of servers()) {
      const party = binding === 'self' ? PARTIES[role].find((p) => NAME_OF[p] === server.name) : PARTIES[role][0]!;
      if (!party) continue;
      const request = typeof binding === 'object' ? { [binding.field]: NAME_OF[party] } : {};
      const outcome = await callAs(party, server, m, request);
      // The empty request may well be refused for what it says (BAD_REQUEST, NOT_FOUND, ...), never for who sent it.
      expect(outcome.code, `${party} at ${server.name}: ${outcome.details}`).not.toBe(grpc.status.PERMISSION_DENIED);
    }
  });
});

describe('services declared but not yet served (lib/rpc-roles.ts NOT_YET_SERVED)', () => {
  it('name only services of the package, each with methods', () => {
    const services = new Set(METHODS.map((m) => m.service));
    for (const s of NOT_YET_SERVED) expect(services, s).toContain(s);
  });

  it.each(METHODS.filter(notYetServed).map((m) => [`${m.service}.${m.method}`, m] as const))('%s is served by no party yet', async (_name, m) => {
    // Called by an allowed role: a party serving it would answer something else than UNIMPLEMENTED.
    const [role] = Object.keys(ruleFor(m.service, m.method) ?? {}) as PartyRole[];
    for (const server of servers()) {
      const party = PARTIES[role!].find((p) => NAME_OF[p] === server.name) ?? PARTIES[role!][0]!;
      const outcome = await callAs(party, server, m);
      expect(outcome.code, `${m.service}.${m.method} at ${server.name} (${outcome.details}): now served, so take ${m.service} out of NOT_YET_SERVED`).toBe(grpc.status.UNIMPLEMENTED);
    }
  });
});

describe('refusals', () => {
  it('are logged by the refusing party with the caller\'s role and name', () => {
    expect(serverLog.some((l) => /^refused DataNode\.IngestFile from requester\/bank-a: ROLE_NOT_ALLOWED$/.test(l))).toBe(true);
  });

  it('a site cannot register, cosign or relay PSI messages as another site', async () => {
    const register = METHODS.find((m) => m.service === 'Coordinator' && m.method === 'RegisterNode')!;
    const outcome = await callAs('power', servers()[0]!, register, { site: 'tax', address: '127.0.0.1:1' });
    expect(outcome).toMatchObject({ code: grpc.status.PERMISSION_DENIED, errorCode: 'IDENTITY_MISMATCH' });
    expect(outcome.details).toMatch(/site 'tax' is not the caller's certified name 'power'/);
  });
});
