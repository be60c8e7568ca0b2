/**
 * `appendBatch` (issue 21, docs/design/monitoring.md 3.2): a monitoring batch of thousands of
 * re-score entries is one contiguous run in one synced LevelDB write (one fsync), never split
 * and never interleaved with single appends; a failure leaves none of it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_APPEND_BATCH, TransparencyLog } from '../../log/store.js';
import { encodeEntry } from '../../log/entries.js';
import { MemoryTree, hashLeaf, verifyInclusion } from '../../log/merkle.js';
import { identity } from './helpers.js';

const ORIGIN = 'fedcredit.test/log';
const signer = identity(ORIGIN);
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-append-batch-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const entry = (tag: string, i: number) => encodeEntry({ v: 1, kind: 'query', body: { i, requester: tag } });

/** Counts the synced LevelDB batch writes (fsyncs) the log makes. */
function countSyncedWrites(log: TransparencyLog): { writes: number[] } {
  const seen = { writes: [] as number[] };
  const db = log.database;
  const original = db.batch.bind(db) as (ops: unknown[], opts?: { sync?: boolean }) => Promise<void>;
  (db as unknown as { batch: typeof original }).batch = (ops, opts) => {
    if (opts?.sync) seen.writes.push(ops.length);
    return original(ops, opts);
  };
  return seen;
}

describe('TransparencyLog.appendBatch', () => {
  it('writes a run larger than maxBatch in one synced write, contiguous, provable', async () => {
    const log = await TransparencyLog.open({ path: path.join(dir, 'log'), origin: ORIGIN, signer, maxBatch: 4096 });
    const spy = countSyncedWrites(log);
    const run = Array.from({ length: 10_000 }, (_, i) => entry('run', i));
    const { first } = await log.appendBatch(run);
    expect(first).toBe(0);
    expect(log.size).toBe(10_000);
    expect(spy.writes).toHaveLength(1);
    const tree = new MemoryTree();
    for (const e of run) tree.append(hashLeaf(e));
    expect(Buffer.from(log.root()).equals(Buffer.from(tree.root()))).toBe(true);
    const proof = await log.inclusionProof(9_999, 10_000);
    expect(verifyInclusion(hashLeaf(run[9_999]!), 9_999, 10_000, proof, log.root())).toEqual({ ok: true });
    await log.close();
  });

  it('never interleaves single appends with a run; small ones share a write within maxBatch', async () => {
    const log = await TransparencyLog.open({ path: path.join(dir, 'log'), origin: ORIGIN, signer, maxBatch: 100 });
    const spy = countSyncedWrites(log);
    const singles1 = Array.from({ length: 30 }, (_, i) => log.append(entry('a', i)));
    const runA = log.appendBatch(Array.from({ length: 50 }, (_, i) => entry('runA', i)));
    const singles2 = Array.from({ length: 30 }, (_, i) => log.append(entry('b', i)));
    const runB = log.appendBatch(Array.from({ length: 250 }, (_, i) => entry('runB', i)));
    const singles3 = Array.from({ length: 5 }, (_, i) => log.append(entry('c', i)));
    const [a, b] = await Promise.all([runA, runB]);
    const idx = async (ps: Promise<{ index: number }>[]) => (await Promise.all(ps)).map((r) => r.index);
    const s1 = await idx(singles1);
    const s2 = await idx(singles2);
    const s3 = await idx(singles3);
    // Queue order is log order; each run is one contiguous span.
    expect(s1).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(a.first).toBe(30);
    expect(s2).toEqual(Array.from({ length: 30 }, (_, i) => 80 + i));
    expect(b.first).toBe(110);
    expect(s3).toEqual(Array.from({ length: 5 }, (_, i) => 360 + i));
    const stored = await log.entries(30, 80);
    expect(stored.map((e) => JSON.parse(Buffer.from(e).toString()).body.requester)).toEqual(Array(50).fill('runA'));
    // 30 + 50 share a write (80 <= 100), the next 30 do not fit with the 250-run, which goes
    // alone though over maxBatch, then the last 5: four synced writes for 365 entries.
    expect(spy.writes).toHaveLength(4);
    await log.close();
  });

  it('refuses an empty, oversized or malformed run, and a failed write leaves nothing', async () => {
    const log = await TransparencyLog.open({ path: path.join(dir, 'log'), origin: ORIGIN, signer });
    await expect(log.appendBatch([])).rejects.toThrow(/at least one entry/);
    await expect(log.appendBatch(Array.from({ length: MAX_APPEND_BATCH + 1 }, () => new Uint8Array(1)))).rejects.toThrow(/limit 16384: split it/);
    await expect(log.appendBatch([new Uint8Array(1), 'x' as unknown as Uint8Array])).rejects.toThrow(/entry 1 of the batch/);
    await log.append(entry('before', 0));
    const db = log.database as unknown as { batch: (...a: unknown[]) => Promise<void> };
    const original = db.batch;
    db.batch = () => Promise.reject(new Error('disk full'));
    await expect(log.appendBatch([entry('x', 1), entry('x', 2)])).rejects.toThrow(/log append of 2 entries failed: disk full/);
    db.batch = original;
    expect(log.size).toBe(1);
    const { first } = await log.appendBatch([entry('after', 1)]);
    expect(first).toBe(1);
    await log.close();
    const reopened = await TransparencyLog.open({ path: path.join(dir, 'log'), origin: ORIGIN, signer });
    expect(reopened.size).toBe(2);
    await reopened.close();
  });
});
