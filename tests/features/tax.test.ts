import { describe, expect, it } from 'vitest';
import { parsePeriod as P, type TaxRecords, type VatFiling } from '../../schema/site-schema.js';
import { TAX_CATALOGUE, TAX_FEATURES } from '../../features/index.js';

const CODE = '91350100M000100Y43';

function filing(period: string, taxableRevenue: number, taxDue: number, taxPaid: number, onTime: boolean, arrears: number): VatFiling {
  return { creditCode: CODE, period: P(period), taxableRevenue, taxDue, taxPaid, filedOnTime: onTime, arrears };
}

function byName(v: Float64Array): Record<string, number> {
  return Object.fromEntries(TAX_CATALOGUE.map((f, i) => [f.name, v[i]!]));
}

const ASOF = P('2025-12'); // window 2025-01..2025-12, prior year 2024-01..2024-12

const RECORDS: TaxRecords = {
  filings: [
    filing('2023-12', 5000, 150, 150, true, 0), // before both windows: only sets the first filing month
    filing('2024-06', 1000, 30, 30, true, 0), // prior year
    filing('2024-12', 2000, 60, 60, true, 0), // prior year
    filing('2025-03', 3000, 90, 90, true, 0),
    filing('2025-06', 1000, 30, 0, false, 30),
    filing('2025-11', 2000, 60, 30, true, 60),
    filing('2026-01', 99999, 9999, 0, false, 99999), // after asOf: must be ignored
  ],
  ratings: [
    { creditCode: CODE, year: 2023, rating: 'B' },
    { creditCode: CODE, year: 2024, rating: 'C' }, // published 2025-04: the latest usable
    { creditCode: CODE, year: 2025, rating: 'A' }, // published 2026-04: after asOf
  ],
};

