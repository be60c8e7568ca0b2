import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidCreditCode } from '../../schema/credit-code.js';
import { RECORD_KINDS, parsePeriod, type ColumnType, type RecordKind } from '../../schema/site-schema.js';
import { GROUND_TRUTH_COLUMNS, generateFederation, type Manifest } from '../../sim/generate.js';
import { readGroundTruth, readManifest } from '../../sim/read.js';

const N = 3000;
const FILES = ['tax/vat_filings.csv', 'tax/tax_ratings.csv', 'power/power_bills.csv', 'bank/loans.csv', 'bank/repayments.csv', 'ground_truth.csv', 'manifest.json'];
let root: string;
let dir: string;
let manifest: Manifest;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-sim-test-'));
  dir = path.join(root, 'a');
  manifest = await generateFederation({ enterprises: N, seed: 'test-seed', outDir: dir });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function lines(file: string): string[] {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  expect(text.endsWith('\n'), `${file} ends with a newline`).toBe(true);
  return text.slice(0, -1).split('\n');
}

/** What the node's ingest will check, per schema/site-schema.ts column type. */
function valueProblem(type: ColumnType, v: string): string | undefined {
  switch (type.kind) {
    case 'credit_code': return isValidCreditCode(v) ? undefined : 'credit code';
    case 'period': return /^\d{4}-(0[1-9]|1[0-2])$/.test(v) ? undefined : 'period';
    case 'date': return /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d)$/.test(v) ? undefined : 'date';
    case 'year': return /^\d{4}$/.test(v) ? undefined : 'year';
    case 'money': return /^\d+(\.\d{1,2})?$/.test(v) && Number(v) <= type.max ? undefined : 'money';
    case 'number': return /^\d+(\.\d+)?$/.test(v) && Number(v) >= type.min && Number(v) <= type.max ? undefined : 'number';
    case 'integer': return /^\d+$/.test(v) && Number(v) >= type.min && Number(v) <= type.max ? undefined : 'integer';
    case 'flag': return v === '0' || v === '1' ? undefined : 'flag';
    case 'enum': return type.values.includes(v) ? undefined : 'enum';
    case 'token': return type.pattern.test(v) ? undefined : 'token';
  }
}

describe('generated files', () => {
  it('match schema/site-schema.ts: header, column count, every value, unique keys', () => {
    for (const kind of Object.keys(RECORD_KINDS) as RecordKind[]) {
      const spec = RECORD_KINDS[kind];
      const file = `${spec.site}/${spec.fileName}`;
      const [header, ...rows] = lines(file);
      expect(header).toBe(spec.columns.map((c) => c.name).join(','));
      expect(rows.length, file).toBe(manifest.files.find((f) => f.path === file)!.rows);
      expect(rows.length, file).toBeGreaterThan(0);
      const keys = new Set<string>();
      const keyIdx = spec.key.map((k) => spec.columns.findIndex((c) => c.name === k));
      rows.forEach((row, i) => {
        const fields = row.split(',');
        expect(fields.length, `${file}:${i + 2}`).toBe(spec.columns.length);
        spec.columns.forEach((col, j) => {
          const problem = valueProblem(col.type, fields[j]!);
          if (problem) expect.fail(`${file}:${i + 2} column ${col.name}: '${fields[j]}' is not a valid ${problem}`);
        });
        const key = keyIdx.map((j) => fields[j]).join('|');
        if (keys.has(key)) expect.fail(`${file}:${i + 2}: duplicate key ${key}`);
        keys.add(key);
      });
      expect(/ ,|, | \n/.test(fs.readFileSync(path.join(dir, file), 'utf8')), `${file} has stray spaces`).toBe(false);
    }
    expect(lines('ground_truth.csv')[0]).toBe(GROUND_TRUTH_COLUMNS.join(','));
  });

  it('hold the documented calendar: tax and power to the observation month, the bank 12 months further', () => {
    const obs = parsePeriod('2025-12');
    const periodsOf = (file: string, col: number) => lines(file).slice(1).map((r) => parsePeriod(r.split(',')[col]!));
    for (const file of ['tax/vat_filings.csv', 'power/power_bills.csv']) {
      const p = periodsOf(file, 1);
      expect(Math.min(...p), file).toBe(obs - 23);
      expect(Math.max(...p), file).toBe(obs);
    }
    const bank = periodsOf('bank/repayments.csv', 2);
    expect(Math.min(...bank)).toBe(obs - 23);
    expect(Math.max(...bank)).toBe(obs + 12);
    const years = new Set(lines('tax/tax_ratings.csv').slice(1).map((r) => r.split(',')[1]));
    expect([...years].sort()).toEqual(['2023', '2024']);
    expect(manifest.periods).toEqual({
      tax: ['2024-01', '2025-12'], power: ['2024-01', '2025-12'], bank: ['2024-01', '2026-12'], labelWindow: ['2026-01', '2026-12'],
    });
  });

  it('gives every enterprise a valid, unique credit code, and sites only hold the enterprises they cover', () => {
    const truth = readGroundTruth(dir);
    expect(truth).toHaveLength(N);
    const codes = new Set(truth.map((t) => t.creditCode));
    expect(codes.size).toBe(N);
    for (const t of truth) expect(isValidCreditCode(t.creditCode), t.creditCode).toBe(true);
    const holders = (file: string) => new Set(lines(file).slice(1).map((r) => r.split(',')[0]!));
    const covered = (flag: 'inTax' | 'inPower' | 'inBank') => new Set(truth.filter((t) => t[flag]).map((t) => t.creditCode));
    expect(holders('tax/vat_filings.csv')).toEqual(covered('inTax'));
    expect(holders('power/power_bills.csv')).toEqual(covered('inPower'));
    expect(holders('bank/loans.csv')).toEqual(covered('inBank'));
  });

  it('covers overlapping subsets: about 90% tax, 80% power, 60% bank, a large but partial intersection', () => {
    const c = manifest.coverage;
    expect(c.tax / N).toBeGreaterThan(0.85);
    expect(c.tax / N).toBeLessThan(0.95);
    expect(c.power / N).toBeGreaterThan(0.74);
    expect(c.power / N).toBeLessThan(0.86);
    expect(c.bank / N).toBeGreaterThan(0.54);
    expect(c.bank / N).toBeLessThan(0.66);
    expect(c.allThree / N).toBeGreaterThan(0.35);
    expect(c.allThree).toBeLessThan(c.bank);
    // coverage follows size: large firms bank far more often than micro ones
    const truth = readGroundTruth(dir);
    const bankShare = (size: string) => {
      const group = truth.filter((t) => t.size === size);
      return group.filter((t) => t.inBank).length / group.length;
    };
    expect(bankShare('large')).toBeGreaterThan(bankShare('micro') + 0.25);
    expect(manifest.bank.defaultRate).toBeGreaterThan(0.03);
    expect(manifest.bank.defaultRate).toBeLessThan(0.11);
  });

  it('writes a manifest that reads back', () => {
    expect(readManifest(dir)).toEqual(manifest);
    expect(manifest.files.map((f) => f.path).sort()).toEqual(FILES.filter((f) => f !== 'manifest.json').sort());
  });
});

