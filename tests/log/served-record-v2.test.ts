/**
 * Served record v2 (docs/design/monitoring.md 3.2): one signed record per re-scoring batch, in
 * the same hash chain as v1 records. A mixed chain written by the real book (real LevelDB)
 * verifies; any change to a v2 field breaks the signature; non-canonical or malformed v2 bytes,
 * even when signed by the node, are refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityFromSeed } from '../../crypto/identity.js';
import { makeEntry } from '../../log/entries.js';
import { ServedRecordBook } from '../../log/served-book.js';
import { batchLeavesHash, recordDigest, servedRecordMessage, verifyServedRecords, type SignedServedRecord } from '../../log/served-record.js';
import { NodeStore } from '../../site/store.js';

const id = identityFromSeed(new Uint8Array(32).fill(7));
const leaves = [1, 2, 3].map((i) => new Uint8Array(32).fill(i));
let dir: string;
let store: NodeStore;
let items: SignedServedRecord[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'served-v2-'));
  store = await NodeStore.open(dir, 'power');
  const book = new ServedRecordBook(store, 'power', id);
  const entry = makeEntry('query', { queryId: 'q1', requester: 'bank-a', subject: 'E1', consentId: '00000000-0000-4000-8000-000000000000', purpose: 'credit-assessment', model: 'm1', sites: ['power'], time: 1 });
  // Issued in one turn: group-committed together, chained in call order.
  const [a, b, c, d] = await Promise.all([
    book.record({ entry, requester: 'bank-a', logIndex: 4 }),
    book.recordBatch({ requester: 'bank-a', logIndex: 5, count: 3, leavesHash: batchLeavesHash(leaves), refused: [[2, 'CONSENT_REVOKED'], [0, 'CONSENT_EXPIRED']], subjects: ['E1', 'E2', 'E3'] }),
    book.record({ entry, requester: 'bank-a', logIndex: 8 }),
    book.recordBatch({ requester: 'bank-a', logIndex: 9, count: 1, leavesHash: batchLeavesHash([leaves[0]!]), refused: [] }),
  ]);
  expect([a.seq, b.seq, c.seq, d.seq]).toEqual([0, 1, 2, 3]);
  items = (await book.list()).map(({ record, signature }) => ({ record, signature }));
});

afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const resign = (obj: string): SignedServedRecord => {
  const record = new TextEncoder().encode(obj);
  return { record, signature: id.sign(servedRecordMessage(record)) };
};

describe('served record v2', () => {
  it('batchLeavesHash is SHA-256 over the concatenated leaf hashes', () => {
    const want = createHash('sha256').update(Buffer.concat(leaves)).digest('hex');
    expect(batchLeavesHash(leaves)).toBe(want);
    expect(() => batchLeavesHash([new Uint8Array(31)])).toThrow(/32/);
  });

  it('a chain mixing v1 and v2 records verifies, with the v2 fields as written', () => {
    const check = verifyServedRecords('power', id.publicKey, items);
    expect(check.problems).toEqual([]);
    expect(check.records.map((r) => r.v)).toEqual([1, 2, 1, 2]);
    const v2 = check.records[1]!;
    expect(v2).toMatchObject({ v: 2, seq: 1, site: 'power', what: 'rescore-batch', requester: 'bank-a', logIndex: 5, count: 3, leavesHash: batchLeavesHash(leaves), refused: [[0, 'CONSENT_EXPIRED'], [2, 'CONSENT_REVOKED']] });
    expect(check.records[2]!.prev).toBe(recordDigest(items[1]!.record));
    expect(check.heads.at(-1)).toEqual({ next: 4, prev: recordDigest(items[3]!.record) });
    // The canonical form: sorted keys, no spaces.
    expect(text(items[1]!.record)).toMatch(/^\{"count":3,"leavesHash":"[0-9a-f]{64}","logIndex":5,"prev":"[0-9a-f]{64}","refused":\[\[0,"CONSENT_EXPIRED"\],\[2,"CONSENT_REVOKED"\]\],"requester":"bank-a","seq":1,"site":"power","time":\d+,"v":2,"what":"rescore-batch"\}$/);
  });

  for (const [field, change] of [
    ['count', (o: Record<string, unknown>) => { o['count'] = 4; }],
    ['leavesHash', (o: Record<string, unknown>) => { o['leavesHash'] = batchLeavesHash([leaves[1]!]); }],
    ['refused', (o: Record<string, unknown>) => { o['refused'] = [[2, 'CONSENT_REVOKED']]; }],
    ['logIndex', (o: Record<string, unknown>) => { o['logIndex'] = 6; }],
  ] as const) {
    it(`a v2 record with a changed ${field} fails its signature, and the records after it are not trusted`, () => {
      const obj = JSON.parse(text(items[1]!.record)) as Record<string, unknown>;
      change(obj);
      const keys = Object.keys(obj).sort();
      const tampered = new TextEncoder().encode(JSON.stringify(Object.fromEntries(keys.map((k) => [k, obj[k]]))));
      const check = verifyServedRecords('power', id.publicKey, [items[0]!, { record: tampered, signature: items[1]!.signature }, items[2]!, items[3]!]);
      expect(check.records).toHaveLength(1);
      expect(check.problems).toEqual([expect.stringMatching(/record #1 is not signed by power's identity key/)]);
    });
  }

  it('refuses non-canonical or malformed v2 records even when the node signed them', () => {
    const canonical = text(items[1]!.record);
    const obj = JSON.parse(canonical) as Record<string, unknown>;
    const sorted = (o: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]])));
    const cases: [string, string, RegExp][] = [
      ['spaces', JSON.stringify(JSON.parse(canonical), null, 1), /canonical form/],
      ['unsorted keys', JSON.stringify({ v: 2, ...obj }), /canonical form/],
      ['an entryHash (v1 field) added', sorted({ ...obj, entryHash: obj['leavesHash'] }), /has fields/],
      ['refused missing', sorted(Object.fromEntries(Object.entries(obj).filter(([k]) => k !== 'refused'))), /has fields/],
      ['count 0', sorted({ ...obj, count: 0 }), /count is not a positive integer/],
      ['a refused offset outside the batch', sorted({ ...obj, refused: [[3, 'X']] }), /refused offset/],
      ['refused offsets not ascending', sorted({ ...obj, refused: [[2, 'X'], [0, 'Y']] }), /refused offset/],
      ['a refused slot without code', sorted({ ...obj, refused: [[1]] }), /refused slot/],
      ['another what', sorted({ ...obj, what: 'query' }), /rescore-batch/],
      ['version 3', sorted({ ...obj, v: 3 }), /unknown version/],
      ['a v1 record with v2 fields', sorted({ ...obj, v: 1 }), /has fields/],
    ];
    for (const [name, bytes, want] of cases) {
      const check = verifyServedRecords('power', id.publicKey, [items[0]!, resign(bytes)]);
      expect(check.records, name).toHaveLength(1);
      expect(check.problems, name).toEqual([expect.stringMatching(want)]);
    }
  });
});
