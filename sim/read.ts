/**
 * Reads a generated federation back: each site's records grouped by enterprise, the ground
 * truth and the manifest. For tests, benchmarks and the centralized baseline only.
 *
 * This trusts its input (it is the simulator's own output) beyond checking the header and the
 * column count: a data node ingests site exports through its validating ingest instead, which
 * checks every value against schema/site-schema.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  RECORD_KINDS, SITE_RECORD_KINDS, parsePeriod,
  type BankRecords, type PowerRecords, type RecordKind, type Site, type TaxRating, type TaxRecords,
} from '../schema/site-schema.js';
import { GROUND_TRUTH_COLUMNS, type Manifest } from './generate.js';

export interface SiteRecordsByKind {
  tax: TaxRecords;
  power: PowerRecords;
  bank: BankRecords;
}

export interface GroundTruthRow {
  creditCode: string;
  industry: string;
  size: string;
  region: string;
  latentHealth: number;
  /** Month index of the shock, or null. */
  shockPeriod: number | null;
  inTax: boolean;
  inPower: boolean;
  inBank: boolean;
  default12m: 0 | 1;
}

/** Calls `onRow` with the fields of every data row; checks the header against `columns`. */
function eachRow(file: string, columns: readonly string[], onRow: (fields: string[], line: number) => void): void {
  const text = fs.readFileSync(file, 'latin1');
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const fields = text.slice(start, end).split(',');
    line++;
    start = end + 1;
    if (line === 1) {
      if (fields.join(',') !== columns.join(',')) {
        throw new Error(`${file}: header is '${fields.join(',')}', expected '${columns.join(',')}'`);
      }
      continue;
    }
    if (fields.length !== columns.length) {
      throw new Error(`${file}:${line}: ${fields.length} fields, expected ${columns.length}`);
    }
    onRow(fields, line);
  }
}

function num(text: string, file: string, line: number): number {
  const v = Number(text);
  if (text === '' || !Number.isFinite(v)) throw new Error(`${file}:${line}: '${text}' is not a number`);
  return v;
}

function emptyRecords<S extends Site>(site: S): SiteRecordsByKind[S] {
  const empty: SiteRecordsByKind = { tax: { filings: [], ratings: [] }, power: { bills: [] }, bank: { loans: [], repayments: [] } };
  return empty[site];
}

/** All records of one site in `outDir`, grouped by credit code (in file order). */
export function readSiteRecords<S extends Site>(
  outDir: string, site: S, opts: { into?: Map<string, SiteRecordsByKind[S]>; partial?: boolean } = {},
): Map<string, SiteRecordsByKind[S]> {
  // `into` adds a later month (sim/next-month.ts) to month 1's records; `partial` skips the
  // kinds a month folder does not write (it has no ratings, and no bank).
  const bySite = opts.into ?? new Map<string, SiteRecordsByKind[S]>();
  const recordsOf = (code: string): SiteRecordsByKind[S] => {
    let r = bySite.get(code);
    if (!r) {
      r = emptyRecords(site);
      bySite.set(code, r);
    }
    return r;
  };
  for (const kind of SITE_RECORD_KINDS[site]) {
    const spec = RECORD_KINDS[kind];
    const file = path.join(outDir, site, spec.fileName);
    if (opts.partial && !fs.existsSync(file)) continue;
    eachRow(file, spec.columns.map((c) => c.name), (f, line) => addRow(kind, f, recordsOf(f[0]!), (t) => num(t, file, line)));
  }
  return bySite;
}

function addRow(kind: RecordKind, f: string[], records: TaxRecords | PowerRecords | BankRecords, n: (t: string) => number): void {
  const code = f[0]!;
  switch (kind) {
    case 'vat_filing':
      (records as TaxRecords).filings.push({
        creditCode: code, period: parsePeriod(f[1]!), taxableRevenue: n(f[2]!), taxDue: n(f[3]!), taxPaid: n(f[4]!),
        filedOnTime: f[5] === '1', arrears: n(f[6]!),
      });
      return;
    case 'tax_rating':
      (records as TaxRecords).ratings.push({ creditCode: code, year: n(f[1]!), rating: f[2] as TaxRating['rating'] });
      return;
    case 'power_bill':
      (records as PowerRecords).bills.push({
        creditCode: code, period: parsePeriod(f[1]!), kwh: n(f[2]!), amountDue: n(f[3]!), amountPaid: n(f[4]!), daysLate: n(f[5]!),
      });
      return;
    case 'loan':
      (records as BankRecords).loans.push({
        creditCode: code, loanId: f[1]!, amount: n(f[2]!), startPeriod: parsePeriod(f[3]!.slice(0, 7)), startDate: f[3]!,
        termMonths: n(f[4]!), annualRate: n(f[5]!),
      });
      return;
    case 'repayment':
      (records as BankRecords).repayments.push({
        creditCode: code, loanId: f[1]!, period: parsePeriod(f[2]!), scheduled: n(f[3]!), paid: n(f[4]!), balance: n(f[5]!),
        daysPastDue: n(f[6]!),
      });
      return;
  }
}

export function readGroundTruth(outDir: string): GroundTruthRow[] {
  const rows: GroundTruthRow[] = [];
  const file = path.join(outDir, 'ground_truth.csv');
  eachRow(file, GROUND_TRUTH_COLUMNS, (f, line) => {
    rows.push({
      creditCode: f[0]!, industry: f[1]!, size: f[2]!, region: f[3]!, latentHealth: num(f[4]!, file, line),
      shockPeriod: f[5] === '' ? null : parsePeriod(f[5]!),
      inTax: f[6] === '1', inPower: f[7] === '1', inBank: f[8] === '1', default12m: f[9] === '1' ? 1 : 0,
    });
  });
  return rows;
}

export function readManifest(outDir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as Manifest;
}
