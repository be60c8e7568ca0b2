import { describe, expect, it } from 'vitest';
import { parsePeriod as P, type BankRecords, type Loan, type Repayment } from '../../schema/site-schema.js';
import { BANK_CATALOGUE, BANK_FEATURES, bankLabel } from '../../features/index.js';

const CODE = '91350100M000100Y43';
const ASOF = P('2025-12'); // 24-month window 2024-01..2025-12, label window 2026-01..2026-12

function loan(loanId: string, amount: number, start: string, termMonths: number, annualRate: number): Loan {
  return { creditCode: CODE, loanId, amount, startPeriod: P(start), startDate: `${start}-15`, termMonths, annualRate };
}

function rep(loanId: string, period: string, balance: number, daysPastDue: number): Repayment {
  return { creditCode: CODE, loanId, period: P(period), scheduled: 100, paid: daysPastDue > 0 ? 0 : 100, balance, daysPastDue };
}

function byName(v: Float64Array): Record<string, number> {
  return Object.fromEntries(BANK_CATALOGUE.map((f, i) => [f.name, v[i]!]));
}

const RECORDS: BankRecords = {
  loans: [
    loan('L1', 1200, '2024-01', 12, 0),
    loan('L2', 10000, '2025-06', 24, 0.06),
    loan('L3', 5000, '2020-01', 12, 0.05), // matured in 2021, no records exported
    loan('L4', 3000, '2026-02', 12, 0.09), // drawn after asOf
    loan('L5', 2000, '2023-06', 6, 0),
  ],
  repayments: [
    rep('L5', '2023-11', 500, 60), // before the 24-month window
    rep('L5', '2023-12', 0, 0),
    rep('L1', '2024-05', 800, 15),
    rep('L1', '2024-06', 800, 45),
    rep('L1', '2025-01', 0, 0),
    rep('L2', '2025-07', 9600, 0),
    rep('L2', '2025-12', 8000, 10),
    rep('L2', '2026-03', 8000, 100), // label window
    rep('L4', '2026-03', 3000, 0),
  ],
};

