/**
 * Tax bureau features: what monthly VAT returns and the annual tax credit rating say about an
 * enterprise. Revenue level, trend and volatility describe the business; on-time filing, arrears
 * and the paid ratio describe how it treats obligations it could defer, which tends to slip
 * before bank repayments do.
 */
import { FEATURE_WINDOW_MONTHS, type TaxRecords } from '../schema/site-schema.js';
import { checkAsOf, clamp, finiteVector, type FeatureSpec, type SiteFeatureSet } from './spec.js';

const W12 = 'the 12 months asOf-11..asOf';

export const TAX_CATALOGUE: readonly FeatureSpec[] = [
  { name: 'tax_revenue_12m', meaning: 'declared taxable revenue over the last 12 months, log1p(sum)', unit: 'log(CNY)', window: W12, imputation: 'no filing in the window: 0 (log1p of no declared revenue)' },
  { name: 'tax_revenue_growth', meaning: 'year-on-year revenue growth, ln((1 + revenue asOf-11..asOf) / (1 + revenue asOf-23..asOf-12)), clamped to [-5, 5]', unit: 'log ratio', window: 'asOf-23..asOf', imputation: 'no filing in either 12-month half: 0 (no evidence of change)' },
  { name: 'tax_revenue_cv', meaning: 'coefficient of variation (population std / mean) of monthly revenue over the filings in the window, clamped to [0, 5]', unit: 'ratio', window: W12, imputation: 'fewer than 2 filings or zero mean: 0' },
  { name: 'tax_on_time_ratio', meaning: 'returns filed on time / months the firm had to file (window months from its first filing on); a month with no return counts as not on time', unit: 'fraction', window: W12, imputation: 'no filing ever: 0 (formula with 12 months due)' },
  { name: 'tax_arrears', meaning: 'overdue tax at the end of the latest filed month in the window, log1p', unit: 'log(CNY)', window: W12, imputation: 'no filing in the window: 0' },
  { name: 'tax_arrears_months', meaning: 'number of filed months in the window with arrears > 0', unit: 'months', window: W12, imputation: 'none needed (0 without filings)' },
  { name: 'tax_paid_ratio', meaning: 'sum of tax paid / sum of tax due over the window, clamped to [0, 2]', unit: 'fraction', window: W12, imputation: 'nothing due in the window: 1 (nothing left unpaid)' },
  { name: 'tax_rating_score', meaning: 'latest published annual tax credit rating as a score A=4, B=3, M=2, C=1, D=0; the rating for year Y counts from April of Y+1, when it is published', unit: 'grade points', window: 'ratings published by asOf', imputation: 'no published rating: 2, the grade M given to taxpayers without a rated year' },
  { name: 'tax_months_filed', meaning: 'number of months in the window with a return; also tells the model when the other values are imputed', unit: 'months', window: W12, imputation: 'none needed' },
  { name: 'tax_arrears_to_due', meaning: 'overdue tax at the end of the latest filed month / mean monthly tax due over the filings in the window, unclamped: a debt ratio, huge when the firm declares almost nothing', unit: 'months of tax due', window: W12, imputation: 'nothing due in the window (no filing, only zero returns, or under 0.01 CNY a month): missing (NaN), imputed by the model at the site', mayBeMissing: true },
];

const RATING_SCORE: Readonly<Record<string, number>> = { A: 4, B: 3, M: 2, C: 1, D: 0 };
/** A rating for year Y is published in April of Y+1 (month index (Y+1)*12 + 3). */
const RATING_PUBLICATION_MONTH = 3;

function computeTax(records: TaxRecords, asOf: number): Float64Array {
  checkAsOf(asOf);
  const lo = asOf - 11;
  const priorLo = asOf - 23;
  let revenue = 0;
  let priorRevenue = 0;
  let filed = 0;
  let priorFiled = 0;
  let onTime = 0;
  let arrearsMonths = 0;
  let due = 0;
  let paid = 0;
  let firstPeriod = Number.POSITIVE_INFINITY;
  let latestPeriod = Number.NEGATIVE_INFINITY;
  let latestArrears = 0;
  for (const f of records.filings) {
    if (f.period > asOf) continue;
    if (f.period < firstPeriod) firstPeriod = f.period;
    if (f.period >= lo) {
      revenue += f.taxableRevenue;
      filed++;
      if (f.filedOnTime) onTime++;
      if (f.arrears > 0) arrearsMonths++;
      due += f.taxDue;
      paid += f.taxPaid;
      if (f.period > latestPeriod) {
        latestPeriod = f.period;
        latestArrears = f.arrears;
      }
    } else if (f.period >= priorLo) {
      priorRevenue += f.taxableRevenue;
      priorFiled++;
    }
  }

  let cv = 0;
  const mean = filed > 0 ? revenue / filed : 0;
  if (filed >= 2 && mean > 0) {
    // Second pass rather than sum of squares: revenues span 1e4..1e9, where E[x²]-E[x]² cancels.
    let ss = 0;
    for (const f of records.filings) {
      if (f.period > asOf || f.period < lo) continue;
      ss += (f.taxableRevenue - mean) ** 2;
    }
    cv = clamp(Math.sqrt(ss / filed) / mean, 0, 5);
  }

  const monthsDue = firstPeriod <= asOf ? asOf - Math.max(lo, firstPeriod) + 1 : 12;
  const growth = filed > 0 && priorFiled > 0 ? clamp(Math.log((1 + revenue) / (1 + priorRevenue)), -5, 5) : 0;

  let ratingYear = Number.NEGATIVE_INFINITY;
  let ratingScore = RATING_SCORE.M!;
  for (const r of records.ratings) {
    const published = (r.year + 1) * 12 + RATING_PUBLICATION_MONTH;
    if (published > asOf || r.year <= ratingYear) continue;
    const score = RATING_SCORE[r.rating];
    if (score === undefined) throw new RangeError(`tax rating '${r.rating}' for ${r.year} is not one of A, B, M, C, D`);
    ratingYear = r.year;
    ratingScore = score;
  }

  return finiteVector('tax', TAX_CATALOGUE, [
    Math.log1p(revenue),
    growth,
    cv,
    onTime / monthsDue,
    Math.log1p(latestArrears),
    arrearsMonths,
    due > 0 ? clamp(paid / due, 0, 2) : 1,
    ratingScore,
    filed,
    // Less than one fen due a month is nothing due: a ratio over it would be noise or Infinity.
    filed > 0 && due / filed >= MIN_MONTHLY_DUE ? latestArrears / (due / filed) : NaN,
  ]);
}

/** CNY a month below which a firm counts as owing nothing (one fen: amounts have two decimals). */
const MIN_MONTHLY_DUE = 0.01;

export const TAX_FEATURES: SiteFeatureSet<TaxRecords> = { site: 'tax', catalogue: TAX_CATALOGUE, windowMonths: FEATURE_WINDOW_MONTHS.tax, compute: computeTax };
