/**
 * --json numbers (issue 17): gRPC's 64-bit integers arrive as strings; the message descriptor
 * says which fields they are, so counts become numbers and an all-digit id or hash does not.
 */
import { describe, expect, it } from 'vitest';
import { longsAsNumbers } from '../../lib/json-numbers.js';

describe('longsAsNumbers', () => {
  it('turns 64-bit fields into numbers, nested and repeated ones too, and leaves strings that are not 64-bit fields', () => {
    const report = { fileName: '2025.csv', kind: 'features', rows: '3', committed: true, problems: [{ line: '17', column: '12345', problem: 'x' }], problemCount: '1', sha256: '1234567890', seconds: 0.5, enterprises: '3', featuresPerEnterprise: '10' };
    expect(longsAsNumbers('IngestReport', report)).toEqual({ ...report, rows: 3, problems: [{ line: 17, column: '12345', problem: 'x' }], problemCount: 1, enterprises: 3, featuresPerEnterprise: 10 });
  });

  it('set sizes of an alignment ("size": "28813" in the issue)', () => {
    const out = longsAsNumbers('AlignmentSummary', { alignmentId: '42', setSizes: [{ site: 'tax', size: '28813' }], intersectionSize: '0' }) as Record<string, unknown>;
    expect(out).toMatchObject({ alignmentId: '42', setSizes: [{ site: 'tax', size: 28813 }], intersectionSize: 0 });
  });

  it('keeps a count beyond 2^53 as its exact string rather than a rounded number', () => {
    expect(longsAsNumbers('RecordCount', { kind: 'x', count: '9007199254740993' })).toEqual({ kind: 'x', count: '9007199254740993' });
  });
});
