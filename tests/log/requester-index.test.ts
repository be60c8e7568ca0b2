/**
 * The requester index (log/requester-index.ts): written in the same synced batch as the entry,
 * keyed so one requester's range never covers another's (a name holding `/`), filtered by
 * kind, subject and time, paged newest first, and rebuilt once for a store written before it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TransparencyLog } from '../../log/store.js';
import { encodeEntry, makeEntry } from '../../log/entries.js';
import { findRequesterEntries, META_REQUESTER_INDEX, REQUESTER_INDEX_PREFIX } from '../../log/requester-index.js';
import { prefixRange } from '../../log/store-keys.js';
import { identity } from './helpers.js';

const ORIGIN = 'fedcredit.test/log';
const signer = identity(ORIGIN);
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-requester-index-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const query = (requester: string, subject: string, time: number) => encodeEntry(makeEntry('query', {
  queryId: `q-${requester}-${subject}-${time}`, requester, subject, consentId: 'c1', purpose: 'credit-assessment', model: 'm1', sites: ['bank', 'tax'], time,
}));
const refusal = (requester: string, subject: string, time: number) => encodeEntry(makeEntry('refusal', {
  queryId: `r-${time}`, requester, subject, refusedBy: 'coordinator', reason: 'CONSENT_REVOKED', time,
}));
const trainingJob = (requester: string, time: number) => encodeEntry(makeEntry('training-job', {
  jobId: 'j1', requester, sites: ['bank', 'tax'], purpose: 'credit-assessment', model: 'lr', parameters: {}, time,
}));

async function indexKeys(log: TransparencyLog): Promise<string[]> {
  const keys: string[] = [];
  for await (const k of log.database.keys(prefixRange(REQUESTER_INDEX_PREFIX))) keys.push(k);
  return keys;
}

describe('the requester index', () => {
  it('is written in the entry\'s own synced batch, for the four kinds only', async () => {
    const log = await TransparencyLog.open({ path: path.join(dir, 'log'), origin: ORIGIN, signer });
    const db = log.database;
    const original = db.batch.bind(db) as (ops: { key: string }[], opts?: { sync?: boolean }) => Promise<void>;
    const synced: string[][] = [];
    (db as unknown as { batch: typeof original }).batch = (ops, opts) => {
      if (opts?.sync) synced.push(ops.map((o) => o.key));
      return original(ops, opts);
    };
    await log.append(query('bank-a', 'ENT-1', 1000));
    await log.append(trainingJob('bank-a', 1001));
    expect(synced).toHaveLength(2);
    expect(synced[0]).toContain('r/bank-a/0000000000000000');
    expect(synced[0]).toContain('e0000000000000000');
    expect(synced[1]!.filter((k) => k.startsWith('r/'))).toEqual([]);
    await log.close();
  });

  it('never lists another requester\'s entries, even one whose name extends the caller\'s with a slash', async () => {
    const log = await TransparencyLog.open({ path: path.join(dir, 'log'), origin: ORIGIN, signer });
    await log.appendBatch([query('bank-a', 'ENT-1', 1000), query('bank-a/x', 'ENT-2', 1001), query('bank-b', 'ENT-1', 1002), refusal('bank-a', 'ENT-3', 1003)]);
    const found = await findRequesterEntries(log.database, { requester: 'bank-a', limit: 10, size: log.size });
    expect(found).toEqual({ indices: [3, 0], next: undefined });
    expect(await indexKeys(log)).toContain('r/bank-a%2Fx/0000000000000001');
    await log.close();
  });

  it('filters by kind, subject and time and pages newest first', async () => {
    const log = await TransparencyLog.open({ path: path.join(dir, 'log'), origin: ORIGIN, signer });
    await log.appendBatch(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? query('bank-a', `ENT-${i % 3}`, 1000 + i) : refusal('bank-a', `ENT-${i % 3}`, 1000 + i))));
    const base = { requester: 'bank-a', size: log.size };
    expect((await findRequesterEntries(log.database, { ...base, limit: 100, kinds: ['refusal'] })).indices).toEqual([9, 7, 5, 3, 1]);
    expect((await findRequesterEntries(log.database, { ...base, limit: 100, subject: 'ENT-0' })).indices).toEqual([9, 6, 3, 0]);
    expect((await findRequesterEntries(log.database, { ...base, limit: 100, sinceMs: 1003, untilMs: 1005 })).indices).toEqual([5, 4, 3]);
    const first = await findRequesterEntries(log.database, { ...base, limit: 4 });
    expect(first).toEqual({ indices: [9, 8, 7, 6], next: 6 });
    const second = await findRequesterEntries(log.database, { ...base, limit: 4, before: first.next! });
    expect(second).toEqual({ indices: [5, 4, 3, 2], next: 2 });
    expect(await findRequesterEntries(log.database, { ...base, limit: 4, before: second.next! })).toEqual({ indices: [1, 0], next: undefined });
    await log.close();
  });

  it('is built once at open for a store written before it existed', async () => {
    const log = await TransparencyLog.open({ path: path.join(dir, 'log'), origin: ORIGIN, signer });
    await log.appendBatch([query('bank-a', 'ENT-1', 1000), trainingJob('bank-a', 1001), refusal('bank-b', 'ENT-2', 1002), query('bank-a', 'ENT-2', 1003)]);
    // An old store: no index keys, no marker.
    for (const k of await indexKeys(log)) await log.database.del(k);
    await log.database.del(META_REQUESTER_INDEX);
    await log.close();
    const reopened = await TransparencyLog.open({ path: path.join(dir, 'log'), origin: ORIGIN, signer });
    expect(await indexKeys(reopened)).toEqual(['r/bank-a/0000000000000000', 'r/bank-a/0000000000000003', 'r/bank-b/0000000000000002']);
    expect((await findRequesterEntries(reopened.database, { requester: 'bank-a', limit: 10, size: reopened.size })).indices).toEqual([3, 0]);
    // The store's integrity check ignores the index's keys.
    expect((await reopened.verifyIntegrity()).ok).toBe(true);
    await reopened.close();
  });
});
