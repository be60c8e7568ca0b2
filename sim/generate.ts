/**
 * `generateFederation`: writes the raw exports of a simulated tax bureau, power utility and bank
 * for N enterprises, plus the evaluation-only ground truth and a manifest.
 *
 * Layout of the output directory (columns exactly as schema/site-schema.ts fixes them):
 *   tax/vat_filings.csv, tax/tax_ratings.csv, power/power_bills.csv,
 *   bank/loans.csv, bank/repayments.csv, ground_truth.csv, manifest.json
 * Same seed and options give byte-identical files: every enterprise draws from its own PRNG
 * stream numbered by its index, and nothing depends on time or the machine.
 *
 * The records are as messy as real credit data, so the features the sites compute from them
 * (features/, docs/features.md) are too, and a preprocessing stage is tested on what it will meet:
 * - heavy right tails: firm size is lognormal within its class with a Pareto tail on top (3% of
 *   firms, up to 200x: trading houses, group holdings), so amounts such as the bank's overdue
 *   instalments (`bank_overdue_amount`) sit tens to hundreds of standard deviations out for a few;
 *   some firms turn dormant on paper (zero or token VAT returns while arrears stay unpaid), so the
 *   debt-ratio-like `tax_arrears_to_due` explodes for them; a few power accounts got a new meter
 *   after months of standby power (`power_kwh_drop` far below -1), and a few bills are disputed
 *   for months or years (`power_max_days_late`, `power_mean_days_late`);
 * - many ties: delinquency, arrears and late-bill counts are 0 for most firms, small integers
 *   for the rest; ratings are five grades;
 * - missing cells: a firm whose returns in the window owed nothing has no arrears-to-due ratio
 *   (NaN in its tax vector; under 1% of tax firms).
 * Each of these is noise on top of a real effect (the effect lives in the bulk: being overdue
 * at all, owing tax, a fall in consumption), never the effect itself: default is drawn from the
 * latent state below (enterprise.ts), not from the tails.
 *
 * The effects are not linear (1.2.0, enterprise.ts `defaultLogit`), as in real credit data:
 * health saturates (the best firms default alike), tax discipline has a threshold (any arrears
 * at all is a jump in risk, then it saturates: the shape of repayment status and arrears
 * counts), growth is a U-shape (shrinking and over-expanding firms are both risky). A scorecard's
 * bins catch these shapes and LR on raw values does not (tests/scorecard/nonlinear.test.ts);
 * docs/data-formats.md has the figures. Issue 19 measured what a +-8 sigma clip
 * loses on such data; `fedcredit sim tables` (tables.ts) writes a second, public-data-shaped set.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RECORD_KINDS, formatPeriod, parsePeriod, type RecordKind, type Site } from '../schema/site-schema.js';
import { CsvSink, periodTable } from './csv-sink.js';
import { drawEnterprise, type Calendar } from './enterprise.js';
import { emitBank } from './emit-bank.js';
import { emitPower } from './emit-power.js';
import { emitTax } from './emit-tax.js';
import { Rng, seedWords } from './prng.js';

export const GENERATOR_VERSION = '1.2.0';

export interface GenerateOptions {
  enterprises: number;
  seed: number | string;
  outDir: string;
  /** Months of tax and power history ending at the observation month; 24 unless given. */
  historyMonths?: number;
  /** Observation month `YYYY-MM`; '2025-12' unless given. */
  observation?: string;
}

export interface ManifestFile {
  path: string;
  site: Site | 'evaluation';
  kind: RecordKind | 'ground_truth';
  rows: number;
}

export interface Manifest {
  generator: 'fedcredit-sim';
  generatorVersion: string;
  seed: string;
  enterprises: number;
  observation: string;
  historyMonths: number;
  /** Months each site's records span, inclusive. */
  periods: { tax: [string, string]; power: [string, string]; bank: [string, string]; labelWindow: [string, string] };
  files: ManifestFile[];
  coverage: {
    tax: number; power: number; bank: number;
    taxPower: number; taxBank: number; powerBank: number; allThree: number; none: number;
  };
  bank: {
    /** Bank customers with a loan record in the label window (the ones a label exists for). */
    labelled: number;
    defaults: number;
    defaultRate: number;
  };
}

export type ProgressListener = (done: number, total: number) => void;

export const GROUND_TRUTH_COLUMNS = [
  'credit_code', 'industry', 'size', 'region', 'latent_health', 'shock_period',
  'in_tax', 'in_power', 'in_bank', 'default_12m',
] as const;

function checkOptions(opts: GenerateOptions): { cal: Calendar; historyMonths: number; observation: string } {
  if (!Number.isInteger(opts.enterprises) || opts.enterprises < 1 || opts.enterprises > 10_000_000) {
    throw new RangeError(`enterprises must be an integer from 1 to 10,000,000, got ${opts.enterprises}`);
  }
  if (typeof opts.outDir !== 'string' || opts.outDir === '') throw new TypeError('outDir must be a directory path');
  const historyMonths = opts.historyMonths ?? 24;
  if (!Number.isInteger(historyMonths) || historyMonths < 13 || historyMonths > 120) {
    // 13 is the least that still gives a year-on-year comparison and a 12-month window.
    throw new RangeError(`historyMonths must be an integer from 13 to 120, got ${historyMonths}`);
  }
  const observation = opts.observation ?? '2025-12';
  let obs: number;
  try {
    obs = parsePeriod(observation);
  } catch {
    throw new RangeError(`observation must be a month YYYY-MM, e.g. 2025-12, got '${observation}'`);
  }
  return { cal: { obs, histStart: obs - historyMonths + 1, bankEnd: obs + 12 }, historyMonths, observation };
}

