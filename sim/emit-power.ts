/**
 * The power utility's records of one enterprise: a monthly bill over the history window.
 *
 * Consumption follows real activity with no reporting lag, so a shock shows here first: the
 * early-warning signal utilities sell to lenders. Late settlement tracks short-term liquidity;
 * a few disputed bills stay unsettled for months or years, far beyond any liquidity story. A
 * few accounts got a new meter lately and billed only standby power before it.
 */
import type { Calendar, Enterprise } from './enterprise.js';
import { seasonal, sigmoid } from './enterprise.js';
import { cents, money, type CsvSink } from './csv-sink.js';
import type { Rng } from './prng.js';

export function emitPower(e: Enterprise, rng: Rng, cal: Calendar, periods: readonly string[], out: CsvSink): void {
  const from = Math.max(cal.histStart, e.founded);
  const phase = e.index % 3;
  const tariff = e.industry.tariff;
  // A new meter (the firm moved, or a line was re-registered) in the last half year: before it,
  // the account billed only standby power, so any ratio to earlier consumption explodes.
  const newMeter = rng.bernoulli(0.012) ? cal.obs - rng.int(0, 5) : Number.NEGATIVE_INFINITY;
  const standby = rng.uniform(0.001, 0.02);
  for (let t = from; t <= cal.obs; t++) {
    const post = e.shockMonth >= 0 && t >= e.shockMonth ? 1 : 0;
    const kwh = Math.round(
      e.kwhScale * e.activity[t - cal.histStart]! * seasonal(0.5 * e.industry.seasonality, t, phase)
        * Math.exp(0.05 * rng.normal()) * (1 - 0.95 * e.shockSeverity * post) * (t < newMeter ? standby : 1),
    );
    const due = cents(kwh * tariff);
    let daysLate = 0;
    let paid = due;
    if (rng.bernoulli(sigmoid(-3.0 - 0.9 * e.health - 0.3 * e.discipline + 2.3 * post))) {
      daysLate = Math.min(120, 1 + Math.floor(-Math.log(1 - rng.next()) * (6 + 12 * post)));
      if (rng.bernoulli(0.2 + 0.3 * post)) paid = cents(due * rng.uniform(0.4, 0.95));
      // A disputed bill (a meter fault, a tariff quarrel) stays unsettled for months or years.
      if (rng.bernoulli(0.02)) daysLate = rng.int(150, 1500);
    }
    out.write(`${e.code},${periods[t - cal.histStart]},${kwh},${money(due)},${money(paid)},${daysLate}`);
  }
}
