/**
 * The whole local pipeline of a data node on simulated data: generated CSV exports go through
 * the validating ingest into LevelDB, and the stored feature vectors and labels must equal what
 * the feature catalogue computes directly from the same records.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeriod, RECORD_KINDS, type Site } from '../../schema/site-schema.js';
import { bankLabel, defaultAsOf, featureSetFor } from '../../features/index.js';
import { ingestFile } from '../../node/ingest.js';
import { NodeStore } from '../../site/store.js';
import { generateFederation } from '../../sim/generate.js';
import { readGroundTruth, readSiteRecords } from '../../sim/read.js';

let dir: string;
const stores = new Map<Site, NodeStore>();
const order: Record<Site, (keyof typeof RECORD_KINDS)[]> = { tax: ['tax_rating', 'vat_filing'], power: ['power_bill'], bank: ['loan', 'repayment'] };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-pipeline-'));
  await generateFederation({ enterprises: 400, seed: 'pipeline', outDir: path.join(dir, 'sites') });
  for (const site of ['tax', 'power', 'bank'] as const) {
    const store = await NodeStore.open(path.join(dir, `node-${site}`), site);
    stores.set(site, store);
    for (const kind of order[site]) {
      await ingestFile(store, path.join(dir, 'sites', site, RECORD_KINDS[kind].fileName));
    }
  }
});

afterAll(async () => {
  for (const store of stores.values()) await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('simulated exports through ingest to features', () => {
  it.each(['tax', 'power', 'bank'] as const)('%s: every stored feature vector equals the catalogue applied to the raw records', async (site) => {
    const store = stores.get(site)!;
    const records = readSiteRecords(path.join(dir, 'sites'), site);
    const meta = await store.getMeta();
    const asOf = parsePeriod(meta.asOf!);
    expect(asOf).toBe(parsePeriod('2025-12'));
    const featureSet = featureSetFor(site);
    expect(meta.enterprises).toBe(records.size);
    expect(meta.catalogue!.map((f) => f.name)).toEqual(featureSet.catalogue.map((f) => f.name));
    for (const [code, recs] of records) {
      const stored = await store.featureVector(code);
      expect(stored, code).toBeDefined();
      const expected = (featureSet.compute as (r: typeof recs, m: number) => Float64Array)(recs, asOf);
      expect(Array.from(stored!)).toEqual(Array.from(expected));
    }
    // Standardization statistics are computed over the stored vectors.
    expect(meta.stats!.count).toBe(records.size);
    expect(meta.stats!.std.every((s) => s > 0)).toBe(true);
  });

  it('bank: stored labels are the 90+ dpd outcome the simulator recorded', async () => {
    const store = stores.get('bank')!;
    const truth = new Map(readGroundTruth(path.join(dir, 'sites')).map((g) => [g.creditCode, g]));
    const records = readSiteRecords(path.join(dir, 'sites'), 'bank');
    const asOf = defaultAsOf('bank', parsePeriod('2026-12'));
    let labelled = 0;
    for (const [code, recs] of records) {
      const label = bankLabel(recs, asOf);
      const stored = await store.labels.get(code);
      if (label === null) {
        expect(stored).toBeUndefined();
        continue;
      }
      labelled++;
      expect(stored).toBe(String(label));
      expect(truth.get(code)!.default12m).toBe(label);
    }
    expect(labelled).toBeGreaterThan(100);
  });

  // Last: it adds an enterprise to the tax store that the generated files do not hold.
  it('tax: a feature undefined for an enterprise is stored as NaN, left out of the statistics, and its missing share reported', async () => {
    const store = stores.get('tax')!;
    const code = '91350100M000100Y43';
    const file = path.join(dir, 'zero-returns.csv');
    // Only zero returns in the window: nothing was due, so arrears over tax due is undefined.
    fs.writeFileSync(file, `${RECORD_KINDS.vat_filing.columns.map((c) => c.name).join(',')}\n${code},2025-05,0.00,0.00,0.00,1,500.00\n${code},2025-06,0.00,0.00,0.00,0,500.00\n`);
    await ingestFile(store, file);
    const meta = await store.getMeta();
    const j = meta.catalogue!.findIndex((f) => f.name === 'tax_arrears_to_due');
    expect(j).toBeGreaterThanOrEqual(0);
    const vector = await store.featureVector(code);
    expect(vector![j]).toBeNaN();
    const values: number[] = [];
    for await (const bytes of store.features.values()) values.push(new Float64Array(bytes.slice().buffer)[j]!);
    const present = values.filter((v) => !Number.isNaN(v));
    const missing = values.length - present.length;
    expect(missing).toBeGreaterThanOrEqual(1);
    expect(meta.catalogue![j]!.missingRate).toBeCloseTo(missing / values.length, 12);
    expect(meta.stats!.mean[j]).toBeCloseTo(present.reduce((a, b) => a + b, 0) / present.length, 9);
    expect(Number.isFinite(meta.stats!.std[j]!)).toBe(true);
  });
});
