/**
 * Scoring.ListRequesterEntries and Scoring.ListQueryableModels over real mutual TLS
 * (scoring/requester-entries.ts): a bank lists only the entries whose requester is its own
 * certified name, whatever filter it sends, and learns the models' scales but no metric.
 * (tests/security/roles.test.ts checks that every other role is refused both methods.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server.js';
import { initFederation } from '../../lib/init-cli.js';
import { partyTransport } from '../../lib/tls.js';
import { call } from '../../lib/grpc.js';
import { scoringClient } from '../../proto/clients.js';
import { decodeEntry, makeEntry, type LogEntry } from '../../log/entries.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';
import { DEFAULT_SCORE_SCALE } from '../../scoring/score-scale.js';
import type { ListRequesterEntriesRequest } from '../../proto/gen/fedcredit/v1/ListRequesterEntriesRequest.js';
import type { RequesterEntries__Output } from '../../proto/gen/fedcredit/v1/RequesterEntries.js';

let dir: string;
let fedDir: string;
let coordinator: RunningCoordinator;

const query = (requester: string, subject: string, time: number): LogEntry => makeEntry('query', {
  queryId: `q-${requester}-${time}`, requester, subject, consentId: `c-${subject}`, purpose: 'credit-assessment', model: 'm1', sites: ['bank', 'tax'], time,
});
const refusal = (requester: string, subject: string, time: number): LogEntry => makeEntry('refusal', {
  queryId: `r-${requester}-${time}`, requester, subject, refusedBy: 'coordinator', reason: 'CONSENT_REVOKED', time,
});
const rescore = (requester: string, subject: string, time: number): LogEntry => makeEntry('rescore', {
  run: 0, requester, subject, consentId: `c-${subject}`, consentHash: 'ab'.repeat(32), sites: ['bank', 'tax'], time,
});
const rescoreSkip = (requester: string, subject: string, time: number): LogEntry => makeEntry('rescore-skip', {
  run: 0, requester, subject, consentId: `c-${subject}`, refusedBy: 'coordinator', reason: 'CONSENT_EXPIRED', time,
});

function list(party: string, req: ListRequesterEntriesRequest): Promise<RequesterEntries__Output> {
  const client = scoringClient(coordinator.address, partyTransport(fedDir, party));
  return call(client, client.ListRequesterEntries, req).finally(() => client.close());
}

const requesters = (r: RequesterEntries__Output) => r.entries.map((e) => {
  const d = decodeEntry(new Uint8Array(e.entry));
  if (!d.ok) throw new Error(d.reason);
  return { index: Number(e.logIndex), kind: d.entry.kind, requester: d.entry.body['requester'], subject: d.entry.body['subject'] };
});

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-requester-entries-'));
  fedDir = path.join(dir, 'federation');
  await initFederation({ out: fedDir, sites: ['tax', 'bank'], requesters: ['bank-a', 'bank-b'], auditors: ['auditor-1'] });
  coordinator = await startCoordinator({ dataDir: path.join(dir, 'coordinator'), transport: partyTransport(fedDir, 'coordinator'), log: () => undefined, resumeTraining: false });
  const log = coordinator.transparencyLog;
  // Interleaved: bank-a's and bank-b's entries of every listed kind, and kinds never listed.
  for (const e of [
    query('bank-a', 'ENT-A', 1000), query('bank-b', 'ENT-B', 1001), refusal('bank-b', 'ENT-A', 1002), refusal('bank-a', 'ENT-C', 1003),
    rescore('bank-a', 'ENT-A', 1004), rescoreSkip('bank-b', 'ENT-B', 1005), rescoreSkip('bank-a', 'ENT-A', 1006),
    makeEntry('refusal-summary', { requester: 'bank-a', refusedBy: 'coordinator', reason: 'CONSENT_REVOKED', count: 3, from: 900, time: 1007 }),
    makeEntry('training-job', { jobId: 'j1', requester: 'bank-a', sites: ['bank', 'tax'], purpose: 'credit-assessment', model: 'lr', parameters: {}, time: 1008 }),
    query('bank-a/evil', 'ENT-A', 1009), query('bank-a', 'ENT-B', 1010),
  ]) await log.append(e);
  await coordinator.models.put({
    modelVersion: 'm1', jobId: 'j1', alignmentId: 'a1', purpose: 'credit-assessment', kind: 'lr',
    sites: [{ site: 'bank', role: 'bank', featureCount: 3 }, { site: 'tax', role: 'passive', featureCount: 2 }],
    params: DEFAULT_PARAMS, scale: DEFAULT_SCORE_SCALE, createdAt: '2026-12-01T00:00:00.000Z',
    metrics: { auc: 0.812, ks: 0.47, report: { auc: 0.812, confusion: [[1, 2], [3, 4]] } },
  });
  await coordinator.models.put({
    modelVersion: 'm2', jobId: 'j2', alignmentId: 'a1', purpose: 'loan-monitoring',
    sites: [{ site: 'bank', role: 'bank', featureCount: 3 }, { site: 'tax', role: 'passive', featureCount: 2 }],
    params: DEFAULT_PARAMS, scale: { basePoints: 500, baseOdds: 10, pointsToDoubleOdds: 40 }, createdAt: '2026-12-02T00:00:00.000Z', metrics: { auc: 0.79 },
  });
}, 60_000);

afterAll(async () => {
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Scoring.ListRequesterEntries', () => {
  it('returns the caller\'s own query, refusal, rescore and rescore-skip entries, newest first', async () => {
    const a = await list('bank-a', {});
    expect(requesters(a)).toEqual([
      { index: 10, kind: 'query', requester: 'bank-a', subject: 'ENT-B' },
      { index: 6, kind: 'rescore-skip', requester: 'bank-a', subject: 'ENT-A' },
      { index: 4, kind: 'rescore', requester: 'bank-a', subject: 'ENT-A' },
      { index: 3, kind: 'refusal', requester: 'bank-a', subject: 'ENT-C' },
      { index: 0, kind: 'query', requester: 'bank-a', subject: 'ENT-A' },
    ]);
    expect(a.nextPageToken).toBe('');
    expect(Number(a.treeSize)).toBe(coordinator.transparencyLog.store.size);
    expect(requesters(await list('bank-b', {})).map((e) => e.index)).toEqual([5, 2, 1]);
  });

  it('never returns another requester\'s entry, whatever the filter or page token', async () => {
    const filters: ListRequesterEntriesRequest[] = [
      { subject: 'ENT-B' }, { subject: 'ENT-A', kinds: ['refusal'] }, { kinds: ['rescore-skip'] }, { pageToken: '3' }, { pageToken: '100' },
      { sinceMs: 1001, untilMs: 1002 }, { pageSize: 1 },
    ];
    for (const f of filters) {
      for (const e of requesters(await list('bank-a', f))) expect(e.requester, JSON.stringify(f)).toBe('bank-a');
      for (const e of requesters(await list('bank-b', f))) expect(e.requester, JSON.stringify(f)).toBe('bank-b');
    }
    // bank-b's refusal about ENT-A is not in bank-a's answer about ENT-A.
    expect(requesters(await list('bank-a', { subject: 'ENT-A' })).map((e) => e.index)).toEqual([6, 4, 0]);
  });

  it('filters by kinds, subject and time, and pages with next_page_token', async () => {
    expect(requesters(await list('bank-a', { kinds: ['query', 'refusal'] })).map((e) => e.index)).toEqual([10, 3, 0]);
    expect(requesters(await list('bank-a', { sinceMs: 1003, untilMs: 1006 })).map((e) => e.index)).toEqual([6, 4, 3]);
    const seen: number[] = [];
    let token = '';
    for (let page = 0; page < 10; page++) {
      const r = await list('bank-a', { pageSize: 2, pageToken: token });
      seen.push(...requesters(r).map((e) => e.index));
      token = r.nextPageToken;
      if (!token) break;
    }
    expect(seen).toEqual([10, 6, 4, 3, 0]);
  });

  it('refuses kinds it does not list, a bad token and pages over 500, with BAD_REQUEST', async () => {
    await expect(list('bank-a', { kinds: ['training-job'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(list('bank-a', { pageToken: 'r/bank-b/0' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(list('bank-a', { pageSize: 501 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('Scoring.ListQueryableModels', () => {
  it('lists versions, purposes, sites, scales and boundaries, newest first, and no metric', async () => {
    const client = scoringClient(coordinator.address, partyTransport(fedDir, 'bank-b'));
    const r = await call(client, client.ListQueryableModels, {}).finally(() => client.close());
    expect(r.models.map((m) => [m.modelVersion, m.kind, m.purpose, m.sites, m.trainedMs])).toEqual([
      ['m2', 'lr', 'loan-monitoring', ['bank', 'tax'], String(Date.parse('2026-12-02T00:00:00.000Z'))],
      ['m1', 'lr', 'credit-assessment', ['bank', 'tax'], String(Date.parse('2026-12-01T00:00:00.000Z'))],
    ]);
    expect(r.models[0]!.scale).toEqual({ basePoints: 500, baseOdds: 10, pointsToDoubleOdds: 40 });
    expect(r.models[1]!.grades[0]).toEqual({ grade: 'AAA', minPoints: 800 });
    expect(r.models[1]!.warnings.map((w) => w.level)).toEqual(['red', 'yellow', 'blue']);
    // Not the AUC, KS or anything of the report, under any field name.
    const text = JSON.stringify(r);
    for (const leak of ['0.812', '0.79', '0.47', 'auc', 'confusion']) expect(text).not.toContain(leak);
  });
});
