/**
 * The bank's records of one enterprise: its loans and a monthly repayment record per loan from
 * the start of the history window to the end of the label window (obs + 12).
 *
 * The bank sees long-term health well: delinquency episodes are more frequent for weak firms,
 * and loans to weak firms are priced higher. It sees a recent shock barely, because firms keep
 * paying the bank until they cannot. Default is realized in the records: a defaulting firm
 * stops paying in obs+1..obs+9 and so crosses 90 days past due by obs+12; a firm that does not
 * default never stays unpaid long enough to reach 90 days inside the label window. The label a
 * bank node derives from these records therefore equals the simulator's ground truth.
 */
import type { Calendar, Enterprise } from './enterprise.js';
import { sigmoid } from './enterprise.js';
import { cents, money, type CsvSink } from './csv-sink.js';
import type { Rng } from './prng.js';

export interface BankSinks {
  readonly loans: CsvSink;
  readonly repayments: CsvSink;
}

interface DrawnLoan {
  id: string;
  start: number;
  day: number;
  term: number;
  amount: number;
  rate: number;
}

const TERMS = [12, 24, 36, 60] as const;
const TERM_WEIGHTS = [0.35, 0.3, 0.25, 0.1] as const;
/** Episode lengths in months: 4 means the loan passed 90 days past due before it was cured. */
const EPISODE_WEIGHTS = [0.6, 0.28, 0.1, 0.02] as const;
const MAX_LOANS = 7;

/** Writes the enterprise's loans and repayments; returns the label the bank will derive (null: no exposure). */
export function emitBank(e: Enterprise, rng: Rng, cal: Calendar, periods: readonly string[], out: BankSinks): 0 | 1 | null {
  const loans = drawLoans(e, rng, cal);
  for (const loan of loans) {
    const y = Math.floor(loan.start / 12);
    const m = (loan.start % 12) + 1;
    out.loans.write(
      `${e.code},${loan.id},${money(loan.amount)},${y}-${m < 10 ? '0' : ''}${m}-${loan.day < 10 ? '0' : ''}${loan.day},${loan.term},${loan.rate.toFixed(4)}`,
    );
  }

  let missStart = Number.POSITIVE_INFINITY;
  if (e.defaults) {
    let lastEnd = 0;
    for (const loan of loans) if (loan.start <= cal.obs) lastEnd = Math.max(lastEnd, loan.start + loan.term);
    missStart = cal.obs + 1 + rng.int(0, Math.min(8, lastEnd - cal.obs - 1));
  }

  let exposed = false;
  for (const loan of loans) {
    if (emitRepayments(e, rng, cal, periods, out.repayments, loan, missStart)) exposed = true;
  }
  if (!exposed) return null;
  return e.defaults ? 1 : 0;
}

function drawLoans(e: Enterprise, rng: Rng, cal: Calendar): DrawnLoan[] {
  const relationStart = Math.max(e.founded + 1, cal.obs - rng.int(6, 120));
  // The bank's internal grade: health seen through noise, which then sets pricing.
  const grade = e.health + 0.8 * rng.normal();
  const baseRate = 0.036 + 0.011 * (0.8 - grade) - (e.size.name === 'large' ? 0.005 : 0);
  const starts: number[] = [];
  // Drawn backwards from the present so the recent book is always there, whatever the cap.
  for (let t = cal.obs - rng.int(0, 14); t > relationStart && starts.length < MAX_LOANS - 1; t -= rng.int(4, 30)) {
    starts.push(t);
  }
  starts.push(relationStart);
  starts.reverse();
  const loans: DrawnLoan[] = starts.map((start) => drawLoan(e, rng, start, baseRate));
  const activeAtObs = loans.some((l) => l.start + l.term > cal.obs);
  if (e.defaults && !activeAtObs) {
    loans.push(drawLoan(e, rng, cal.obs - rng.int(0, 6), baseRate, 24));
  } else if (!e.defaults && rng.bernoulli(0.25)) {
    // New business after the observation month: exposure a label must still cover.
    loans.push(drawLoan(e, rng, cal.obs + rng.int(1, 11), baseRate));
  }
  loans.forEach((loan, k) => {
    loan.id = `L${String(e.index).padStart(8, '0')}-${k + 1}`;
  });
  return loans;
}