describe('tax features', () => {
  it('computes every feature of a hand-made record set', () => {
    const f = byName(TAX_FEATURES.compute(RECORDS, ASOF));
    // revenue in window: 3000 + 1000 + 2000 = 6000
    expect(f.tax_revenue_12m).toBeCloseTo(Math.log1p(6000), 12); // 8.69968
    // prior year 1000 + 2000 = 3000: ln(6001 / 3001)
    expect(f.tax_revenue_growth).toBeCloseTo(Math.log(6001 / 3001), 12); // 0.69298
    // monthly revenues 3000, 1000, 2000: mean 2000, deviations 1000, -1000, 0,
    // population variance 2e6 / 3, std 816.497, cv = 816.497 / 2000 = 0.408248
    expect(f.tax_revenue_cv).toBeCloseTo(0.408248290463863, 12);
    // first filing 2023-12 is before the window, so all 12 months were due; 2 on time: 2 / 12
    expect(f.tax_on_time_ratio).toBeCloseTo(2 / 12, 12);
    // latest filing in the window is 2025-11 with arrears 60
    expect(f.tax_arrears).toBeCloseTo(Math.log1p(60), 12);
    expect(f.tax_arrears_months).toBe(2); // 2025-06 and 2025-11
    // paid / due = (90 + 0 + 30) / (90 + 30 + 60) = 120 / 180
    expect(f.tax_paid_ratio).toBeCloseTo(2 / 3, 12);
    expect(f.tax_rating_score).toBe(1); // C
    expect(f.tax_months_filed).toBe(3);
    // latest arrears 60 / mean monthly due 180 / 3 = 60: one month of tax due
    expect(f.tax_arrears_to_due).toBeCloseTo(1, 12);
  });

  it('ignores records after asOf: adding or changing them changes nothing', () => {
    const base = TAX_FEATURES.compute(RECORDS, ASOF);
    const more: TaxRecords = {
      filings: [...RECORDS.filings, filing('2026-02', 1e9, 1e7, 0, false, 1e7)],
      ratings: [...RECORDS.ratings, { creditCode: CODE, year: 2026, rating: 'D' }],
    };
    expect([...TAX_FEATURES.compute(more, ASOF)]).toEqual([...base]);
  });

  it('imputes documented values when there are no records', () => {
    const f = byName(TAX_FEATURES.compute({ filings: [], ratings: [] }, ASOF));
    expect(f).toEqual({
      tax_revenue_12m: 0, tax_revenue_growth: 0, tax_revenue_cv: 0, tax_on_time_ratio: 0, tax_arrears: 0,
      tax_arrears_months: 0, tax_paid_ratio: 1, tax_rating_score: 2, tax_months_filed: 0, tax_arrears_to_due: NaN,
    });
  });

  it('leaves the arrears ratio missing when nothing was due, and does not clamp it', () => {
    const zeroReturns = byName(TAX_FEATURES.compute({ filings: [filing('2025-05', 0, 0, 0, true, 500), filing('2025-06', 0, 0, 0, true, 500)], ratings: [] }, ASOF));
    expect(zeroReturns.tax_arrears_to_due).toBeNaN();
    // a token return: 5000 of arrears against 1 CNY due a month
    const token = byName(TAX_FEATURES.compute({ filings: [filing('2025-05', 0, 0, 0, true, 5000), filing('2025-06', 20, 2, 0, false, 5000)], ratings: [] }, ASOF));
    expect(token.tax_arrears_to_due).toBe(5000);
    // under one fen due a month is nothing due (a denormal tax due once gave Infinity, which the node refuses)
    const dust = byName(TAX_FEATURES.compute({ filings: [filing('2025-06', 0, 5e-324, 0, false, 8.9e-16)], ratings: [] }, ASOF));
    expect(dust.tax_arrears_to_due).toBeNaN();
  });

  it('imputes growth and cv when only old filings exist', () => {
    const f = byName(TAX_FEATURES.compute({ filings: [filing('2024-03', 500, 15, 15, true, 0)], ratings: [] }, ASOF));
    expect(f.tax_revenue_12m).toBe(0);
    expect(f.tax_revenue_growth).toBe(0); // no filing in the current year
    expect(f.tax_revenue_cv).toBe(0);
    expect(f.tax_on_time_ratio).toBe(0); // 12 months due, none filed
    expect(f.tax_months_filed).toBe(0);
  });

  it('counts only the months since the first filing for a young firm', () => {
    const young: TaxRecords = {
      filings: [filing('2025-10', 100, 3, 3, true, 0), filing('2025-12', 100, 3, 3, true, 0)],
      ratings: [],
    };
    const f = byName(TAX_FEATURES.compute(young, ASOF));
    // due 2025-10, 2025-11, 2025-12: 3 months, 2 on time (2025-11 missing)
    expect(f.tax_on_time_ratio).toBeCloseTo(2 / 3, 12);
    expect(f.tax_revenue_cv).toBe(0); // equal revenues
    expect(f.tax_revenue_growth).toBe(0); // nothing in the prior year to compare with
  });

  it('uses a rating only once it is published (April of the next year)', () => {
    const ratings = RECORDS.ratings;
    // asOf 2025-03: the 2024 rating (published 2025-04) is not yet known, 2023's is: B = 3
    expect(byName(TAX_FEATURES.compute({ filings: [], ratings }, P('2025-03'))).tax_rating_score).toBe(3);
    expect(byName(TAX_FEATURES.compute({ filings: [], ratings }, P('2025-04'))).tax_rating_score).toBe(1);
  });

  it('clamps the growth of a firm whose revenue collapsed', () => {
    const f = byName(TAX_FEATURES.compute({ filings: [filing('2024-12', 1e9, 0, 0, true, 0), filing('2025-12', 0, 0, 0, true, 0)], ratings: [] }, ASOF));
    // ln(1 / (1 + 1e9)) = -20.7, clamped to -5
    expect(f.tax_revenue_growth).toBe(-5);
  });

  it('rejects an asOf that is not a month index', () => {
    expect(() => TAX_FEATURES.compute(RECORDS, 2025.5)).toThrow(RangeError);
  });
});
