/**
 * Power utility features: consumption tracks real activity with no reporting lag, so a fall in
 * kWh is the earliest sign of a shock (a lost customer, a stopped line), and late or partial
 * bill payment is a direct view of short-term liquidity.
 */
import { FEATURE_WINDOW_MONTHS, type PowerRecords } from '../schema/site-schema.js';
import { checkAsOf, clamp, finiteVector, type FeatureSpec, type SiteFeatureSet } from './spec.js';

const W12 = 'the 12 months asOf-11..asOf';

export const POWER_CATALOGUE: readonly FeatureSpec[] = [
  { name: 'power_kwh_level', meaning: 'mean monthly consumption over the bills in the window, log1p', unit: 'log(kWh)', window: W12, imputation: 'no bill in the window: 0' },
  { name: 'power_kwh_trend', meaning: 'least-squares slope of kWh against month over the bills in the window, divided by their mean kWh, clamped to [-0.5, 0.5]', unit: 'fraction of mean per month', window: W12, imputation: 'fewer than 3 bills or zero mean: 0 (flat)' },
  { name: 'power_kwh_drop', meaning: '1 - mean kWh of asOf-2..asOf / mean kWh of asOf-11..asOf-3, not clamped: at most 1, and far below -1 when the earlier mean is tiny (a new meter); 0.4 means consumption fell by 40%', unit: 'fraction', window: W12, imputation: 'no bill in either part or zero earlier mean: 0 (no drop)' },
  { name: 'power_late_bills', meaning: 'number of bills in the window settled after the due date', unit: 'bills', window: W12, imputation: 'none needed (0 without bills)' },
  { name: 'power_mean_days_late', meaning: 'mean days late over the bills in the window (on-time bills count as 0)', unit: 'days', window: W12, imputation: 'no bill in the window: 0' },
  { name: 'power_paid_ratio', meaning: 'sum paid / sum due over the window, clamped to [0, 2]', unit: 'fraction', window: W12, imputation: 'nothing due in the window: 1' },
  { name: 'power_months_billed', meaning: 'number of months in the window with a bill; also tells the model when other values are imputed', unit: 'months', window: W12, imputation: 'none needed' },
  { name: 'power_max_days_late', meaning: 'largest days late of any bill in the window, uncapped (a disputed bill can stay unpaid for years)', unit: 'days', window: W12, imputation: 'no bill in the window: 0' },
];

function computePower(records: PowerRecords, asOf: number): Float64Array {
  checkAsOf(asOf);
  const lo = asOf - 11;
  const recentLo = asOf - 2;
  let n = 0;
  let kwhSum = 0;
  let monthSum = 0;
  let recentSum = 0;
  let recentN = 0;
  let late = 0;
  let daysLate = 0;
  let maxDaysLate = 0;
  let due = 0;
  let paid = 0;
  for (const b of records.bills) {
    if (b.period > asOf || b.period < lo) continue;
    n++;
    kwhSum += b.kwh;
    monthSum += b.period - lo;
    if (b.period >= recentLo) {
      recentSum += b.kwh;
      recentN++;
    }
    if (b.daysLate > 0) late++;
    daysLate += b.daysLate;
    if (b.daysLate > maxDaysLate) maxDaysLate = b.daysLate;
    due += b.amountDue;
    paid += b.amountPaid;
  }
  const mean = n > 0 ? kwhSum / n : 0;

  let trend = 0;
  if (n >= 3 && mean > 0) {
    const meanMonth = monthSum / n;
    let sxy = 0;
    let sxx = 0;
    for (const b of records.bills) {
      if (b.period > asOf || b.period < lo) continue;
      const dx = b.period - lo - meanMonth;
      sxy += dx * (b.kwh - mean);
      sxx += dx * dx;
    }
    // sxx is 0 only if every bill has the same period (duplicates the ingest rejects).
    trend = sxx > 0 ? clamp(sxy / sxx / mean, -0.5, 0.5) : 0;
  }

  const priorN = n - recentN;
  const priorMean = priorN > 0 ? (kwhSum - recentSum) / priorN : 0;
  // Not clamped below: real exports carry such ratios as they are; taming them is the job of the
  // site's preprocessing (quantile clipping), which sees the whole column.
  const drop = recentN > 0 && priorMean > 0 ? Math.min(1, 1 - recentSum / recentN / priorMean) : 0;

  return finiteVector('power', POWER_CATALOGUE, [
    Math.log1p(mean),
    trend,
    drop,
    late,
    n > 0 ? daysLate / n : 0,
    due > 0 ? clamp(paid / due, 0, 2) : 1,
    n,
    maxDaysLate,
  ]);
}

export const POWER_FEATURES: SiteFeatureSet<PowerRecords> = { site: 'power', catalogue: POWER_CATALOGUE, windowMonths: FEATURE_WINDOW_MONTHS.power, compute: computePower };
