import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../../schema/credit-code.js';
import { FedcreditError } from '../../lib/errors.js';
import { ingestFile } from '../../node/ingest.js';
import { type IngestReport } from '../../node/ingest-report.js';
import { NodeStore } from '../../site/store.js';

const code = (first17: string) => first17 + creditCodeCheckChar(first17);
const A = code('91350100M000100Y4');
const B = code('91110108MA01ABCD1');
const badCheck = A.slice(0, 17) + (A[17] === '0' ? '1' : '0');

const VAT_HEADER = 'credit_code,period,taxable_revenue,tax_due,tax_paid,filed_on_time,arrears';
const goodVat = [VAT_HEADER, `${A},2025-01,1000.50,130.07,130.07,1,0`, `${A},2025-02,900,117,100,0,17`, `${B},2025-01,50,6.5,6.5,1,0`];

let dir: string;
let store: NodeStore;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-ingest-'));
  store = await NodeStore.open(path.join(dir, 'node'), 'tax');
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeCsv(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Every key and value in the store, to show a rejected file changed nothing. */
async function dump(): Promise<string[]> {
  const out: string[] = [];
  for await (const [k, v] of store.db.iterator({ keyEncoding: 'utf8', valueEncoding: 'hex' })) out.push(`${k}=${v}`);
  return out;
}

async function expectRejected(file: string, expected: RegExp[], options = {}): Promise<IngestReport> {
  const before = await dump();
  const err = await ingestFile(store, file, options).then(
    () => { throw new Error('ingest should have been rejected'); },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FedcreditError);
  const rejection = err as FedcreditError;
  expect(rejection.code).toBe('INGEST_REJECTED');
  for (const re of expected) expect(rejection.message).toMatch(re);
  expect(await dump()).toEqual(before);
  return rejection.detail as IngestReport;
}

describe('ingest of raw site records', () => {
  it('commits a valid file whole and records it in the manifest', async () => {
    const report = await ingestFile(store, writeCsv('vat.csv', goodVat), { skipFeatures: true });
    expect(report).toMatchObject({ committed: true, kind: 'vat_filing', rows: 3, problemCount: 0 });
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    const meta = await store.getMeta();
    expect(meta.counts).toEqual({ vat_filing: 3 });
    expect(await store.listIngests()).toHaveLength(1);
    const stored = await store.records.get(`${A}!vat_filing!2025-02`);
    expect(stored).toEqual([A, '2025-02', 900, 117, 100, 0, 17]);
    // The dump used to prove "store unchanged" does see the records, meta and manifest.
    const keys = (await dump()).map((line) => line.split('=')[0]);
    expect(keys).toEqual(expect.arrayContaining([expect.stringContaining('vat_filing!2025-02'), expect.stringContaining('counts')]));
  });

  it.each([
    ['a non-number', `${A},2025-03,abc,1,1,1,0`, /vat\.csv:3: taxable_revenue: 'abc' is not an amount/],
    ['a negative amount', `${A},2025-03,100,-5,1,1,0`, /vat\.csv:3: tax_due: '-5' is negative/],
    ['three decimals', `${A},2025-03,100.123,1,1,1,0`, /vat\.csv:3: taxable_revenue: '100.123' has more than two decimals/],
    ['a bad month', `${A},2025-13,100,1,1,1,0`, /vat\.csv:3: period: '2025-13' is not a month YYYY-MM/],
    ['a year out of range', `${A},1900-01,100,1,1,1,0`, /vat\.csv:3: period: '1900-01': year must be between/],
    ['a wrong check character', `${badCheck},2025-03,100,1,1,1,0`, /vat\.csv:3: credit_code: '.{18}' is not a valid credit code: check character/],
    ['a short credit code', `91350100M0001,2025-03,100,1,1,1,0`, /vat\.csv:3: credit_code: .*is not a valid credit code/],
    ['a flag that is not 0/1', `${A},2025-03,100,1,1,2,0`, /vat\.csv:3: filed_on_time: '2' must be 0 or 1/],
    ['an empty cell', `${A},2025-03,,1,1,1,0`, /vat\.csv:3: taxable_revenue: is empty/],
    ['too few fields', `${A},2025-03,100,1`, /vat\.csv:3: -: has 4 fields, the header has 7/],
    ['a duplicate row', `${A},2025-01,5,1,1,1,0`, /vat\.csv:3: credit_code\+period: duplicate of line 2/],
  ])('rejects %s with file:line: column: problem and stores nothing', async (_what, badRow, message) => {
    const file = writeCsv('vat.csv', [VAT_HEADER, goodVat[1]!, badRow, goodVat[3]!]);
    const report = await expectRejected(file, [message, /nothing was stored/]);
    expect(report.problemCount).toBe(1);
  });

  it('rejects unknown and missing columns at line 1', async () => {
    const header = 'credit_code,period,taxable_revenue,tax_due,tax_paid,filed_on_time,arrears_total';
    await expectRejected(writeCsv('vat.csv', [header, `${A},2025-01,1,1,1,1,0`]), [
      /vat\.csv:1: arrears_total: unknown column for vat_filing records/,
      /vat\.csv:1: arrears: missing column/,
    ], { kind: 'vat_filing' });
  });

  it('rejects a row already in the store from an earlier file, leaving the first file intact', async () => {
    await ingestFile(store, writeCsv('vat.csv', goodVat), { skipFeatures: true });
    const again = writeCsv('vat2.csv', [VAT_HEADER, `${B},2025-02,1,1,1,1,0`, goodVat[1]!]);
    await expectRejected(again, [/vat2\.csv:3: credit_code\+period: already in the store/]);
    expect((await store.getMeta()).counts).toEqual({ vat_filing: 3 });
  });

  it('a feature vector read for scoring (kept in memory) follows a later ingest', async () => {
    await ingestFile(store, writeCsv('vat.csv', goodVat));
    const first = await store.featureVector(A);
    expect(first).toBeDefined();
    expect(await store.featureVector(A)).toBe(first); // from memory
    await ingestFile(store, writeCsv('vat3.csv', [VAT_HEADER, `${A},2025-03,50000,6500,0,0,6500`]));
    const after = await store.featureVector(A);
    const onDisk = await store.features.get(A);
    expect(Buffer.from(after!.buffer, after!.byteOffset, after!.byteLength)).toEqual(Buffer.from(onDisk!));
    expect(after).not.toEqual(first);
  });

  it('reports every problem of a file, not just the first', async () => {
    const file = writeCsv('vat.csv', [VAT_HEADER, `${A},2025-01,x,1,1,1,0`, `${badCheck},2025-01,1,1,1,1,0`, `${A},2025-02,1,1,1,7,0`]);
    const report = await expectRejected(file, [/:2: taxable_revenue/, /:3: credit_code/, /:4: filed_on_time/]);
    expect(report.problemCount).toBe(3);
  });

  it('keeps exact line numbers across CRLF, blank lines and quoted fields', async () => {
    const file = path.join(dir, 'crlf.csv');
    const lines = [VAT_HEADER, `"${A}",2025-01,1,1,1,1,0`, '', `${A},"2025-02",1,1,1,1,0`, `${A},2025-03,"1\n2",1,1,1,0`, `${A},2025-04,zz,1,1,1,0`];
    fs.writeFileSync(file, `\uFEFF${lines.join('\r\n')}\r\n`);
    const report = await expectRejected(file, [/crlf\.csv:5: taxable_revenue: '1\n2' is not an amount/, /crlf\.csv:7: taxable_revenue: 'zz'/]);
    expect(report.problemCount).toBe(2);
  });

  it('rejects an empty file and a header without rows', async () => {
    await expectRejected(writeCsv('empty.csv', []), [/the file is empty/]);
    await expectRejected(writeCsv('header.csv', [VAT_HEADER]), [/header but no rows/]);
  });

  it('refuses another site\'s records with a clear error', async () => {
    const file = writeCsv('bills.csv', ['credit_code,period,kwh,amount_due,amount_paid,days_late', `${A},2025-01,100,80,80,0`]);
    await expect(ingestFile(store, file)).rejects.toMatchObject({ code: 'INGEST_WRONG_SITE', message: /power_bill records, which belong to the power site/ });
  });
});

describe('ingest at the bank: dates and references between files', () => {
  let bank: NodeStore;
  beforeEach(async () => {
    bank = await NodeStore.open(path.join(dir, 'bank'), 'bank');
  });
  afterEach(async () => {
    await bank.close();
  });

  const LOANS = 'credit_code,loan_id,amount,start_date,term_months,annual_rate';
  const REPAY = 'credit_code,loan_id,period,scheduled,paid,balance,days_past_due';

  it('rejects impossible dates', async () => {
    const file = writeCsv('loans.csv', [LOANS, `${A},L-1,10000,2025-02-30,12,0.05`]);
    await expect(ingestFile(bank, file)).rejects.toMatchObject({ message: /loans\.csv:2: start_date: '2025-02-30' is not a calendar date/ });
  });

  it('requires loans before their repayments, and the same borrower on both', async () => {
    await ingestFile(bank, writeCsv('loans.csv', [LOANS, `${A},L-1,10000,2024-01-15,24,0.05`]), { skipFeatures: true });
    const repayments = writeCsv('repayments.csv', [
      REPAY,
      `${A},L-1,2024-02,450,450,9600,0`,
      `${A},L-2,2024-02,450,450,9600,0`,
      `${B},L-1,2024-03,450,450,9200,0`,
    ]);
    await expect(ingestFile(bank, repayments)).rejects.toMatchObject({
      message: expect.stringMatching(/repayments\.csv:3: loan_id: loan 'L-2' is not known to this node[\s\S]*repayments\.csv:4: credit_code: loan 'L-1' belongs to another enterprise/),
    });
    expect((await bank.getMeta()).counts).toEqual({ loan: 1 });
  });

  it('rejects a loan id used twice', async () => {
    const file = writeCsv('loans.csv', [LOANS, `${A},L-1,10000,2024-01-15,24,0.05`, `${B},L-1,500,2024-01-15,24,0.05`]);
    await expect(ingestFile(bank, file)).rejects.toMatchObject({ message: /loans\.csv:3: loan_id: duplicate of line 2/ });
  });
});

describe('ingest of a feature table', () => {
  it('takes numeric columns as they are, with an optional label, and ids in any format', async () => {
    const guest = await NodeStore.open(path.join(dir, 'guest'), 'guest');
    try {
      const file = writeCsv('guest.csv', ['id,y,x0,x1', '133,1,0.25,-1.5', '273,0,1e-3,2']);
      const report = await ingestFile(guest, file, { kind: 'features', labelColumn: 'y', idFormat: 'any' });
      expect(report).toMatchObject({ committed: true, rows: 2, enterprises: 2, featuresPerEnterprise: 2 });
      expect(Array.from((await guest.featureVector('273'))!)).toEqual([0.001, 2]);
      expect(await guest.labels.get('133')).toBe('1');
      const meta = await guest.getMeta();
      expect(meta.catalogue!.map((f) => f.name)).toEqual(['x0', 'x1']);
      expect(meta.stats!.mean[1]).toBeCloseTo(0.25);
    } finally {
      await guest.close();
    }
  });

  it('rejects bad labels and credit-code ids that are not valid (a missing cell is no problem)', async () => {
    const guest = await NodeStore.open(path.join(dir, 'guest2'), 'guest');
    try {
      const file = writeCsv('t.csv', ['id,y,x0', `${A},1,`, `${B},2,0.5`, `${badCheck},0,1`]);
      await expect(ingestFile(guest, file, { kind: 'features', labelColumn: 'y' })).rejects.toMatchObject({
        message: expect.stringMatching(/problems?[^\n]*\nt\.csv:3: y: '2' is not a label: write 0 or 1[\s\S]*t\.csv:4: id: .* is not a valid id/),
      });
      expect(await guest.getMeta()).toEqual({ site: 'guest' });
    } finally {
      await guest.close();
    }
  });
});
