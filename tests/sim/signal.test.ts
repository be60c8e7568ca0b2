/**
 * The simulator's reason to exist: each site adds real signal, so a model on pooled tax, power
 * and bank features beats the bank's own model. Generated, read back and scored end to end
 * through the same feature code the data nodes run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeriod } from '../../schema/site-schema.js';
import { BANK_CATALOGUE, POWER_CATALOGUE, TAX_CATALOGUE, bankLabel } from '../../features/index.js';
import { buildBaselineDataset, centralizedBaseline, type BaselineDataset } from '../../sim/baseline.js';
import { generateFederation } from '../../sim/generate.js';
import { readGroundTruth, readSiteRecords } from '../../sim/read.js';

let dir: string;
let data: BaselineDataset;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-signal-'));
  await generateFederation({ enterprises: 8000, seed: 'signal', outDir: dir });
  data = buildBaselineDataset(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('signal in the simulated federation', () => {
  it('pooled tax + power + bank features beat bank features alone by a clear margin', () => {
    const r = centralizedBaseline(data);
    console.log(
      `signal: ${r.trainRows} train / ${r.testRows} test (${r.testDefaults} defaults), default rate ${(100 * r.defaultRate).toFixed(1)}%; ` +
        `AUC bank-only ${r.bankOnly.auc.toFixed(3)}, pooled ${r.pooled.auc.toFixed(3)}, pooled with 0.5+0.25z ${r.pooledTaylor.auc.toFixed(3)}`,
    );
    expect(r.testDefaults).toBeGreaterThan(30);
    expect(r.bankOnly.auc).toBeGreaterThan(0.62);
    expect(r.bankOnly.auc).toBeLessThan(0.8);
    expect(r.pooled.auc - r.bankOnly.auc).toBeGreaterThanOrEqual(0.03);
    expect(r.pooled.ks).toBeGreaterThan(r.bankOnly.ks);
    expect(r.defaultRate).toBeGreaterThan(0.03);
    expect(r.defaultRate).toBeLessThan(0.11);
  });

  it('each of tax and power adds signal on its own', () => {
    const withSite = (site: 'tax' | 'power'): BaselineDataset => ({
      ...data,
      bank: data.bank.map((b, i) => Float64Array.of(...b, ...data[site][i]!)),
      tax: data.tax.map(() => new Float64Array(0)),
      power: data.power.map(() => new Float64Array(0)),
    });
    const bankOnly = centralizedBaseline(data).bankOnly.auc;
    const plusTax = centralizedBaseline(withSite('tax')).bankOnly.auc;
    const plusPower = centralizedBaseline(withSite('power')).bankOnly.auc;
    console.log(`signal: bank ${bankOnly.toFixed(3)}, bank+tax ${plusTax.toFixed(3)}, bank+power ${plusPower.toFixed(3)}`);
    expect(plusTax).toBeGreaterThan(bankOnly + 0.01);
    expect(plusPower).toBeGreaterThan(bankOnly + 0.01);
  });

  it('the sites\' features show what real credit data shows: heavy tails, ties, missing cells (sim/generate.ts header)', () => {
    const column = (rows: Float64Array[], catalogue: readonly { name: string }[], name: string) => {
      const j = catalogue.findIndex((f) => f.name === name);
      expect(j, name).toBeGreaterThanOrEqual(0);
      return rows.map((r) => r[j]!);
    };
    const sdsOut = (xs: number[]) => {
      const present = xs.filter((x) => !Number.isNaN(x));
      const mean = present.reduce((a, b) => a + b, 0) / present.length;
      const sd = Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / present.length);
      return Math.max(...present.map((x) => Math.abs(x - mean))) / sd;
    };
    const share = (xs: number[], p: (x: number) => boolean) => xs.filter(p).length / xs.length;
    const arrearsToDue = column(data.tax, TAX_CATALOGUE, 'tax_arrears_to_due');
    const overdue = column(data.bank, BANK_CATALOGUE, 'bank_overdue_amount');
    const drop = column(data.power, POWER_CATALOGUE, 'power_kwh_drop');
    console.log(`tails: arrears-to-due ${sdsOut(arrearsToDue).toFixed(1)} sd, overdue amount ${sdsOut(overdue).toFixed(1)} sd, kWh drop ${sdsOut(drop).toFixed(1)} sd; arrears-to-due missing ${(100 * share(arrearsToDue, Number.isNaN)).toFixed(2)}%`);
    // A few values tens of standard deviations out (with ~3,300 rows, sqrt(n) ~ 57 is the most one value can be).
    expect(sdsOut(arrearsToDue)).toBeGreaterThan(20);
    expect(sdsOut(overdue)).toBeGreaterThan(20);
    expect(Math.min(...drop)).toBeLessThan(-50);
    // Ties: counts mostly 0.
    expect(share(column(data.bank, BANK_CATALOGUE, 'bank_delinquent_months_24m'), (x) => x === 0)).toBeGreaterThan(0.6);
    expect(share(overdue, (x) => x === 0)).toBeGreaterThan(0.9);
    // Missing: undefined for some enterprises, never for most.
    expect(share(arrearsToDue, Number.isNaN)).toBeGreaterThan(0.001);
    expect(share(arrearsToDue, Number.isNaN)).toBeLessThan(0.05);
  });

  it('the label the bank derives from its records equals the ground truth', () => {
    const asOf = parsePeriod('2025-12');
    const truth = new Map(readGroundTruth(dir).map((t) => [t.creditCode, t]));
    let labelled = 0;
    for (const [code, records] of readSiteRecords(dir, 'bank')) {
      const label = bankLabel(records, asOf);
      const t = truth.get(code)!;
      if (label === null) {
        // no exposure in the label window: only firms that do not default are left without a loan
        expect(t.default12m, code).toBe(0);
        continue;
      }
      labelled++;
      expect(label, code).toBe(t.default12m);
    }
    expect(labelled).toBeGreaterThan(4000);
  });
});
