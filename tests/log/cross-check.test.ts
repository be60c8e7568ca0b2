/**
 * Cross-checking the nodes' signed served records against the log, `audit entries` for one
 * enterprise, and what an auditor receives: coordinator and nodes in this process (so the test
 * can log entries and make records directly, as later protocols will), talking real gRPC.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server.js';
import { startNode, type RunningNode } from '../../node/server.js';
import { uploadFile } from '../../node/upload.js';
import { creditCodeCheckChar } from '../../schema/credit-code.js';
import { entryProblem, makeEntry } from '../../log/entries.js';
import { bindEnterpriseKey, keyBindingEntry } from '../../consent/verify.js';
import { generateIdentity } from '../../crypto/identity.js';
import { auditVerify, type AuditSummary } from '../../log/audit/verify.js';
import { entriesAbout } from '../../log/audit/entries.js';
import { runCli, waitForFinal } from './federation-helpers.js';
import { nodeAuditClient } from '../../proto/clients.js';
import { call } from '../../lib/grpc.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';

const code = (body: string) => body + creditCodeCheckChar(body);
const SUBJECT = code('91350100M000100Y4');
const OTHER = code('91350100M000300Y4');
// Distinctive raw values, so finding one in a message cannot be a coincidence.
const BILLS = ['credit_code,period,kwh,amount_due,amount_paid,days_late', `${OTHER},2025-01,123457,98765.43,98765.43,0`, `${OTHER},2025-02,113579,87654.31,80000.17,17`];
const quiet = () => undefined;
let dir: string;
let coordinator: RunningCoordinator;
let tax: RunningNode;
let power: RunningNode;
let queryIndex: number;
let mismatchIndex: number;
const received: { method: string; message: unknown }[] = [];
let summary: AuditSummary;
let fed: TestFederation;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-xcheck-'));
  fed = await testFederation(dir);
  coordinator = await startCoordinator({ dataDir: path.join(dir, 'coordinator'), transport: fed.as('coordinator'), checkpointIntervalMs: 100, log: quiet });
  const node = (site: string) => startNode({ site, dataDir: path.join(dir, site), transport: fed.as(site), coordinator: coordinator.address, witnessIntervalMs: 100, log: quiet });
  tax = await node('tax');
  power = await node('power');
  await Promise.all([tax.registered, power.registered]);
  fs.writeFileSync(path.join(dir, 'bills.csv'), `${BILLS.join('\n')}\n`);
  await uploadFile(power.address, fed.as('power-operator'), path.join(dir, 'bills.csv'));

  // A query both nodes served; only power keeps a record of it.
  const query = makeEntry('query', {
    queryId: 'q-1', requester: 'bank-requester', subject: SUBJECT, consentId: 'c-1', purpose: 'credit-review', model: 'lr-1', sites: ['tax', 'power'], time: Date.now(),
  });
  queryIndex = (await coordinator.transparencyLog.append(query)).index;
  await power.servedRecords.record({ entry: query, requester: 'bank-requester', logIndex: queryIndex });
  // The coordinator told tax its training job is entry N, but N is something else.
  // A validly signed key registration: auditors check the registrar's signature on it.
  mismatchIndex = (await coordinator.transparencyLog.append(keyBindingEntry(bindEnterpriseKey(generateIdentity(), SUBJECT, generateIdentity().publicKey)))).index;
  const job = makeEntry('training-job', { jobId: 'j-1', requester: 'bank', sites: ['tax'], purpose: 'model-training', model: 'lr', parameters: { epochs: 3 }, time: Date.now() });
  await tax.servedRecords.record({ entry: job, requester: 'coordinator', logIndex: mismatchIndex });
  await waitForFinal(coordinator.address, fed.as('auditor-1'), 4, 2);
  summary = await auditVerify({ coordinator: coordinator.address, transport: fed.as('auditor-1'), stateFile: path.join(dir, 'auditor.json'), observe: (method, message) => received.push({ method, message }) });
}, 40_000);

afterAll(async () => {
  await Promise.all([tax?.stop(), power?.stop()]);
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('nodes\' served records against the log', () => {
  it('reports a log entry naming a node that has no record of it', () => {
    expect(summary.findings).toContainEqual({
      code: 'ENTRY_UNRECORDED', index: queryIndex, message: `log entry ${queryIndex} (query) names node tax, which has no record of serving it`,
    });
    expect(summary.findings.filter((f) => f.code === 'ENTRY_UNRECORDED')).toHaveLength(1); // power has its record
  });

  it('reports a node record whose log entry is something else', () => {
    const f = summary.findings.find((x) => x.code === 'RECORD_MISMATCH');
    expect(f?.index).toBe(mismatchIndex);
    expect(f?.message).toMatch(new RegExp(`node tax record #1 says log entry ${mismatchIndex} is a training-job .* but the log's entry ${mismatchIndex} is a enterprise-key-registration`));
    expect(summary.findings).toHaveLength(2);
    expect(summary.nodeRecords).toEqual({ tax: 1, power: 2 });
  });

  it('`audit entries` lists the entries about one enterprise, complete for the cosigned checkpoint', async () => {
    const mine = await entriesAbout({ coordinator: coordinator.address, transport: fed.as('auditor-1'), enterprise: SUBJECT });
    expect(mine.entries.map((e) => [e.index, e.kind])).toEqual([[queryIndex, 'query'], [mismatchIndex, 'enterprise-key-registration']]);
    expect(mine.cosignedBy).toEqual(['power.witness.fedcredit', 'tax.witness.fedcredit']);
    const cli = await runCli(['audit', 'entries', '--coordinator', coordinator.address, '--enterprise', OTHER, ...fed.tls('auditor-1')]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`0 log entries about ${OTHER}`);
    const bad = await runCli(['audit', 'entries', '--coordinator', coordinator.address, '--enterprise', `${OTHER.slice(0, 17)}I`, ...fed.tls('auditor-1')]);
    expect(bad.stderr).toMatch(/error \[BAD_REQUEST\]: '.{18}' names no enterprise: bad character 'I' at position 18/);
  });

  it('`audit entries` is a readable table (ISO times, kinds in words, short keys), filtered, and whole in --json and --csv', async () => {
    const auditor = fed.tls('auditor-1');
    const table = await runCli(['audit', 'entries', '--coordinator', coordinator.address, ...auditor]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^(\d+) of \1 log entries \(log size \d+, cosigned by power\.witness\.fedcredit, tax\.witness\.fedcredit\):\n#\s+time \(UTC\)\s+kind\s+requester\s+enterprise\s+details\n/);
    expect(table.stdout).toMatch(new RegExp(`\\n${queryIndex}\\s+\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\\s+score query\\s+bank-requester\\s+${SUBJECT}\\s+consentId c-1, model lr-1, purpose credit-review, queryId q-1, sites tax,power\\n`));
    expect(table.stdout).toMatch(/node registered\s+-\s+-\s+address 127\.0\.0\.1:\d+, certificate [0-9a-f]{12}…/);
    expect(table.stdout).toMatch(/enterprise key registered .* enterpriseKey [0-9a-f]{12}…/);
    expect(table.stdout, 'keys are shortened in the table').not.toMatch(/[0-9a-f]{40}/);
    expect(table.stdout).not.toMatch(/"time":|\b1\d{12}\b/);

    const json = JSON.parse((await runCli(['audit', 'entries', '--coordinator', coordinator.address, '--kind', 'score query', '--requester', 'bank-requester', '--json', ...auditor])).stdout) as {
      shown: number; entries: { index: number; kind: string; kindText: string; time: string; timeMs: number; enterprises: string[]; body: Record<string, unknown> }[];
    };
    expect(json.shown).toBe(1);
    expect(json.entries[0]).toMatchObject({ index: queryIndex, kind: 'query', kindText: 'score query', enterprises: [SUBJECT], body: { queryId: 'q-1', requester: 'bank-requester' } });
    expect(new Date(json.entries[0]!.time).getTime()).toBe(json.entries[0]!.timeMs);

    const future = new Date(Date.now() + 86_400_000).toISOString();
    const none = await runCli(['audit', 'entries', '--coordinator', coordinator.address, '--since', future, ...auditor]);
    expect(none.stdout).toMatch(/^0 of \d+ log entries/);

    const csv = await runCli(['audit', 'entries', '--coordinator', coordinator.address, '--enterprise', SUBJECT, '--until', future, '--csv', ...auditor]);
    const lines = csv.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe('index,time,kind,kind_text,requester,enterprises,body');
    expect(lines).toHaveLength(3); // the query and the key registration about SUBJECT
    expect(lines[2]).toMatch(new RegExp(`^${mismatchIndex},[^,]+Z,enterprise-key-registration,enterprise key registered,,${SUBJECT},"\\{""enterpriseKey"":""[0-9a-f]{64}""`));
  });

  it('`node served --enterprise`: the node\'s operator finds the query about an enterprise; an auditor gets no subjects beside the records', async () => {
    const served = await runCli(['node', 'served', '--node', power.address, '--enterprise', SUBJECT, '--json', ...fed.tls('power-operator')]);
    expect(served.code, served.stderr).toBe(0);
    expect(JSON.parse(served.stdout)).toMatchObject({
      site: 'power', verified: true, shown: 1, records: [{ what: 'query', requester: 'bank-requester', logIndex: queryIndex, enterprises: [SUBJECT] }],
    });
    const asAuditor = nodeAuditClient(power.address, fed.as('auditor-1'), 'power');
    try {
      const res = await call(asAuditor, asAuditor.GetServedRecords, { from: 0 });
      expect(res.records.length).toBeGreaterThan(1);
      expect(res.records.every((r) => r.subjects.length === 0)).toBe(true);
    } finally {
      asAuditor.close();
    }
  });

  it('the auditor receives metadata only: no raw record or feature value in any message', async () => {
    expect(new Set(received.map((r) => r.method))).toEqual(new Set([
      'TransparencyLog.GetLogInfo', 'TransparencyLog.GetCheckpoint', 'TransparencyLog.GetEntries', 'NodeAudit.GetServedRecords',
    ]));
    // Bytes fields as the text they carry, so values inside entries and records are searched too.
    const text = JSON.stringify(received, (_k, v: unknown) => {
      if (v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer') return Buffer.from((v as { data: number[] }).data).toString('latin1');
      return v;
    });
    for (const raw of ['123457', '98765.43', '113579', '87654.31', '80000.17', OTHER]) expect(text).not.toContain(raw);
    const features = await power.store.featureVector(OTHER);
    expect(features?.length).toBeGreaterThan(3);
    for (const v of features!) if (!Number.isInteger(v)) expect(text).not.toContain(String(v).slice(0, 8));
  });

  it('entry kinds are checked field by field', () => {
    expect(entryProblem({ v: 1, kind: 'query', body: { queryId: 'q', time: 1 } })).toMatch(/query: missing field requester/);
    expect(entryProblem({ v: 1, kind: 'revocation', body: { subject: SUBJECT, consentId: 'c', signerKey: 'ab', signature: 'cd', time: 1, score: 0.7 } })).toBe('revocation: unknown fields score');
    expect(() => makeEntry('query', { subject: 'x' })).toThrow(RangeError);
  });
});
