/**
 * The auditor's entry checks give the same findings in the worker pool (compiled dist/, used
 * for large audits) as in-thread, including entries whose signature does not verify.
 */
import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../../crypto/identity.js';
import { creditCodeCheckChar } from '../../schema/credit-code.js';
import { bindEnterpriseKey, keyBindingEntry } from '../../consent/verify.js';
import { encodeEntry, makeEntry, subjectsOf } from '../../log/entries.js';
import { checkEntryChunk } from '../../log/audit/entry-check.js';

const SUBJECT = '91350100M000100Y4' + creditCodeCheckChar('91350100M000100Y4');

describe('auditor entry checks', () => {
  it('the worker pool (dist) and the in-thread check agree, forged signatures included', async () => {
    const registrar = generateIdentity();
    const items = Array.from({ length: 6_000 }, (_, i) => {
      if (i % 3 === 0) return encodeEntry(makeEntry('refusal', { queryId: `q${i}`, requester: 'bank-a', refusedBy: 'coordinator', reason: 'CONSENT_EXPIRED', time: i }));
      const binding = bindEnterpriseKey(registrar, SUBJECT, Buffer.from(i.toString(16).padStart(64, '0'), 'hex'), 1_700_000_000_000 + i);
      const bytes = encodeEntry(keyBindingEntry(binding));
      if (i % 1000 === 1) {
        // Forge: change one hex digit of the registrar signature inside the canonical JSON.
        const text = Buffer.from(bytes).toString('utf8').replace(/"registrarSignature":"(.)/, (_m, c: string) => `"registrarSignature":"${c === '0' ? '1' : '0'}`);
        return new Uint8Array(Buffer.from(text, 'utf8'));
      }
      return bytes;
    });
    const inThread = checkEntryChunk(items);
    // i = 1, 1001, 3001, 4001 are forged key registrations (2001 and 5001 are refusals).
    expect(inThread.filter((c) => c.problem).length).toBe(4);
    const dist = (await import('../../dist/log/audit/entry-check.js')) as typeof import('../../log/audit/entry-check.js');
    expect(await dist.checkEntries(items)).toEqual(inThread);
  });

  it('accepts a refusal summary (log/refusals.ts) and refuses a malformed one', () => {
    const summary = makeEntry('refusal-summary', {
      requester: 'bank-a', refusedBy: 'coordinator', reason: 'CONSENT_MALFORMED', count: 1_968, from: 1_000, time: 61_000, subjects: [SUBJECT], subjectsOmitted: 3,
    });
    expect(checkEntryChunk([encodeEntry(summary)])[0]?.problem).toBeUndefined();
    expect(subjectsOf(summary)).toEqual([SUBJECT]);
    const bad = encodeEntry({ v: 1, kind: 'refusal-summary', body: { ...summary.body, count: -1 } });
    expect(checkEntryChunk([bad])[0]?.problem).toMatch(/count must be a non-negative integer/);
  });
});
