/**
 * Bank features and the bank's label. The loan book shows long-term health: past delinquency,
 * how much of its credit the firm still owes, how long it has banked here, and the rate the
 * bank's own pricing put on it. The label (90+ days past due in the 12 months after asOf) is
 * read only from records after asOf; the features only from records at or before it.
 */
import { FEATURE_WINDOW_MONTHS, type BankRecords, type Loan } from '../schema/site-schema.js';
import { checkAsOf, clamp, finiteVector, type FeatureSpec, type SiteFeatureSet } from './spec.js';

const W24 = 'the 24 months asOf-23..asOf';
const AT = 'the month asOf (latest record at or before it per loan)';
/** Days past due are capped: one old write-off should not dominate a standardized column. */
const DPD_CAP = 180;
/** PBOC one-to-five-year benchmark lending rate, the neutral value for a firm with no priced loan. */
const BENCHMARK_RATE = 0.0475;
/** Days past due at which a loan is in default (Basel II §452; the label threshold). */
export const DEFAULT_DPD = 90;

export const BANK_CATALOGUE: readonly FeatureSpec[] = [
  { name: 'bank_balance', meaning: 'outstanding principal over all loans drawn by asOf, log1p', unit: 'log(CNY)', window: AT, imputation: 'a loan with no repayment record by asOf: its scheduled annuity balance (0 once matured)' },
  { name: 'bank_utilization', meaning: 'outstanding principal / original amount over the loans still outstanding at asOf', unit: 'fraction', window: AT, imputation: 'no outstanding loan: 0' },
  { name: 'bank_max_dpd_24m', meaning: `largest days past due in any repayment record of the window, capped at ${DPD_CAP}`, unit: 'days', window: W24, imputation: 'no record in the window: 0' },
  { name: 'bank_delinquent_months_24m', meaning: 'number of months in the window in which any loan was past due', unit: 'months', window: W24, imputation: 'none needed (0 without records)' },
  { name: 'bank_dpd_now', meaning: `largest days past due in the records of the month asOf, capped at ${DPD_CAP}`, unit: 'days', window: 'the month asOf', imputation: 'no record in that month: 0' },
  { name: 'bank_relationship_months', meaning: 'months from the earliest drawdown to asOf', unit: 'months', window: 'all loans drawn by asOf', imputation: 'no loan drawn by asOf: 0' },
  { name: 'bank_active_loans', meaning: 'number of loans drawn by asOf and still outstanding at asOf', unit: 'loans', window: AT, imputation: 'none needed' },
  { name: 'bank_mean_rate', meaning: 'amount-weighted mean annual rate of the outstanding loans (of all loans drawn by asOf when none is outstanding): the bank\'s own risk pricing', unit: 'fraction per year', window: 'loans drawn by asOf', imputation: `no loan drawn by asOf: ${BENCHMARK_RATE} (benchmark rate)` },
  { name: 'bank_overdue_amount', meaning: 'instalments past due and unpaid at asOf, summed over the loans past due in the month asOf (scheduled - paid over each one\'s unbroken run of past-due months up to asOf), in CNY, not logged: 0 for most firms, the size of the firm for the rest', unit: 'CNY', window: W24, imputation: 'no loan past due in the month asOf: 0' },
];

/** Principal left after `paid` on-time annuity instalments. */
function scheduledBalance(loan: Loan, paid: number): number {
  const n = loan.termMonths;
  if (paid >= n) return 0;
  if (paid <= 0) return loan.amount;
  const r = loan.annualRate / 12;
  const g = Math.pow(1 + r, paid);
  const gn = Math.pow(1 + r, n);
  // A rate so small that (1 + r)^n rounds to 1 is a zero-rate loan: straight-line principal.
  if (!(gn - 1 > 1e-12)) return loan.amount * (1 - paid / n);
  return Math.max(0, (loan.amount * (gn - g)) / (gn - 1));
}

