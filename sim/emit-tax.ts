/**
 * The tax bureau's records of one enterprise: monthly VAT filings over the history window and
 * the annual tax credit ratings of the two years before the observation year.
 *
 * What tax sees that the others do not: declared revenue (level, trend, volatility), filing
 * discipline and tax arrears. A shock reaches declared revenue with a lag of about a quarter,
 * because invoices for work already done keep coming in. Some firms turn dormant on paper: zero
 * or token returns while still trading, arrears left unpaid, so a debt ratio such as arrears over
 * tax due explodes for them, or is undefined when nothing at all was due.
 */
import type { Calendar, Enterprise } from './enterprise.js';
import { seasonal, sigmoid } from './enterprise.js';
import { cents, money, type CsvSink } from './csv-sink.js';
import type { Rng } from './prng.js';

export interface TaxSinks {
  readonly filings: Pick<CsvSink, 'write'>;
  readonly ratings: Pick<CsvSink, 'write'>;
}

/** Where the tax records left the enterprise at the observation month (sim/next-month.ts goes on from it). */
export interface TaxState {
  /** Tax arrears carried at the observation month. */
  readonly arrears: number;
  /** Month the firm's returns turned dormant, or +Infinity. */
  readonly dormantFrom: number;
}

/** Months over which the shock's effect on declared revenue builds up. */
export const TAX_SHOCK_LAG = 3;

export function emitTax(e: Enterprise, rng: Rng, cal: Calendar, periods: readonly string[], out: TaxSinks): TaxState {
  const from = Math.max(cal.histStart, e.founded);
  const phase = e.industry.seasonality > 0 ? e.index % 3 : 0;
  let arrears = 0;
  // Dormant declarations: from some month on, some firms (more of the undisciplined) file zero
  // returns in most months and token amounts in the rest while still trading, and pay nothing
  // down, so their tax due is tiny (or nil) next to the arrears they carry.
  const dormantFrom = rng.bernoulli(sigmoid(-2.7 - 0.6 * e.discipline)) ? cal.obs - rng.int(0, 30) : Number.POSITIVE_INFINITY;
  for (let t = from; t <= cal.obs; t++) {
    const post = e.shockMonth >= 0 && t >= e.shockMonth ? Math.min(1, (t - e.shockMonth + 1) / TAX_SHOCK_LAG) : 0;
    const dormant = t >= dormantFrom;
    const zero = dormant && rng.bernoulli(0.85);
    const declared = dormant ? (zero ? 0 : rng.uniform(0.002, 0.03)) : 1;
    const revenue = zero ? 0 : cents(
      declared * e.revenueScale * e.activity[t - cal.histStart]! * seasonal(e.industry.seasonality, t, phase)
        * Math.exp(e.volatility * rng.normal()) * (1 - e.shockSeverity * post),
    );
    const due = cents(revenue * e.vatRate);
    const stressed = rng.bernoulli(sigmoid(-3.4 - 1.0 * e.discipline - 0.6 * e.health + 2.8 * post));
    const paid = stressed ? cents(due * rng.uniform(0, 0.7)) : due;
    // Arrears are paid down in a normal month; a dormant firm pays nothing down.
    arrears = stressed ? arrears + (due - paid) : dormant ? arrears : arrears * rng.uniform(0.1, 0.6);
    if (arrears < 50) arrears = 0;
    arrears = cents(arrears);
    // A return not filed at all leaves no row; the month still counts against on-time filing.
    if (rng.bernoulli(sigmoid(-5.0 - 0.8 * e.discipline + 2.0 * post))) continue;
    const onTime = rng.bernoulli(sigmoid(2.9 + 1.1 * e.discipline + 0.3 * e.health - 1.8 * post));
    out.filings.write(
      `${e.code},${periods[t - cal.histStart]},${money(revenue)},${money(due)},${money(paid)},${onTime ? 1 : 0},${money(arrears)}`,
    );
  }

  const obsYear = Math.floor(cal.obs / 12);
  for (let year = obsYear - 2; year <= obsYear - 1; year++) {
    const yearEnd = year * 12 + 11;
    if (e.founded > yearEnd) continue;
    out.ratings.write(`${e.code},${year},${drawRating(e, rng, year)}`);
  }
  return { arrears, dormantFrom };
}

/** Annual tax credit rating; 'M' is the grade for taxpayers newly registered in that year. */
function drawRating(e: Enterprise, rng: Rng, year: number): string {
  if (e.founded >= year * 12) return 'M';
  const score = 0.85 * e.discipline + 0.35 * e.health + 0.45 * rng.normal();
  if (score > 1.1) return 'A';
  if (score > -0.5) return 'B';
  if (score > -1.6) return 'C';
  return 'D';
}
