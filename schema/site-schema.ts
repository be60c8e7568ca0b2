/**
 * The raw record formats each site exports, as CSV files with a header row.
 *
 * One table per file kind: the simulator writes exactly these columns and the data node's
 * ingest validates exactly these (unknown columns are an error, so a typo in an export is
 * caught rather than silently dropped). Periods are calendar months `YYYY-MM`; dates are
 * `YYYY-MM-DD`; money is CNY with at most two decimals.
 *
 * See docs/data-formats.md for the human-readable version of this table.
 */

export type Site = 'tax' | 'power' | 'bank';
export const SITES: readonly Site[] = ['tax', 'power', 'bank'];

export function isSite(site: string): site is Site {
  return site === 'tax' || site === 'power' || site === 'bank';
}

/**
 * Months of dated records (filings, bills, repayments) each site's feature catalogue reads,
 * ending at the features' as-of month (node/features: the widest feature window). A consent's
 * data window must hold them: each node checks its own months, the coordinator that a window
 * is at least this long (docs/scoring.md, "What a consent covers").
 */
export const FEATURE_WINDOW_MONTHS: Readonly<Record<Site, number>> = { tax: 24, power: 12, bank: 24 };

export type RecordKind = 'vat_filing' | 'tax_rating' | 'power_bill' | 'loan' | 'repayment';

export type ColumnType =
  | { kind: 'credit_code' }
  | { kind: 'period' } // YYYY-MM
  | { kind: 'date' } // YYYY-MM-DD
  | { kind: 'year' } // YYYY
  | { kind: 'money'; max: number } // >= 0, at most 2 decimals
  | { kind: 'number'; min: number; max: number } // any finite decimal in [min, max]
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'flag' } // 0 or 1
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'token'; pattern: RegExp; hint: string }; // free identifier, e.g. a loan id

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly meaning: string;
}

export interface RecordKindSpec {
  readonly kind: RecordKind;
  readonly site: Site;
  /** The file name the simulator writes under `<out>/<site>/`. */
  readonly fileName: string;
  readonly columns: readonly ColumnSpec[];
  /** Columns whose values together identify a record; a second row with the same key is a duplicate. */
  readonly key: readonly string[];
}

const MONEY_MAX = 1e12;

