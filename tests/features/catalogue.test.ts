import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SITES, parsePeriod, type Site } from '../../schema/site-schema.js';
import {
  BANK_FEATURES, POWER_FEATURES, TAX_FEATURES, defaultAsOf, featureSetFor, type SiteRecordsMap,
} from '../../features/index.js';

const CODE = '91350100M000100Y43';
const ASOF = parsePeriod('2025-12');

describe('feature catalogues', () => {
  it('are complete, uniquely named and prefixed with the site', () => {
    for (const site of SITES) {
      const set = featureSetFor(site);
      expect(set.site).toBe(site);
      const names = set.catalogue.map((f) => f.name);
      expect(new Set(names).size).toBe(names.length);
      for (const f of set.catalogue) {
        expect(f.name.startsWith(`${site}_`), f.name).toBe(true);
        for (const key of ['meaning', 'unit', 'window', 'imputation'] as const) expect(f[key].length, `${f.name}.${key}`).toBeGreaterThan(0);
      }
    }
    expect(featureSetFor('tax')).toBe(TAX_FEATURES);
    expect(featureSetFor('power')).toBe(POWER_FEATURES);
    expect(featureSetFor('bank')).toBe(BANK_FEATURES);
    expect(() => featureSetFor('gas' as Site)).toThrow(/no feature set for site 'gas'/);
  });

  it('defaultAsOf: tax and power describe their latest month, the bank 12 months earlier', () => {
    expect(defaultAsOf('tax', ASOF)).toBe(ASOF);
    expect(defaultAsOf('power', ASOF)).toBe(ASOF);
    expect(defaultAsOf('bank', ASOF + 12)).toBe(ASOF);
    expect(() => defaultAsOf('bank', 1.5)).toThrow(RangeError);
  });

  // Any plausible record set, however sparse or extreme, gives a vector of catalogue length whose
  // values are finite, or NaN for a feature the catalogue says may be missing (features/spec.ts).
  const period = fc.integer({ min: ASOF - 40, max: ASOF + 14 });
  const money = fc.double({ min: 0, max: 1e12, noNaN: true });
  const records: { [S in Site]: fc.Arbitrary<SiteRecordsMap[S]> } = {
    tax: fc.record({
      filings: fc.array(fc.record({
        creditCode: fc.constant(CODE), period, taxableRevenue: money, taxDue: money, taxPaid: money, filedOnTime: fc.boolean(), arrears: money,
      }), { maxLength: 30 }),
      ratings: fc.array(fc.record({ creditCode: fc.constant(CODE), year: fc.integer({ min: 2020, max: 2026 }), rating: fc.constantFrom('A' as const, 'B' as const, 'M' as const, 'C' as const, 'D' as const) }), { maxLength: 4 }),
    }),
    power: fc.record({
      bills: fc.array(fc.record({
        creditCode: fc.constant(CODE), period, kwh: fc.double({ min: 0, max: 1e10, noNaN: true }), amountDue: money, amountPaid: money, daysLate: fc.integer({ min: 0, max: 3650 }),
      }), { maxLength: 30 }),
    }),
    bank: fc.record({
      loans: fc.array(fc.record({
        creditCode: fc.constant(CODE), loanId: fc.constantFrom('A', 'B', 'C'), amount: money, startPeriod: period, startDate: fc.constant('2025-01-01'),
        termMonths: fc.integer({ min: 1, max: 360 }), annualRate: fc.double({ min: 0, max: 1, noNaN: true }),
      }), { maxLength: 4 }),
      repayments: fc.array(fc.record({
        creditCode: fc.constant(CODE), loanId: fc.constantFrom('A', 'B', 'C', 'Z'), period, scheduled: money, paid: money, balance: money, daysPastDue: fc.integer({ min: 0, max: 3650 }),
      }), { maxLength: 40 }),
    }),
  };

  for (const site of SITES) {
    it(`${site}: every vector is finite (or NaN where announced) and as long as the catalogue`, () => {
      const set = featureSetFor(site) as { catalogue: readonly { name: string; mayBeMissing?: true }[]; compute(r: unknown, a: number): Float64Array };
      fc.assert(
        fc.property(records[site] as fc.Arbitrary<unknown>, (r) => {
          const v = set.compute(r, ASOF);
          expect(v.length).toBe(set.catalogue.length);
          v.forEach((x, i) => expect(Number.isFinite(x) || (Number.isNaN(x) && set.catalogue[i]!.mayBeMissing === true), set.catalogue[i]!.name).toBe(true));
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('docs/features.md', () => {
  it('documents every feature of every catalogue', () => {
    const doc = readFileSync(new URL('../../docs/features.md', import.meta.url), 'utf8');
    for (const site of SITES) {
      for (const f of featureSetFor(site).catalogue) expect(doc.includes(`| \`${f.name}\` |`), f.name).toBe(true);
    }
  });
});