function drawLoan(e: Enterprise, rng: Rng, start: number, baseRate: number, term?: number): DrawnLoan {
  // Weaker firms borrow more relative to their revenue.
  const amount = Math.max(1e4, Math.round((e.revenueScale * rng.uniform(1, 5) * Math.exp(-0.3 * e.health)) / 1000) * 1000);
  const rate = Math.round(Math.max(0.028, Math.min(0.14, baseRate + 0.003 * rng.normal())) * 1e4) / 1e4;
  return { id: '', start, day: rng.int(1, 28), term: term ?? TERMS[rng.pick(TERM_WEIGHTS)]!, amount, rate };
}

/** Annuity repayment with delinquency episodes; returns true when a record falls in the label window. */
function emitRepayments(
  e: Enterprise, rng: Rng, cal: Calendar, periods: readonly string[], sink: CsvSink, loan: DrawnLoan, missStart: number,
): boolean {
  const r = loan.rate / 12;
  const n = loan.term;
  const end = loan.start + n;
  const instalment = cents(r > 0 ? (loan.amount * r) / (1 - Math.pow(1 + r, -n)) : loan.amount / n);
  const first = Math.max(loan.start + 1, cal.histStart);
  // Instalments before the window were paid on time (older episodes are outside what the bank exports).
  let paidCount = first - (loan.start + 1);
  if (paidCount >= n) return false;
  let balance = loan.amount;
  for (let i = 0; i < paidCount; i++) balance = balance * (1 + r) - instalment;

  let missed = 0;
  let overdueMonths = 0;
  let episodeLeft = 0;
  let lateDays = 0;
  let exposed = false;
  const prefix = `${e.code},${loan.id},`;
  for (let t = first; t <= cal.bankEnd; t++) {
    const scheduled = t <= end ? instalment : 0;
    let miss: boolean;
    if (t >= missStart) {
      miss = true;
      if (overdueMonths === 0) lateDays = rng.int(3, 29);
    } else if (episodeLeft > 0) {
      miss = true;
      episodeLeft--;
    } else if (scheduled > 0 && overdueMonths === 0 && rng.bernoulli(delinquencyHazard(e, t))) {
      // Only from a current loan: an episode starting on top of unpaid arrears would extend it past 90 days.
      let months = rng.pick(EPISODE_WEIGHTS) + 1;
      // Only a cured episode wholly before the observation month may pass 90 days.
      if (months === 4 && t + 4 > cal.obs) months = 3;
      miss = true;
      episodeLeft = months - 1;
      lateDays = rng.int(3, 29);
    } else {
      miss = false;
    }

    let paid = 0;
    let dpd = 0;
    if (miss) {
      if (scheduled > 0) missed++;
      overdueMonths++;
      dpd = Math.min(3650, lateDays + 30 * (overdueMonths - 1));
    } else {
      const instalmentsNow = missed + (scheduled > 0 ? 1 : 0);
      paid = instalment * instalmentsNow;
      for (let i = 0; i < instalmentsNow; i++) balance = balance * (1 + r) - instalment;
      paidCount += instalmentsNow;
      missed = 0;
      overdueMonths = 0;
    }
    if (paidCount >= n || balance < 0.005) balance = 0;
    sink.write(`${prefix}${periods[t - cal.histStart]},${money(scheduled)},${money(paid)},${money(balance)},${dpd}`);
    if (t > cal.obs) exposed = true;
    if (balance === 0 && missed === 0) break;
  }
  return exposed;
}

function delinquencyHazard(e: Enterprise, t: number): number {
  const post = e.shockMonth >= 0 && t >= e.shockMonth ? 1 : 0;
  return sigmoid(-5.0 - 1.15 * e.health + 0.7 * post);
}
