/**
 * `sim month` (issue 21): month 2 on top of a generated federation. Month 1 must not change;
 * the drift month must move the power and tax features a site would monitor, and the control
 * month must not. The figures printed here are the ones docs/data-formats.md quotes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFederation } from '../../sim/generate.js';
import { nextMonth } from '../../sim/next-month.js';
import { readSiteRecords } from '../../sim/read.js';
import { featureSetFor } from '../../features/index.js';
import { parsePeriod, type Site } from '../../schema/site-schema.js';
import { countInto, referenceFrom, stabilityIndex } from '../../monitoring/drift.js';

let dir: string;
const N = 2000;

function hashTree(root: string): string {
  const h = createHash('sha256');
  for (const f of fs.readdirSync(root, { recursive: true }).map(String).sort()) {
    const p = path.join(root, f);
    if (fs.statSync(p).isFile()) h.update(f).update(fs.readFileSync(p));
  }
  return h.digest('hex');
}

/** CSI of every feature of `site`: as of obs over month 1 against as of obs+1 over months 1 and 2. */
function featureStability(site: 'tax' | 'power', month2: string): Map<string, number> {
  const set = featureSetFor(site);
  const obs = parsePeriod('2025-12');
  const before = readSiteRecords(path.join(dir, 'm1'), site as Site);
  const after = readSiteRecords(path.join(dir, month2), site as Site, { into: readSiteRecords(path.join(dir, 'm1'), site as Site), partial: true });
  const out = new Map<string, number>();
  const ref = [...before.values()].map((r) => set.compute(r as never, obs));
  const now = [...after.values()].map((r) => set.compute(r as never, obs + 1));
  set.catalogue.forEach((f, j) => {
    const reference = referenceFrom(Float64Array.from(ref, (v) => v[j]!), f.name, 20);
    out.set(f.name, stabilityIndex(reference, countInto(reference, Float64Array.from(now, (v) => v[j]!))));
  });
  return out;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-month-'));
  await generateFederation({ enterprises: N, seed: 'month-test', outDir: path.join(dir, 'm1') });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('sim month: a second observation month', () => {
  it('leaves month 1 untouched, is reproducible, and writes only month obs+1 of tax and power', () => {
    const m1 = hashTree(path.join(dir, 'm1'));
    const a = nextMonth({ from: path.join(dir, 'm1'), outDir: path.join(dir, 'm2') });
    nextMonth({ from: path.join(dir, 'm1'), outDir: path.join(dir, 'm2b') });
    expect(hashTree(path.join(dir, 'm1'))).toBe(m1);
    expect(hashTree(path.join(dir, 'm2'))).toBe(hashTree(path.join(dir, 'm2b')));
    expect(a.month).toBe('2026-01');
    expect(fs.existsSync(path.join(dir, 'm2', 'bank'))).toBe(false);
    const lines = fs.readFileSync(path.join(dir, 'm2', 'power', 'power_bills.csv'), 'latin1').trim().split('\n').slice(1);
    expect(lines.length).toBeGreaterThan(N / 2);
    for (const l of lines) expect(l.split(',')[1]).toBe('2026-01');
    // Exactly the share asked for among firms at two or more sites, more of them in the downturn industries.
    const truth = fs.readFileSync(path.join(dir, 'm2', 'monitoring_truth.csv'), 'latin1').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(truth).toHaveLength(N);
    expect(truth.filter((t) => t[1] === '1')).toHaveLength(a.deteriorated);
    expect(a.deteriorate).toBe(0.3);
    expect(a.deteriorated / N).toBeGreaterThan(0.18);
    expect(a.deteriorated / N).toBeLessThan(0.3);
  });

  it('refuses options that contradict themselves or name no industry', () => {
    expect(() => nextMonth({ from: path.join(dir, 'm1'), outDir: path.join(dir, 'x'), control: true, deteriorate: 0.2 })).toThrow(/control month has no deterioration/);
    expect(() => nextMonth({ from: path.join(dir, 'm1'), outDir: path.join(dir, 'x'), downturn: ['retail'] })).toThrow(/unknown downturn industry 'retail'/);
    expect(() => nextMonth({ from: path.join(dir, 'm1'), outDir: path.join(dir, 'x'), deteriorate: 2 })).toThrow(/share from 0 to 0.9/);
  });

  it('moves the power and tax features on the drift month and not on the control month', () => {
    nextMonth({ from: path.join(dir, 'm1'), outDir: path.join(dir, 'control'), control: true });
    nextMonth({ from: path.join(dir, 'm1'), outDir: path.join(dir, 'severe'), deteriorate: 0.5 });
    const drift = { power: featureStability('power', 'm2'), tax: featureStability('tax', 'm2') };
    const severe = featureStability('power', 'severe');
    const control = { power: featureStability('power', 'control'), tax: featureStability('tax', 'control') };
    const show = (m: Map<string, number>) => [...m].map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
    console.log(`CSI drift month: ${show(drift.power)}; ${show(drift.tax)}`);
    console.log(`CSI control month: ${show(control.power)}; ${show(control.tax)}`);
    console.log(`CSI severe month (0.5): ${show(severe)}`);
    // The default month warns (0.10) on the power site's consumption drop, and moves the tax
    // site's arrears far more than the control month does; a severe downturn (half the firms at
    // two sites) alarms (0.25); the control month stays stable (< 0.10) at every feature.
    expect(drift.power.get('power_kwh_drop')!).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...drift.tax.values())).toBeGreaterThan(5 * Math.max(...control.tax.values()));
    expect(severe.get('power_kwh_drop')!).toBeGreaterThanOrEqual(0.25);
    for (const [name, v] of [...control.power, ...control.tax]) expect(v, name).toBeLessThan(0.1);
  });
});
