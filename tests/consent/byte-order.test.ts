/**
 * ConsentLedger.preload reads one LevelDB range from the smallest id to the largest: the ends
 * must be the ones LevelDB's byte order gives, or a preload misses bindings of the batch.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { byteOrderBounds } from '../../consent/ledger.js';

const byBytes = (ids: string[]) => [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

describe('byteOrderBounds', () => {
  it('gives the first and last id in UTF-8 byte order, where it differs from JavaScript string order', () => {
    // U+FF21 (3 UTF-8 bytes, EF BC A1) sorts after U+1F600 in UTF-16 units (FF21 > D83D) but before it in bytes (F0 ...).
    const ids = ['\u{1F600}x', '\uFF21', 'a'];
    expect([...ids].sort().at(-1)).toBe('\uFF21');
    expect(byteOrderBounds(ids)).toEqual(['a', '\u{1F600}x']);
  });

  it('agrees with a byte sort on any ids, ASCII credit codes or not', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.stringMatching(/^91[0-9A-Z]{16}$/)), { minLength: 1, maxLength: 40 }), (ids) => {
      const sorted = byBytes(ids);
      expect(byteOrderBounds(ids)).toEqual([sorted[0], sorted.at(-1)]);
    }), { numRuns: 500 });
  });
});