describe('bank features', () => {
  it('computes every feature of a hand-made loan book', () => {
    const f = byName(BANK_FEATURES.compute(RECORDS, ASOF));
    // balances at asOf: L1 0 (record 2025-01), L2 8000 (record 2025-12), L3 0 (matured), L5 0; L4 not drawn yet
    expect(f.bank_balance).toBeCloseTo(Math.log1p(8000), 12);
    expect(f.bank_utilization).toBeCloseTo(8000 / 10000, 12); // only L2 is outstanding
    expect(f.bank_max_dpd_24m).toBe(45); // 60 (2023-11) is before the window, 100 (2026-03) after asOf
    expect(f.bank_delinquent_months_24m).toBe(3); // 2024-05, 2024-06, 2025-12
    expect(f.bank_dpd_now).toBe(10);
    // earliest drawdown 2020-01: (2025 - 2020) * 12 + (12 - 1) = 71 months
    expect(f.bank_relationship_months).toBe(71);
    expect(f.bank_active_loans).toBe(1);
    expect(f.bank_mean_rate).toBeCloseTo(0.06, 12);
    // L2 is past due in 2025-12 (scheduled 100, paid 0); it was current in 2025-07 and has no record between
    expect(f.bank_overdue_amount).toBe(100);
  });

  it('sums the unpaid instalments of each unbroken past-due run up to asOf, unclamped', () => {
    const book: BankRecords = {
      loans: [loan('A', 1e9, '2024-01', 60, 0.05), loan('B', 1000, '2024-01', 12, 0.05)],
      repayments: [
        { creditCode: CODE, loanId: 'A', period: P('2025-09'), scheduled: 2e7, paid: 0, balance: 9e8, daysPastDue: 40 },
        { creditCode: CODE, loanId: 'A', period: P('2025-10'), scheduled: 2e7, paid: 2e7, balance: 8e8, daysPastDue: 0 },
        { creditCode: CODE, loanId: 'A', period: P('2025-11'), scheduled: 2e7, paid: 0, balance: 8e8, daysPastDue: 10 },
        { creditCode: CODE, loanId: 'A', period: P('2025-12'), scheduled: 2e7, paid: 5e6, balance: 8e8, daysPastDue: 40 },
        { creditCode: CODE, loanId: 'B', period: P('2025-12'), scheduled: 90, paid: 0, balance: 500, daysPastDue: 0 },
      ],
    };
    // A: 2025-12 (1.5e7 unpaid) and 2025-11 (2e7); 2025-10 was current, so 2025-09 does not count; B is current
    expect(byName(BANK_FEATURES.compute(book, ASOF)).bank_overdue_amount).toBe(3.5e7);
  });

  it('ignores records and loans after asOf', () => {
    const base = BANK_FEATURES.compute(RECORDS, ASOF);
    const more: BankRecords = {
      loans: [...RECORDS.loans, loan('L9', 1e8, '2026-01', 60, 0.2)],
      repayments: [...RECORDS.repayments, rep('L2', '2026-06', 8000, 180), rep('L9', '2026-02', 1e8, 0)],
    };
    expect([...BANK_FEATURES.compute(more, ASOF)]).toEqual([...base]);
  });

  it('uses the scheduled balance of a loan with no record yet', () => {
    // 12-month annuity of 10000 at 12%/year drawn 2025-09: 3 instalments paid by 2025-12.
    // r = 0.01: balance = 10000 * (1.01^12 - 1.01^3) / (1.01^12 - 1)
    //         = 10000 * (1.1268250 - 1.0303010) / 0.1268250 = 7610.80
    const f = byName(BANK_FEATURES.compute({ loans: [loan('A', 10000, '2025-09', 12, 0.12)], repayments: [] }, ASOF));
    expect(Math.expm1(f.bank_balance!)).toBeCloseTo(7610.8028542575585, 6);
    expect(f.bank_utilization).toBeCloseTo(0.76108028542575585, 9);
    // a zero-rate loan drawn in the as-of month is owed in full
    const fresh = byName(BANK_FEATURES.compute({ loans: [loan('B', 1200, '2025-12', 12, 0)], repayments: [] }, ASOF));
    expect(Math.expm1(fresh.bank_balance!)).toBeCloseTo(1200, 6);
    expect(fresh.bank_relationship_months).toBe(0);
  });

  it('falls back to the rate of repaid loans, then to the benchmark rate', () => {
    const repaid = byName(BANK_FEATURES.compute({ loans: [loan('C', 100, '2020-01', 12, 0.08)], repayments: [] }, ASOF));
    expect(repaid.bank_active_loans).toBe(0);
    expect(repaid.bank_utilization).toBe(0);
    expect(repaid.bank_mean_rate).toBeCloseTo(0.08, 12);
    expect(byName(BANK_FEATURES.compute({ loans: [], repayments: [] }, ASOF))).toEqual({
      bank_balance: 0, bank_utilization: 0, bank_max_dpd_24m: 0, bank_delinquent_months_24m: 0, bank_dpd_now: 0,
      bank_relationship_months: 0, bank_active_loans: 0, bank_mean_rate: 0.0475, bank_overdue_amount: 0,
    });
  });

  it('weights the mean rate by amount and caps days past due at 180', () => {
    const book: BankRecords = {
      loans: [loan('D', 1000, '2025-01', 36, 0.04), loan('E', 3000, '2025-01', 36, 0.08)],
      repayments: [rep('D', '2025-12', 900, 400), rep('E', '2025-12', 2700, 0)],
    };
    const f = byName(BANK_FEATURES.compute(book, ASOF));
    // (1000 * 0.04 + 3000 * 0.08) / 4000 = 280 / 4000 = 0.07
    expect(f.bank_mean_rate).toBeCloseTo(0.07, 12);
    expect(f.bank_max_dpd_24m).toBe(180);
    expect(f.bank_dpd_now).toBe(180);
    expect(f.bank_utilization).toBeCloseTo(3600 / 4000, 12);
  });
});

describe('bankLabel', () => {
  it('is 1 when any loan reaches 90 days past due in the 12 months after asOf', () => {
    expect(bankLabel(RECORDS, ASOF)).toBe(1); // L2 at 100 dpd in 2026-03
  });

  it('is 0 when exposure stays under 90 days past due', () => {
    const cured = { ...RECORDS, repayments: RECORDS.repayments.map((r) => (r.daysPastDue === 100 ? { ...r, daysPastDue: 89 } : r)) };
    expect(bankLabel(cured, ASOF)).toBe(0);
  });

  it('only reads the label window: 90+ after asOf + 12 does not count', () => {
    const late: BankRecords = { loans: RECORDS.loans, repayments: [rep('L2', '2026-06', 8000, 0), rep('L2', '2027-01', 8000, 120)] };
    expect(bankLabel(late, ASOF)).toBe(0);
  });

  it('is null without exposure in the window, and for a firm already in default at asOf', () => {
    expect(bankLabel({ loans: RECORDS.loans, repayments: RECORDS.repayments.filter((r) => r.period <= ASOF) }, ASOF)).toBeNull();
    expect(bankLabel({ loans: [], repayments: [] }, ASOF)).toBeNull();
    const inDefault: BankRecords = { loans: RECORDS.loans, repayments: [rep('L2', '2025-12', 8000, 95), rep('L2', '2026-01', 8000, 125)] };
    expect(bankLabel(inDefault, ASOF)).toBeNull();
  });
});
