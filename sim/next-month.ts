/**
 * `nextMonth`: one more observation month on top of a generated federation, for post-loan
 * monitoring (issue 21, docs/design/monitoring.md section 6).
 *
 * Every enterprise is redrawn from its own stream exactly as `sim generate` drew it (same
 * seed, same order, so the same codes and latent state), and the tax and power records of
 * month obs+1 are written as files to ingest on top of month 1. The new draws come from streams
 * under separate seed words (`<seed>|month|1`), so month 1's files never change and month 2 is
 * as reproducible as month 1.
 *
 * - **Deterioration** (default): a fraction of the enterprises present at two or more sites,
 *   three times as likely in the `downturn` industries, get a shock at obs+1 of severity
 *   0.5-0.8: power consumption falls by the severity at once, declared VAT revenue by half of
 *   it, and tax arrears appear with probability 0.6. The usual rate of new shocks (the world's
 *   twelve-month shock risk, spread over a year) applies to everyone else as in month 1.
 * - **Control** (`control: true`): the usual rate only, the same world: the month on which no
 *   drift alarm may fire.
 *
 * The bank is not written: its files already run 12 months past the observation month (they
 * carry the label), so its obs+1 records exist in month 1 and cannot change without changing
 * month 1. A shock reaches the bank last anyway (firms keep paying the bank until they cannot);
 * tax and power, which see it first, are what monitoring must catch.
 *
 * `monitoring_truth.csv` (credit_code, deteriorated, severity) is for tests only: no site holds it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RECORD_KINDS, formatPeriod, parsePeriod, type RecordKind } from '../schema/site-schema.js';
import { CsvSink, cents, money, periodTable } from './csv-sink.js';
import { drawEnterprise, seasonal, sigmoid, type Calendar, type Enterprise } from './enterprise.js';
import { emitTax, TAX_SHOCK_LAG, type TaxState } from './emit-tax.js';
import { readManifest } from './read.js';
import { Rng, seedWords } from './prng.js';
import { INDUSTRIES } from './world.js';

export const MONTH_GENERATOR_VERSION = '1.3.0';
export const DEFAULT_DETERIORATE = 0.3;
export const DEFAULT_DOWNTURN = ['manufacturing', 'construction'] as const;

export interface NextMonthOptions {
  /** Directory written by `sim generate`. */
  readonly from: string;
  readonly outDir: string;
  /** Share of the enterprises at two or more sites that deteriorate (0..0.9); 0 with `control`. */
  readonly deteriorate?: number;
  /** Industries three times as likely to deteriorate. */
  readonly downturn?: readonly string[];
  /** A month drawn from the training distribution: no deterioration beyond the usual rate. */
  readonly control?: boolean;
}

export interface MonthManifest {
  generator: 'fedcredit-sim month';
  generatorVersion: string;
  /** The month 1 this continues (its seed and observation month). */
  seed: string;
  observation: string;
  month: string;
  control: boolean;
  deteriorate: number;
  downturn: string[];
  enterprises: number;
  deteriorated: number;
  /** Enterprises with a new shock at the usual rate (both modes). */
  usualShocks: number;
  files: { path: string; kind: RecordKind | 'monitoring_truth'; rows: number }[];
}

/** Severity of a deteriorating enterprise's shock. */
const SEVERITY = [0.5, 0.8] as const;
/** Chance a deteriorating enterprise falls into tax arrears that month. */
const ARREARS_CHANCE = 0.6;
/** Weight of a downturn industry when choosing who deteriorates. */
const DOWNTURN_WEIGHT = 3;
const STREAM_KEY = 0;
const STREAM_DRAW = 0x40000000;

function checkOptions(o: NextMonthOptions): { deteriorate: number; downturn: string[]; control: boolean } {
  const control = o.control === true;
  if (control && o.deteriorate !== undefined && o.deteriorate !== 0) {
    throw new RangeError(`a control month has no deterioration: drop --deteriorate ${o.deteriorate}, or drop --control`);
  }
  const deteriorate = control ? 0 : (o.deteriorate ?? DEFAULT_DETERIORATE);
  if (!(deteriorate >= 0 && deteriorate <= 0.9)) throw new RangeError(`deteriorate must be a share from 0 to 0.9, got ${deteriorate}`);
  const downturn = [...(o.downturn ?? DEFAULT_DOWNTURN)];
  const known = INDUSTRIES.map((i) => i.name);
  for (const d of downturn) {
    if (!known.includes(d)) throw new RangeError(`unknown downturn industry '${d}': expected some of ${known.join(', ')}`);
  }
  return { deteriorate, downturn, control };
}

