/**
 * decodeEntry (log/entries.ts) shares one fatal UTF-8 decoder across calls: bytes that are not
 * UTF-8 are refused (never read as U+FFFD, which would give two byte strings one entry), and a
 * refusal leaves nothing behind for the next entry.
 */
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, makeEntry } from '../../log/entries.js';

describe('decodeEntry', () => {
  const valid = encodeEntry(makeEntry('refusal', { queryId: 'q1', requester: 'bank-a', refusedBy: 'coordinator', reason: 'CONSENT_EXPIRED', time: 1 }));

  it('refuses bytes that are not UTF-8, then decodes the next entry as before', () => {
    const text = Buffer.from(valid).toString('utf8');
    const at = text.indexOf('bank-a');
    // 0xff inside a string value: a lenient decoder would read U+FFFD, which re-encodes to the same text.
    const invalid = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xff]), Buffer.from(text.slice(at + 1))]);
    const truncated = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xe4, 0xbf])]);
    for (const bad of [invalid, truncated]) {
      const d = decodeEntry(new Uint8Array(bad));
      expect(d).toMatchObject({ ok: false });
      expect(!d.ok && d.reason).toMatch(/not UTF-8 JSON/);
      const next = decodeEntry(valid);
      expect(next.ok && next.entry.body['requester']).toBe('bank-a');
    }
  });
});
