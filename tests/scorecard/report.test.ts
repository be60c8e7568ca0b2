/**
 * The scorecard's report section (models/scorecard/report.ts) and its text
 * (report-text.ts): bins are named without their values, the stored form is checked (no unknown
 * field, no bin under the job's minimum), passive sites appear by name only, and the comparison
 * takes the LR of the same alignment only.
 */
import { describe, expect, it } from 'vitest';
import { Shape } from '../../evaluation/stored-form.js';
import { bankScorecardReport, binNames, checkScorecardReport } from '../../models/scorecard/report.js';
import { formatScorecardTables, sameSplitLr } from '../../models/scorecard/report-text.js';
import type { ScorecardPart } from '../../models/scorecard/part.js';
import type { ModelMetadata } from '../../training/model-registry.js';

const numeric = {
  type: 'numeric' as const, name: 'bank_overdue_days', columns: [0], cuts: [3.25, 17.5], missingBin: 3, counts: [120, 80, 60, 50],
  labels: ['(-inf, 3.25]', '(3.25, 17.5]', '(17.5, inf)', 'missing'],
  events: [6, 8, 12, 20], woe: [-0.9, -0.3, 0.4, 1.2], iv: 0.61, weight: 0.8, coded: [-1, -0.2, 0.7, 1.6], terms: [-0.8, -0.16, 0.56, 1.28],
  points: [57.7, 11.5, -40.4, -92.3], neutralTerm: 0.1, neutralPoints: -7.2,
};
const categorical = {
  type: 'categorical' as const, name: 'bank_industry', columns: [1, 2, 3], levelBins: [0, 1, 1], missingBin: -1, counts: [150, 160],
  labels: ['retail', 'manufacturing, mining'], events: [20, 26], woe: [-0.05, 0.04], iv: 0.01, weight: 0.2, coded: [-1, 1], terms: [-0.2, 0.2],
  points: [14.4, -14.4], neutralTerm: 0, neutralPoints: 0,
};
const part: ScorecardPart = {
  scale: { basePoints: 600, baseOdds: 20, pointsToDoubleOdds: 50 }, characteristics: [numeric, categorical],
  dropped: [{ name: 'bank_loan_count', iv: 0.004, reason: 'IV 0.0040 below 0.02' }], released: [120, 80, 60, 50, 150, 160],
  intercept: -2.1, constantPoints: 540.2, baseline: 0.1,
};

describe('the scorecard report section', () => {
  it('names numeric bins without their values, keeps level names, and carries counts, event rates, WOE, IV and points', () => {
    expect(binNames(numeric)).toEqual(['bin 1 of 3', 'bin 2 of 3', 'bin 3 of 3', 'missing']);
    const r = bankScorecardReport('bank', part, 50, 'bank-scorecard');
    expect(JSON.stringify(r)).not.toMatch(/3\.25|17\.5|inf/);
    const c = r.characteristics[0]!;
    expect(c.bins.map((b) => b.bin)).toEqual(['bin 1 of 3', 'bin 2 of 3', 'bin 3 of 3', 'missing']);
    expect(c.bins.map((b) => b.eventRate)).toEqual([6 / 120, 8 / 80, 12 / 60, 20 / 50]);
    expect(c.bins.map((b) => b.points)).toEqual(numeric.points);
    expect(r.characteristics[1]!.bins.map((b) => b.bin)).toEqual(['retail', 'manufacturing, mining']);
    expect(r.dropped).toEqual([{ name: 'bank_loan_count', why: 'dropped: IV below the job\'s minimum' }]);
    // The stored form reads back to the same, and refuses what must not be stored.
    const stored = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
    expect(checkScorecardReport(new Shape('report.scorecard'), stored)).toEqual(r);
    expect(() => checkScorecardReport(new Shape('report.scorecard'), { ...stored, edges: [3.25] })).toThrow(/report\.scorecard\.edges is not a field/);
    const small = JSON.parse(JSON.stringify(r)) as { characteristics: { bins: { count: number }[] }[] };
    small.characteristics[0]!.bins[3]!.count = 12;
    expect(() => checkScorecardReport(new Shape('report.scorecard'), small)).toThrow(/bins\[3\]\.count is 12, under the job's minimum bin size 50/);
  });

  it('prints the bank whole and a passive site by name only', () => {
    const model = {
      modelVersion: 'm2', alignmentId: 'aln-1', sites: [
        { site: 'bank', role: 'bank', featureCount: 2 },
        { site: 'tax', role: 'passive', featureCount: 1, transforms: [{ feature: 'tax_arrears', steps: ['chosen by IV, 4 bins'] }, { feature: 'tax_rating', steps: ['dropped: IV below the job\'s minimum'] }] },
      ],
    } as unknown as ModelMetadata;
    const text = formatScorecardTables(model, bankScorecardReport('bank', part, 50, 'bank-scorecard'));
    expect(text).toMatch(/bank · bank_overdue_days {2}IV 0\.610/);
    expect(text).toMatch(/bin 3 of 3 +60 +12 +20\.0% +0\.400 +-40\.4/);
    expect(text).toMatch(/tax \(counts, defaults, WOE, IV and points stay at tax/);
    expect(text).toContain('tax_arrears (4 bins)');
    expect(text).toContain('tax · tax_rating (dropped: IV below the job\'s minimum)');
  });

  it('compares with the newest LR of the same alignment only', () => {
    const m = (modelVersion: string, kind: string | undefined, alignmentDigest: string) => ({ modelVersion, kind, alignmentId: 'aln-1', alignmentDigest, metrics: { report: {} } }) as unknown as ModelMetadata;
    const card = m('m5', 'scorecard', 'd1');
    expect(sameSplitLr(card, [m('m1', 'lr', 'd1'), m('m3', undefined, 'd1'), m('m4', 'lr', 'd2'), m('m6', 'scorecard', 'd1')])?.modelVersion).toBe('m3');
    expect(sameSplitLr(card, [m('m4', 'lr', 'd2')])).toBeUndefined();
  });
});