/** Redraws month 1's enterprises in order, codes kept unique exactly as `generateFederation` did. */
function* enterprisesOf(words: ReturnType<typeof seedWords>, n: number, cal: Calendar): Generator<Enterprise> {
  const codes = new Set<string>();
  const isTaken = (code: string) => codes.has(code);
  for (let i = 0; i < n; i++) {
    const e = drawEnterprise(new Rng(words, i), i, cal, isTaken);
    codes.add(e.code);
    yield e;
  }
}

/**
 * Who deteriorates: weighted sampling without replacement (Efraimidis-Spirakis keys u^(1/w),
 * the largest m), so the count is exact and the choice is a pure function of the seed.
 */
function chooseDeteriorating(words: ReturnType<typeof seedWords>, monthWords: ReturnType<typeof seedWords>, n: number, cal: Calendar, share: number, downturn: readonly string[]): Set<number> {
  if (share === 0) return new Set();
  const keys: { i: number; key: number }[] = [];
  for (const e of enterprisesOf(words, n, cal)) {
    if (+e.inTax + +e.inPower + +e.inBank < 2) continue;
    const w = downturn.includes(e.industry.name) ? DOWNTURN_WEIGHT : 1;
    keys.push({ i: e.index, key: Math.pow(new Rng(monthWords, e.index + STREAM_KEY).next(), 1 / w) });
  }
  keys.sort((a, b) => b.key - a.key || a.i - b.i);
  return new Set(keys.slice(0, Math.round(share * keys.length)).map((k) => k.i));
}

const NULL_SINK = { write(): void {} };

