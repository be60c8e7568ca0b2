/**
 * A ComputeShares batch never exceeds the node's 32 MiB receive limit (lib/message-limits.ts):
 * the log entries it carries are capped by bytes (scoring/share-batches.ts
 * MAX_CARRIED_BYTES), not only by count. 4096 entries of 64 KiB (the largest an entry may be)
 * used to ride along whole, 256 MiB, and the node refused the batch; now a prefix within the
 * budget rides, and the node reads the rest with GetEntries (tests/log/follower-fetch.test.ts).
 * The batch is measured as the real protobuf serializer encodes it.
 */
import { describe, expect, it } from 'vitest';
import { carriedEntries, MAX_CARRIED_BYTES } from '../../scoring/share-batches.js';
import { loadProto } from '../../lib/grpc.js';
import { MAX_ENTRY_BYTES } from '../../log/entries.js';
import { RECEIVE_LIMITS } from '../../lib/message-limits.js';

const KiB = 1024;
const entryOf = (i: number, bytes: number) => new Uint8Array(bytes).fill(i % 251);

describe('share batches carry log entries within the byte limit', () => {
  it('carries a prefix of at most MAX_CARRIED_BYTES of 4096 largest entries, and the batch fits ComputeShares\' limit', async () => {
    const log = Array.from({ length: 4096 }, (_, i) => entryOf(i, MAX_ENTRY_BYTES));
    const reads: [number, number][] = [];
    const read = async (from: number, to: number) => { reads.push([from, to]); return log.slice(from, to); };
    const carried = await carriedEntries(read, 0, log.length);
    const bytes = carried.reduce((n, e) => n + e.byteLength, 0);
    expect(bytes).toBeLessThanOrEqual(MAX_CARRIED_BYTES);
    expect(carried.length).toBeGreaterThan(0);
    expect(carried.length).toBeLessThan(log.length);
    expect(carried.every((e, i) => e === log[i])).toBe(true); // a prefix: the node's tree continues from `from`
    // Not the whole 256 MiB read into memory to fill a 16 MiB budget.
    expect(Math.max(...reads.map(([, to]) => to))).toBeLessThan(log.length);

    // The whole batch, 128 queries each with a largest-size entry and a consent, as encoded on the wire.
    const query = { consent: 'c'.repeat(4 * KiB), signedQuery: 'q'.repeat(2 * KiB), sealingKey: { publicKey: Buffer.alloc(32), signature: Buffer.alloc(64) }, modelVersion: 'm1', logIndex: '4095', entry: Buffer.alloc(MAX_ENTRY_BYTES) };
    const batch = { seq: '1', queries: Array.from({ length: 128 }, () => query), entriesFrom: '0', entries: carried.map((e) => Buffer.from(e)), checkpoint: 'x'.repeat(2 * KiB) };
    const method = loadProto().fedcredit.v1.NodeScoring.service.ComputeShares;
    expect(method.requestSerialize(batch).length).toBeLessThan(RECEIVE_LIMITS['/fedcredit.v1.NodeScoring/ComputeShares']!);
  });

  it('carries every entry when they fit, and from the node\'s position on', async () => {
    const log = Array.from({ length: 1000 }, (_, i) => entryOf(i, 300));
    const carried = await carriedEntries(async (a, b) => log.slice(a, b), 100, 1000);
    expect(carried).toEqual(log.slice(100));
  });
});