describe('determinism', () => {
  it('same seed: byte-identical files; another seed: different files', async () => {
    const again = path.join(root, 'again');
    const other = path.join(root, 'other');
    await generateFederation({ enterprises: N, seed: 'test-seed', outDir: again });
    await generateFederation({ enterprises: N, seed: 'test-seed-2', outDir: other });
    for (const f of FILES) {
      const a = fs.readFileSync(path.join(dir, f));
      expect(a.equals(fs.readFileSync(path.join(again, f))), f).toBe(true);
      expect(a.equals(fs.readFileSync(path.join(other, f))), f).toBe(false);
    }
  });

  it('a numeric seed equals its text form (the CLI passes text)', async () => {
    const a = path.join(root, 'num');
    const b = path.join(root, 'text');
    await generateFederation({ enterprises: 50, seed: 42, outDir: a });
    await generateFederation({ enterprises: 50, seed: '42', outDir: b });
    expect(fs.readFileSync(path.join(a, 'bank/repayments.csv')).equals(fs.readFileSync(path.join(b, 'bank/repayments.csv')))).toBe(true);
  });

  it('the first enterprises do not change when more are generated', async () => {
    const small = path.join(root, 'small');
    await generateFederation({ enterprises: 100, seed: 'test-seed', outDir: small });
    const head = fs.readFileSync(path.join(small, 'ground_truth.csv'), 'utf8');
    expect(fs.readFileSync(path.join(dir, 'ground_truth.csv'), 'utf8').startsWith(head)).toBe(true);
  });
});

describe('options', () => {
  it('moves the calendar with --observation and --history-months', async () => {
    const out = path.join(root, 'obs');
    const m = await generateFederation({ enterprises: 200, seed: 1, outDir: out, observation: '2024-06', historyMonths: 18 });
    expect(m.periods).toEqual({ tax: ['2023-01', '2024-06'], power: ['2023-01', '2024-06'], bank: ['2023-01', '2025-06'], labelWindow: ['2024-07', '2025-06'] });
  });

  it('refuses bad options with messages that say what to pass', async () => {
    const out = path.join(root, 'bad');
    await expect(generateFederation({ enterprises: 0, seed: 1, outDir: out })).rejects.toThrow(/enterprises must be an integer from 1/);
    await expect(generateFederation({ enterprises: 1.5, seed: 1, outDir: out })).rejects.toThrow(RangeError);
    await expect(generateFederation({ enterprises: 10, seed: 1, outDir: out, observation: '2025-13' })).rejects.toThrow(/YYYY-MM/);
    await expect(generateFederation({ enterprises: 10, seed: 1, outDir: out, historyMonths: 6 })).rejects.toThrow(/historyMonths/);
    await expect(generateFederation({ enterprises: 10, seed: Number.NaN, outDir: out })).rejects.toThrow(/seed/);
  });

  it('reports progress up to the total', async () => {
    const seen: number[] = [];
    await generateFederation({ enterprises: 300, seed: 1, outDir: path.join(root, 'progress') }, (done, total) => {
      expect(total).toBe(300);
      seen.push(done);
    });
    expect(seen.at(-1)).toBe(300);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});