/** Outstanding balance of each loan drawn by asOf: the latest record at or before asOf, else the schedule. */
function balancesAt(records: BankRecords, asOf: number): Map<string, { loan: Loan; balance: number }> {
  const latest = new Map<string, { period: number; balance: number }>();
  for (const r of records.repayments) {
    if (r.period > asOf) continue;
    const seen = latest.get(r.loanId);
    if (!seen || r.period > seen.period) latest.set(r.loanId, { period: r.period, balance: r.balance });
  }
  const out = new Map<string, { loan: Loan; balance: number }>();
  for (const loan of records.loans) {
    if (loan.startPeriod > asOf) continue;
    const rec = latest.get(loan.loanId);
    out.set(loan.loanId, { loan, balance: rec ? rec.balance : scheduledBalance(loan, asOf - loan.startPeriod) });
  }
  return out;
}

function computeBank(records: BankRecords, asOf: number): Float64Array {
  checkAsOf(asOf);
  const lo = asOf - 23;
  let maxDpd = 0;
  let dpdNow = 0;
  const delinquentMonths = new Uint8Array(24);
  for (const r of records.repayments) {
    if (r.period > asOf || r.period < lo) continue;
    if (r.daysPastDue > maxDpd) maxDpd = r.daysPastDue;
    if (r.daysPastDue > 0) delinquentMonths[r.period - lo] = 1;
    if (r.period === asOf && r.daysPastDue > dpdNow) dpdNow = r.daysPastDue;
  }

  let balance = 0;
  let activeBalance = 0;
  let activeAmount = 0;
  let activeRate = 0;
  let allAmount = 0;
  let allRate = 0;
  let active = 0;
  let earliest = Number.POSITIVE_INFINITY;
  for (const { loan, balance: b } of balancesAt(records, asOf).values()) {
    balance += b;
    allAmount += loan.amount;
    allRate += loan.amount * loan.annualRate;
    if (loan.startPeriod < earliest) earliest = loan.startPeriod;
    if (b > 0) {
      active++;
      activeBalance += b;
      activeAmount += loan.amount;
      activeRate += loan.amount * loan.annualRate;
    }
  }
  const meanRate = activeAmount > 0 ? activeRate / activeAmount : allAmount > 0 ? allRate / allAmount : BENCHMARK_RATE;

  let months = 0;
  for (const m of delinquentMonths) months += m;
  const overdue = overdueAmount(records, asOf);
  return finiteVector('bank', BANK_CATALOGUE, [
    Math.log1p(balance),
    activeAmount > 0 ? clamp(activeBalance / activeAmount, 0, 2) : 0,
    Math.min(DPD_CAP, maxDpd),
    months,
    Math.min(DPD_CAP, dpdNow),
    earliest <= asOf ? asOf - earliest : 0,
    active,
    meanRate,
    overdue,
  ]);
}

/** Unpaid instalments of the loans past due in the month asOf, back through each one's run of past-due months in the window. */
function overdueAmount(records: BankRecords, asOf: number): number {
  const runs = new Map<string, Map<number, number>>();
  for (const r of records.repayments) if (r.period === asOf && r.daysPastDue > 0) runs.set(r.loanId, new Map());
  if (runs.size === 0) return 0;
  for (const r of records.repayments) {
    const run = runs.get(r.loanId);
    if (run && r.period <= asOf && r.period > asOf - 24 && r.daysPastDue > 0) run.set(r.period, Math.max(0, r.scheduled - r.paid));
  }
  let total = 0;
  for (const run of runs.values()) {
    for (let t = asOf; run.has(t); t--) total += run.get(t)!;
  }
  return total;
}

export const BANK_FEATURES: SiteFeatureSet<BankRecords> = { site: 'bank', catalogue: BANK_CATALOGUE, windowMonths: FEATURE_WINDOW_MONTHS.bank, compute: computeBank };

/**
 * The default label as of `asOf`: 1 if any loan is 90+ days past due in asOf+1..asOf+12, else 0.
 * null when there is nothing to label: no repayment record in that window (no exposure), or the
 * firm is already 90+ days past due in the month asOf (already in default, not a prediction).
 */
export function bankLabel(records: BankRecords, asOf: number): 0 | 1 | null {
  checkAsOf(asOf);
  let exposed = false;
  let defaulted = false;
  for (const r of records.repayments) {
    if (r.period === asOf && r.daysPastDue >= DEFAULT_DPD) return null;
    if (r.period <= asOf || r.period > asOf + 12) continue;
    exposed = true;
    if (r.daysPastDue >= DEFAULT_DPD) defaulted = true;
  }
  if (!exposed) return null;
  return defaulted ? 1 : 0;
}