function openSink(outDir: string, kind: RecordKind): CsvSink {
  const spec = RECORD_KINDS[kind];
  return new CsvSink(path.join(outDir, spec.site, spec.fileName), spec.columns.map((c) => c.name));
}

export async function generateFederation(opts: GenerateOptions, onProgress?: ProgressListener): Promise<Manifest> {
  const { cal, historyMonths, observation } = checkOptions(opts);
  const { outDir, enterprises } = opts;
  for (const site of ['tax', 'power', 'bank'] as const) fs.mkdirSync(path.join(outDir, site), { recursive: true });

  const sinks = {
    vat_filing: openSink(outDir, 'vat_filing'),
    tax_rating: openSink(outDir, 'tax_rating'),
    power_bill: openSink(outDir, 'power_bill'),
    loan: openSink(outDir, 'loan'),
    repayment: openSink(outDir, 'repayment'),
  } satisfies Record<RecordKind, CsvSink>;
  const truth = new CsvSink(path.join(outDir, 'ground_truth.csv'), GROUND_TRUTH_COLUMNS);

  const words = seedWords(opts.seed);
  const periods = periodTable(cal.histStart, cal.bankEnd);
  const codes = new Set<string>();
  const isTaken = (code: string) => codes.has(code);
  const coverage = { tax: 0, power: 0, bank: 0, taxPower: 0, taxBank: 0, powerBank: 0, allThree: 0, none: 0 };
  let labelled = 0;
  let defaults = 0;
  const step = Math.max(1, Math.floor(enterprises / 100));

  try {
    for (let i = 0; i < enterprises; i++) {
      const rng = new Rng(words, i);
      const e = drawEnterprise(rng, i, cal, isTaken);
      codes.add(e.code);
      // Each site draws from its own stream, so adding a column to one site's records does not
      // change what the other sites' files contain.
      if (e.inTax) emitTax(e, new Rng(words, i + 0x40000000), cal, periods, { filings: sinks.vat_filing, ratings: sinks.tax_rating });
      if (e.inPower) emitPower(e, new Rng(words, i + 0x80000000), cal, periods, sinks.power_bill);
      if (e.inBank) {
        const label = emitBank(e, new Rng(words, i + 0xc0000000), cal, periods, { loans: sinks.loan, repayments: sinks.repayment });
        if (label !== null) {
          labelled++;
          defaults += label;
        }
      }
      countCoverage(coverage, e.inTax, e.inPower, e.inBank);
      truth.write(
        `${e.code},${e.industry.name},${e.size.name},${e.region.name},${e.health.toFixed(4)},` +
          `${e.shockMonth >= 0 ? formatPeriod(e.shockMonth) : ''},${+e.inTax},${+e.inPower},${+e.inBank},${+e.defaults}`,
      );
      if (onProgress && (i + 1) % step === 0) {
        onProgress(i + 1, enterprises);
        // Let a caller's timers and signals run during long runs.
        if ((i + 1) % (step * 10) === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    for (const sink of Object.values(sinks)) sink.close();
    truth.close();
  }

  const files: ManifestFile[] = (Object.keys(sinks) as RecordKind[]).map((kind) => ({
    path: `${RECORD_KINDS[kind].site}/${RECORD_KINDS[kind].fileName}`,
    site: RECORD_KINDS[kind].site,
    kind,
    rows: sinks[kind].rows,
  }));
  files.push({ path: 'ground_truth.csv', site: 'evaluation', kind: 'ground_truth', rows: truth.rows });

  const manifest: Manifest = {
    generator: 'fedcredit-sim',
    generatorVersion: GENERATOR_VERSION,
    seed: String(opts.seed),
    enterprises,
    observation,
    historyMonths,
    periods: {
      tax: [formatPeriod(cal.histStart), observation],
      power: [formatPeriod(cal.histStart), observation],
      bank: [formatPeriod(cal.histStart), formatPeriod(cal.bankEnd)],
      labelWindow: [formatPeriod(cal.obs + 1), formatPeriod(cal.bankEnd)],
    },
    files,
    coverage,
    bank: { labelled, defaults, defaultRate: labelled > 0 ? Math.round((defaults / labelled) * 1e4) / 1e4 : 0 },
  };
  fs.writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

function countCoverage(c: Manifest['coverage'], tax: boolean, power: boolean, bank: boolean): void {
  if (tax) c.tax++;
  if (power) c.power++;
  if (bank) c.bank++;
  if (tax && power) c.taxPower++;
  if (tax && bank) c.taxBank++;
  if (power && bank) c.powerBank++;
  if (tax && power && bank) c.allThree++;
  if (!tax && !power && !bank) c.none++;
}