export const RECORD_KINDS: Readonly<Record<RecordKind, RecordKindSpec>> = {
  vat_filing: {
    kind: 'vat_filing',
    site: 'tax',
    fileName: 'vat_filings.csv',
    key: ['credit_code', 'period'],
    columns: [
      { name: 'credit_code', type: { kind: 'credit_code' }, meaning: 'unified social credit code of the filer' },
      { name: 'period', type: { kind: 'period' }, meaning: 'tax month the filing covers' },
      { name: 'taxable_revenue', type: { kind: 'money', max: MONEY_MAX }, meaning: 'declared taxable revenue, CNY' },
      { name: 'tax_due', type: { kind: 'money', max: MONEY_MAX }, meaning: 'VAT due for the month, CNY' },
      { name: 'tax_paid', type: { kind: 'money', max: MONEY_MAX }, meaning: 'VAT paid for the month by its deadline, CNY' },
      { name: 'filed_on_time', type: { kind: 'flag' }, meaning: '1 if the return was filed by the statutory deadline' },
      { name: 'arrears', type: { kind: 'money', max: MONEY_MAX }, meaning: 'total overdue tax outstanding at month end, CNY' },
    ],
  },
  tax_rating: {
    kind: 'tax_rating',
    site: 'tax',
    fileName: 'tax_ratings.csv',
    key: ['credit_code', 'year'],
    columns: [
      { name: 'credit_code', type: { kind: 'credit_code' }, meaning: 'unified social credit code of the taxpayer' },
      { name: 'year', type: { kind: 'year' }, meaning: 'assessment year' },
      { name: 'rating', type: { kind: 'enum', values: ['A', 'B', 'M', 'C', 'D'] }, meaning: 'annual tax credit rating (A best, D worst)' },
    ],
  },
  power_bill: {
    kind: 'power_bill',
    site: 'power',
    fileName: 'power_bills.csv',
    key: ['credit_code', 'period'],
    columns: [
      { name: 'credit_code', type: { kind: 'credit_code' }, meaning: 'unified social credit code of the account holder' },
      { name: 'period', type: { kind: 'period' }, meaning: 'billing month' },
      { name: 'kwh', type: { kind: 'number', min: 0, max: 1e10 }, meaning: 'electricity consumed in the month, kWh' },
      { name: 'amount_due', type: { kind: 'money', max: MONEY_MAX }, meaning: 'bill amount, CNY' },
      { name: 'amount_paid', type: { kind: 'money', max: MONEY_MAX }, meaning: 'amount paid against the bill, CNY' },
      { name: 'days_late', type: { kind: 'integer', min: 0, max: 3650 }, meaning: 'days after the due date the bill was settled (0 = on time)' },
    ],
  },
  loan: {
    kind: 'loan',
    site: 'bank',
    fileName: 'loans.csv',
    key: ['loan_id'],
    columns: [
      { name: 'credit_code', type: { kind: 'credit_code' }, meaning: 'unified social credit code of the borrower' },
      { name: 'loan_id', type: { kind: 'token', pattern: /^[A-Za-z0-9_-]{1,40}$/, hint: '1-40 letters, digits, _ or -' }, meaning: 'the bank\'s loan identifier' },
      { name: 'amount', type: { kind: 'money', max: MONEY_MAX }, meaning: 'principal, CNY' },
      { name: 'start_date', type: { kind: 'date' }, meaning: 'drawdown date' },
      { name: 'term_months', type: { kind: 'integer', min: 1, max: 360 }, meaning: 'contractual term in months' },
      { name: 'annual_rate', type: { kind: 'number', min: 0, max: 1 }, meaning: 'annual interest rate as a fraction (0.0435 = 4.35%)' },
    ],
  },
  repayment: {
    kind: 'repayment',
    site: 'bank',
    fileName: 'repayments.csv',
    key: ['loan_id', 'period'],
    columns: [
      { name: 'credit_code', type: { kind: 'credit_code' }, meaning: 'unified social credit code of the borrower' },
      { name: 'loan_id', type: { kind: 'token', pattern: /^[A-Za-z0-9_-]{1,40}$/, hint: '1-40 letters, digits, _ or -' }, meaning: 'loan the record belongs to' },
      { name: 'period', type: { kind: 'period' }, meaning: 'repayment month' },
      { name: 'scheduled', type: { kind: 'money', max: MONEY_MAX }, meaning: 'instalment due in the month, CNY' },
      { name: 'paid', type: { kind: 'money', max: MONEY_MAX }, meaning: 'amount repaid in the month, CNY' },
      { name: 'balance', type: { kind: 'money', max: MONEY_MAX }, meaning: 'outstanding principal at month end, CNY' },
      { name: 'days_past_due', type: { kind: 'integer', min: 0, max: 3650 }, meaning: 'days past due at month end (0 = current)' },
    ],
  },
};

export const SITE_RECORD_KINDS: Readonly<Record<Site, readonly RecordKind[]>> = {
  tax: ['vat_filing', 'tax_rating'],
  power: ['power_bill'],
  bank: ['loan', 'repayment'],
};

// Typed forms of the rows once validated. Periods are kept as month indexes
// (year * 12 + month - 1) so feature windows are integer arithmetic.
export interface VatFiling {
  creditCode: string;
  period: number;
  taxableRevenue: number;
  taxDue: number;
  taxPaid: number;
  filedOnTime: boolean;
  arrears: number;
}
export interface TaxRating {
  creditCode: string;
  year: number;
  rating: 'A' | 'B' | 'M' | 'C' | 'D';
}
export interface PowerBill {
  creditCode: string;
  period: number;
  kwh: number;
  amountDue: number;
  amountPaid: number;
  daysLate: number;
}
export interface Loan {
  creditCode: string;
  loanId: string;
  amount: number;
  /** Drawdown month index (the day of month is kept in startDate). */
  startPeriod: number;
  startDate: string;
  termMonths: number;
  annualRate: number;
}
export interface Repayment {
  creditCode: string;
  loanId: string;
  period: number;
  scheduled: number;
  paid: number;
  balance: number;
  daysPastDue: number;
}

/** All raw records one site holds for one enterprise, as the feature aggregation sees them. */
export interface TaxRecords { filings: VatFiling[]; ratings: TaxRating[] }
export interface PowerRecords { bills: PowerBill[] }
export interface BankRecords { loans: Loan[]; repayments: Repayment[] }

/** `YYYY-MM` to a month index; throws RangeError on anything else. */
export function parsePeriod(text: string): number {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  if (!m) throw new RangeError(`'${text}' is not a period YYYY-MM`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12) throw new RangeError(`'${text}': month must be 01-12`);
  return year * 12 + (month - 1);
}

/** Month index to `YYYY-MM`. */
export function formatPeriod(index: number): string {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${year}-${String(month).padStart(2, '0')}`;
}
