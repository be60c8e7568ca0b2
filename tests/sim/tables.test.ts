/**
 * The public-data-shaped feature tables (sim/tables.ts, `fedcredit sim tables`): written by the
 * real CLI, ingested by the real CLI into real node stores as feature tables, and checked there
 * for what makes them a hard case: the default rate, a fifth of incomes missing, sentinel codes
 * in the arrears counts, a debt ratio in the thousands where income is missing, integer ids that
 * every site shares with the bank.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../../lib/spawn-party.js';
import { bytesToFloat64, NodeStore, type StoreMeta } from '../../site/store.js';
import { BANK_TABLE_COLUMNS, POWER_TABLE_COLUMNS, TAX_TABLE_COLUMNS, creditTableCsv, generateCreditTables } from '../../sim/tables.js';

const ROWS = 4000;
const SITES = ['bank', 'tax', 'power'] as const;
type TableSite = (typeof SITES)[number];
let dir: string;
const stored = new Map<TableSite, { meta: StoreMeta; vectors: Map<string, Float64Array>; labels: Map<string, number> }>();

function fedcredit(...args: string[]) {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-tables-'));
  const gen = fedcredit('sim', 'tables', '--rows', String(ROWS), '--seed', 'tables-test', '--out', path.join(dir, 'csv'), '--json');
  expect(gen.stderr).toBe('');
  expect(gen.status).toBe(0);
  for (const site of SITES) {
    const r = fedcredit('node', 'ingest', '--data', path.join(dir, site), '--site', site, '--kind', 'features', '--id-column', 'id',
      ...(site === 'bank' ? ['--label-column', 'default_2y'] : []), '--id-format', 'any', '--file', path.join(dir, 'csv', `${site}.csv`), '--json');
    expect(r.stderr, `${site} ingest`).toBe('');
    expect(JSON.parse(r.stdout), site).toMatchObject({ committed: true, rows: ROWS, enterprises: ROWS });
    const store = await NodeStore.open(path.join(dir, site), site);
    try {
      const vectors = new Map<string, Float64Array>();
      for await (const [id, bytes] of store.features.iterator()) vectors.set(id, bytesToFloat64(bytes));
      const labels = new Map<string, number>();
      for await (const [id, y] of store.labels.iterator()) labels.set(id, Number(y));
      stored.set(site, { meta: await store.getMeta(), vectors, labels });
    } finally {
      await store.close();
    }
  }
}, 240_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const col = (site: TableSite, name: string): number[] => {
  const s = stored.get(site)!;
  const j = s.meta.catalogue!.findIndex((f) => f.name === name);
  expect(j, `${site} has column ${name}`).toBeGreaterThanOrEqual(0);
  return [...s.vectors.values()].map((v) => v[j]!);
};

describe('sim tables, ingested as feature tables', () => {
  it('has the documented columns, typed as the node infers them', () => {
    const names = (site: TableSite) => stored.get(site)!.meta.catalogue!.map((f) => f.name);
    expect(names('bank')).toEqual([...BANK_TABLE_COLUMNS]);
    expect(names('tax')).toEqual([...TAX_TABLE_COLUMNS]);
    expect(names('power')).toEqual([...POWER_TABLE_COLUMNS]);
    const type = (site: TableSite, name: string) => stored.get(site)!.meta.catalogue!.find((f) => f.name === name)!.type;
    expect(type('bank', 'late_90')).toBe('integer');
    expect(type('bank', 'revolving_utilization')).toBe('number');
    expect(type('tax', 'dependents')).toBe('integer');
    expect(stored.get('bank')!.meta.hasLabels).toBe(true);
    expect(stored.get('tax')!.meta.hasLabels).toBe(false);
    expect(stored.get('power')!.meta.hasLabels).toBe(false);
  });

  it('ids are integers, and every site\'s ids are the bank\'s', () => {
    const bankIds = new Set(stored.get('bank')!.vectors.keys());
    expect(bankIds.size).toBe(ROWS);
    for (const id of bankIds) expect(id, id).toMatch(/^[1-9]\d*$/);
    for (const site of ['tax', 'power'] as const) {
      for (const id of stored.get(site)!.vectors.keys()) expect(bankIds.has(id), `${site} id ${id} at the bank`).toBe(true);
    }
    expect(new Set(stored.get('bank')!.labels.keys())).toEqual(bankIds);
  });

  it('defaults about 6.7% of enterprises', () => {
    const labels = [...stored.get('bank')!.labels.values()];
    const rate = labels.reduce((a, b) => a + b, 0) / labels.length;
    expect(rate).toBeGreaterThan(0.05);
    expect(rate).toBeLessThan(0.085);
  });

  it('misses income for about a fifth of rows, dependents for a few, and nothing else', () => {
    const meta = stored.get('tax')!.meta;
    const rate = (name: string) => meta.catalogue!.find((f) => f.name === name)!.missingRate!;
    expect(rate('monthly_income')).toBeGreaterThan(0.17);
    expect(rate('monthly_income')).toBeLessThan(0.23);
    expect(rate('dependents')).toBeGreaterThan(0.01);
    expect(rate('dependents')).toBeLessThan(0.05);
    expect(rate('debt_ratio')).toBe(0);
    for (const site of ['bank', 'power'] as const) {
      for (const f of stored.get(site)!.meta.catalogue!) expect(f.missingRate, `${site} ${f.name}`).toBe(0);
    }
    // Dependents are missing only where income is (as in the public data).
    const income = col('tax', 'monthly_income');
    col('tax', 'dependents').forEach((d, i) => {
      if (Number.isNaN(d)) expect(Number.isNaN(income[i]!)).toBe(true);
    });
  });

  it('has heavy tails, ties and sentinel codes', () => {
    const share = (xs: number[], p: (x: number) => boolean) => xs.filter(p).length / xs.length;
    for (const name of ['late_30_59', 'late_60_89', 'late_90']) {
      const late = col('bank', name);
      const sentinels = share(late, (x) => x === 96 || x === 98);
      expect(sentinels, name).toBeGreaterThan(0.0005);
      expect(sentinels, name).toBeLessThan(0.006);
      expect(share(late, (x) => x === 0), `${name} mostly 0`).toBeGreaterThan(0.75);
      expect(Math.max(...late.filter((x) => x < 90))).toBeLessThan(30);
    }
    const util = col('bank', 'revolving_utilization');
    expect(share(util, (x) => x <= 1)).toBeGreaterThan(0.95);
    expect(Math.max(...util)).toBeGreaterThan(1000);
    // The debt ratio is a ratio where income is known, the raw debt (thousands) where it is not.
    const income = col('tax', 'monthly_income');
    const ratio = col('tax', 'debt_ratio');
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(ratio.filter((_, i) => income[i]! > 0))).toBeLessThan(1);
    expect(median(ratio.filter((_, i) => Number.isNaN(income[i]!)))).toBeGreaterThan(500);
    const stats = stored.get('bank')!.meta.stats!;
    const u = BANK_TABLE_COLUMNS.indexOf('revolving_utilization');
    expect((Math.max(...util) - stats.mean[u]!) / stats.std[u]!, 'utilization max in standard deviations').toBeGreaterThan(20);
  });

  it('is deterministic per seed, and the CLI writes what the in-memory generator returns', () => {
    const t = generateCreditTables({ rows: ROWS, seed: 'tables-test' });
    for (const site of SITES) {
      expect(fs.readFileSync(path.join(dir, 'csv', `${site}.csv`), 'utf8'), site).toBe(creditTableCsv(t[site]));
    }
    expect(creditTableCsv(generateCreditTables({ rows: 50, seed: 'other' }).bank)).not.toBe(creditTableCsv(generateCreditTables({ rows: 50, seed: 'tables-test' }).bank));
  });
});
