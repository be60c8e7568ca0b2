import { describe, expect, it } from 'vitest';
import { parsePeriod as P, type PowerBill } from '../../schema/site-schema.js';
import { POWER_CATALOGUE, POWER_FEATURES } from '../../features/index.js';

const CODE = '91350100M000100Y43';
const ASOF = P('2025-12'); // window 2025-01..2025-12; "recent" is 2025-10..2025-12

function bill(period: string, kwh: number, paid: number, daysLate: number): PowerBill {
  // amount due = kWh at 1 CNY/kWh keeps the arithmetic readable
  return { creditCode: CODE, period: P(period), kwh, amountDue: kwh, amountPaid: paid, daysLate };
}

function byName(v: Float64Array): Record<string, number> {
  return Object.fromEntries(POWER_CATALOGUE.map((f, i) => [f.name, v[i]!]));
}

const BILLS = [
  bill('2024-12', 5000, 5000, 30), // before the window
  bill('2025-01', 100, 100, 0),
  bill('2025-04', 100, 100, 0),
  bill('2025-07', 100, 100, 10),
  bill('2025-10', 50, 50, 0),
  bill('2025-12', 50, 25, 20),
  bill('2026-01', 1, 0, 90), // after asOf
];

describe('power features', () => {
  it('computes every feature of a hand-made record set', () => {
    const f = byName(POWER_FEATURES.compute({ bills: BILLS }, ASOF));
    // mean kWh (100 + 100 + 100 + 50 + 50) / 5 = 80
    expect(f.power_kwh_level).toBeCloseTo(Math.log1p(80), 12);
    // months from 2025-01: x = 0, 3, 6, 9, 11 (mean 5.8); y - 80 = 20, 20, 20, -30, -30
    // sxy = -5.8*20 - 2.8*20 + 0.2*20 + 3.2*(-30) + 5.2*(-30) = -116 - 56 + 4 - 96 - 156 = -420
    // sxx = 33.64 + 7.84 + 0.04 + 10.24 + 27.04 = 78.8; slope -5.32995 kWh/month; / 80 = -0.066624
    expect(f.power_kwh_trend).toBeCloseTo(-420 / 78.8 / 80, 12);
    // recent mean (50 + 50) / 2 = 50, earlier (100 + 100 + 100) / 3 = 100: 1 - 50/100
    expect(f.power_kwh_drop).toBeCloseTo(0.5, 12);
    expect(f.power_late_bills).toBe(2); // 2025-07 and 2025-12
    expect(f.power_mean_days_late).toBeCloseTo((10 + 20) / 5, 12);
    // paid 100 + 100 + 100 + 50 + 25 = 375 of 400 due
    expect(f.power_paid_ratio).toBeCloseTo(375 / 400, 12);
    expect(f.power_months_billed).toBe(5);
    expect(f.power_max_days_late).toBe(20); // the 30 days of 2024-12 are before the window
  });

  it('does not depend on the order of the bills', () => {
    const a = POWER_FEATURES.compute({ bills: BILLS }, ASOF);
    const b = POWER_FEATURES.compute({ bills: [...BILLS].reverse() }, ASOF);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 12);
  });

  it('ignores bills after asOf', () => {
    const base = POWER_FEATURES.compute({ bills: BILLS }, ASOF);
    const more = POWER_FEATURES.compute({ bills: [...BILLS, bill('2026-02', 1e9, 0, 300)] }, ASOF);
    expect([...more]).toEqual([...base]);
  });

  it('imputes documented values without bills', () => {
    expect(byName(POWER_FEATURES.compute({ bills: [] }, ASOF))).toEqual({
      power_kwh_level: 0, power_kwh_trend: 0, power_kwh_drop: 0, power_late_bills: 0,
      power_mean_days_late: 0, power_paid_ratio: 1, power_months_billed: 0, power_max_days_late: 0,
    });
  });

  it('needs three bills for a trend and bills on both sides for a drop', () => {
    const two = byName(POWER_FEATURES.compute({ bills: [bill('2025-01', 100, 100, 0), bill('2025-12', 10, 10, 0)] }, ASOF));
    expect(two.power_kwh_trend).toBe(0);
    expect(two.power_kwh_drop).toBeCloseTo(0.9, 12); // 1 - 10/100
    const recentOnly = byName(POWER_FEATURES.compute({ bills: [bill('2025-11', 10, 10, 0), bill('2025-12', 10, 10, 0)] }, ASOF));
    expect(recentOnly.power_kwh_drop).toBe(0);
    const zeroBefore = byName(POWER_FEATURES.compute({ bills: [bill('2025-02', 0, 0, 0), bill('2025-12', 10, 10, 0)] }, ASOF));
    expect(zeroBefore.power_kwh_drop).toBe(0); // no earlier consumption to compare with
  });

  it('leaves a rise from a tiny base unclamped (a new meter), and clamps a steep trend to ±0.5', () => {
    const rise = byName(POWER_FEATURES.compute({
      bills: [bill('2025-01', 1, 1, 0), bill('2025-02', 1, 1, 0), bill('2025-12', 1000, 1000, 0)],
    }, ASOF));
    expect(rise.power_kwh_drop).toBe(-999); // 1 - 1000/1
    const disputed = byName(POWER_FEATURES.compute({ bills: [bill('2025-03', 10, 10, 900), bill('2025-04', 10, 10, 3)] }, ASOF));
    expect(disputed.power_max_days_late).toBe(900);
    // x = 9, 10, 11 (mean 10), y - 334 = -333, -333, 666: slope (333 + 666) / 2 = 499.5 kWh/month,
    // / 334 = 1.5 per month, clamped to 0.5
    const steep = byName(POWER_FEATURES.compute({
      bills: [bill('2025-10', 1, 1, 0), bill('2025-11', 1, 1, 0), bill('2025-12', 1000, 1000, 0)],
    }, ASOF));
    expect(steep.power_kwh_trend).toBe(0.5);
  });
});
