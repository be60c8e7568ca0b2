/**
 * A kept answer (models/trees/wire.ts keepAnswer, the answers a retry replays) and the
 * coordinator's write-ahead copy of a relayed payload hold megabytes of ciphertext per level at
 * 100k rows. JSON.stringify calls a Buffer's toJSON before any replacer sees it, which spells
 * every byte as a JSON number; the replacers read the raw value instead (profiled: most of a
 * passive's main-thread time). These tests fail if toJSON runs again, and check the bytes still
 * round-trip.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keepAnswer, keepAnswerBlob, keptAnswer, keptAnswerBlob, withBytesAs } from '../../models/trees/wire.js';
import { packRows, unpackRows } from '../../models/trees/passive.js';

afterEach(() => vi.restoreAllMocks());

describe('keepAnswer', () => {
  it('keeps Buffers and Uint8Arrays as base64 without Buffer.toJSON, and gives the same bytes back', () => {
    const toJson = vi.spyOn(Buffer.prototype, 'toJSON');
    const chunk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) & 255));
    const kept = keepAnswer({ shares: [chunk, new Uint8Array([1, 2, 3])], plan: { to: 'tax', chunks: [chunk.subarray(10, 20)] }, n: 5 });
    expect(toJson).not.toHaveBeenCalled();
    const back = keptAnswer(kept) as { shares: Buffer[]; plan: { to: string; chunks: Buffer[] }; n: number };
    expect(Buffer.compare(back.shares[0]!, chunk)).toBe(0);
    expect([...back.shares[1]!]).toEqual([1, 2, 3]);
    expect(Buffer.compare(back.plan.chunks[0]!, chunk.subarray(10, 20))).toBe(0);
    expect(back.plan.to).toBe('tax');
    expect(back.n).toBe(5);
  });
});

describe('keepAnswerBlob', () => {
  it('keeps the bytes as they are (no base64) beside the JSON, gives them back, and still reads a blob kept as text', () => {
    const toJson = vi.spyOn(Buffer.prototype, 'toJSON');
    const chunk = Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 37) & 255));
    const answer = { shares: [chunk, new Uint8Array([1, 2, 3])], plan: { to: 'tax', chunks: [chunk.subarray(10, 20)] }, n: 5, note: '{"$bin":0} is text' };
    const blob = keepAnswerBlob(answer);
    expect(toJson).not.toHaveBeenCalled();
    // The bytes once each, not as base64 (4/3 of them).
    expect(blob.length).toBeLessThan(40_000 + 3 + 10 + 400);
    expect(Buffer.from(blob).includes(chunk)).toBe(true);
    for (const back of [keptAnswerBlob(blob), keptAnswerBlob(new TextEncoder().encode(keepAnswer(answer)))]) {
      const b = back as { shares: Buffer[]; plan: { to: string; chunks: Buffer[] }; n: number; note: string };
      expect(Buffer.compare(b.shares[0]!, chunk)).toBe(0);
      expect([...b.shares[1]!]).toEqual([1, 2, 3]);
      expect(Buffer.compare(b.plan.chunks[0]!, chunk.subarray(10, 20))).toBe(0);
      expect([b.plan.to, b.n, b.note]).toEqual(['tax', 5, '{"$bin":0} is text']);
    }
    // A damaged blob is an error that says so, not wrong bytes.
    expect(() => keptAnswerBlob(blob.subarray(0, blob.length - 5))).toThrow(/damaged/);
  });
});

describe('withBytesAs', () => {
  it('replaces nested bytes in a copy and leaves everything else as JSON.stringify would see it', () => {
    const message = { to: 'bank', nonce: Buffer.from([9, 8]), parts: [{ box: new Uint8Array([7]) }], when: new Date(0), n: null };
    const out = withBytesAs(message, (b) => `bytes:${b.length}`) as Record<string, unknown>;
    expect(out).toEqual({ to: 'bank', nonce: 'bytes:2', parts: [{ box: 'bytes:1' }], when: new Date(0), n: null });
    expect(Buffer.isBuffer(message.nonce)).toBe(true);
  });
});

describe('the passive state\'s rows (passive.ts packRows)', () => {
  it('keeps a level\'s rows as one base64 string of int32s, reads them back, and still reads a state saved as plain arrays', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 110_000);
    const packed = packRows(rows);
    expect(typeof packed).toBe('string');
    // A string, about 4/3 of 4 bytes a row: JSON.stringify copies it instead of formatting 100k numbers.
    expect(packed.length).toBe(4 * Math.ceil((4 * rows.length) / 3));
    expect([...unpackRows(packed)]).toEqual(rows);
    expect([...unpackRows(JSON.parse(JSON.stringify(packed)) as string)]).toEqual(rows);
    expect([...unpackRows(rows)]).toEqual(rows);
    expect([...unpackRows(packRows([]))]).toEqual([]);
    expect([...unpackRows(packRows([-1, 0, 2 ** 31 - 1]))]).toEqual([-1, 0, 2 ** 31 - 1]);
  });
});