export function nextMonth(o: NextMonthOptions): MonthManifest {
  const { deteriorate, downturn, control } = checkOptions(o);
  const m1 = readManifest(o.from);
  const obs = parsePeriod(m1.observation);
  const cal: Calendar = { obs, histStart: obs - m1.historyMonths + 1, bankEnd: obs + 12 };
  const t = obs + 1;
  const words = seedWords(m1.seed);
  const monthWords = seedWords(`${m1.seed}|month|1`);
  const chosen = chooseDeteriorating(words, monthWords, m1.enterprises, cal, deteriorate, downturn);

  for (const site of ['tax', 'power'] as const) fs.mkdirSync(path.join(o.outDir, site), { recursive: true });
  const open = (kind: RecordKind) => new CsvSink(path.join(o.outDir, RECORD_KINDS[kind].site, RECORD_KINDS[kind].fileName), RECORD_KINDS[kind].columns.map((c) => c.name));
  const filings = open('vat_filing');
  const bills = open('power_bill');
  const truth = new CsvSink(path.join(o.outDir, 'monitoring_truth.csv'), ['credit_code', 'deteriorated', 'severity']);
  const periods = periodTable(cal.histStart, cal.bankEnd);
  const period = formatPeriod(t);
  let usualShocks = 0;
  try {
    for (const e of enterprisesOf(words, m1.enterprises, cal)) {
      const rng = new Rng(monthWords, e.index + STREAM_DRAW);
      // Every draw below happens for every enterprise, in this order, whatever its coverage:
      // one enterprise's records never depend on another's.
      const usualRisk = sigmoid(-2.2 + e.industry.shockRisk - 0.35 * e.health) / 12;
      const usual = e.shockMonth < 0 && rng.bernoulli(usualRisk);
      const usualSeverity = rng.uniform(0.25, 0.75);
      const severityDraw = rng.uniform(SEVERITY[0], SEVERITY[1]);
      const deteriorated = chosen.has(e.index);
      const newSeverity = deteriorated ? severityDraw : usual ? usualSeverity : 0;
      if (usual && !deteriorated) usualShocks++;
      // Activity goes on from month 1's last month: a month's growth and its usual noise.
      const activity = e.activity[obs - cal.histStart]! * Math.exp(e.growth / 12 + 0.05 * rng.normal());
      const oldShock = e.shockMonth >= 0;

      const kwhNoise = rng.normal();
      const late = rng.next();
      const lateLength = rng.next();
      const partial = rng.next();
      const partialShare = rng.uniform(0.4, 0.95);
      if (e.inPower) {
        const kwh = Math.round(
          e.kwhScale * activity * seasonal(0.5 * e.industry.seasonality, t, e.index % 3) * Math.exp(0.05 * kwhNoise)
            * (1 - 0.95 * e.shockSeverity * (oldShock ? 1 : 0)) * (1 - newSeverity),
        );
        const post = oldShock || newSeverity > 0 ? 1 : 0;
        const due = cents(kwh * e.industry.tariff);
        let daysLate = 0;
        let paid = due;
        if (late < sigmoid(-3.0 - 0.9 * e.health - 0.3 * e.discipline + 2.3 * post)) {
          daysLate = Math.min(120, 1 + Math.floor(-Math.log(1 - lateLength) * (6 + 12 * post)));
          if (partial < 0.2 + 0.3 * post) paid = cents(due * partialShare);
        }
        bills.write(`${e.code},${period},${kwh},${money(due)},${money(paid)},${daysLate}`);
      }

      const revenueNoise = rng.normal();
      const arrearsDraw = rng.next();
      const stressDraw = rng.next();
      const paidShare = rng.uniform(0, 0.7);
      const paydown = rng.uniform(0.1, 0.6);
      const unfiled = rng.next();
      const onTimeDraw = rng.next();
      const dormantZero = rng.next();
      const dormantShare = rng.uniform(0.002, 0.03);
      if (e.inTax && e.founded <= t) {
        // Month 1's tax stream replayed into nothing, for the arrears and dormancy it ended with.
        const state: TaxState = emitTax(e, new Rng(words, e.index + 0x40000000), cal, periods, { filings: NULL_SINK, ratings: NULL_SINK });
        const postOld = oldShock ? Math.min(1, (t - e.shockMonth + 1) / TAX_SHOCK_LAG) : 0;
        const phase = e.industry.seasonality > 0 ? e.index % 3 : 0;
        const dormant = t >= state.dormantFrom;
        const zero = dormant && dormantZero < 0.85;
        const declared = dormant ? (zero ? 0 : dormantShare) : 1;
        const revenue = zero ? 0 : cents(
          declared * e.revenueScale * activity * seasonal(e.industry.seasonality, t, phase) * Math.exp(e.volatility * revenueNoise)
            * (1 - e.shockSeverity * postOld) * (1 - newSeverity / 2),
        );
        const due = cents(revenue * e.vatRate);
        const stressed = deteriorated
          ? arrearsDraw < ARREARS_CHANCE
          : stressDraw < sigmoid(-3.4 - 1.0 * e.discipline - 0.6 * e.health + 2.8 * Math.max(postOld, usual ? 1 / TAX_SHOCK_LAG : 0));
        // A deteriorating firm in arrears pays at most 70 % of what it owes, and at least a token
        // amount is owed even on a zero return (penalties): arrears appear.
        const owed = deteriorated && stressed ? Math.max(due, 500) : due;
        const paid = stressed ? cents(owed * paidShare) : owed;
        let arrears = stressed ? state.arrears + (owed - paid) : dormant ? state.arrears : state.arrears * paydown;
        if (arrears < 50) arrears = 0;
        arrears = cents(arrears);
        if (!(unfiled < sigmoid(-5.0 - 0.8 * e.discipline + 2.0 * postOld))) {
          const onTime = onTimeDraw < sigmoid(2.9 + 1.1 * e.discipline + 0.3 * e.health - 1.8 * Math.max(postOld, deteriorated ? 1 : 0));
          filings.write(`${e.code},${period},${money(revenue)},${money(owed)},${money(paid)},${onTime ? 1 : 0},${money(arrears)}`);
        }
      }
      truth.write(`${e.code},${deteriorated ? 1 : 0},${newSeverity > 0 && deteriorated ? newSeverity.toFixed(3) : ''}`);
    }
  } finally {
    filings.close();
    bills.close();
    truth.close();
  }
  const manifest: MonthManifest = {
    generator: 'fedcredit-sim month',
    generatorVersion: MONTH_GENERATOR_VERSION,
    seed: m1.seed,
    observation: m1.observation,
    month: period,
    control,
    deteriorate,
    downturn,
    enterprises: m1.enterprises,
    deteriorated: chosen.size,
    usualShocks,
    files: [
      { path: `tax/${RECORD_KINDS.vat_filing.fileName}`, kind: 'vat_filing', rows: filings.rows },
      { path: `power/${RECORD_KINDS.power_bill.fileName}`, kind: 'power_bill', rows: bills.rows },
      { path: 'monitoring_truth.csv', kind: 'monitoring_truth', rows: truth.rows },
    ],
  };
  fs.writeFileSync(path.join(o.outDir, 'month.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
