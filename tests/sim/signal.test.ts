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
import { bankLabel } from '../../features/index.js';
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
