/**
 * Merging bins by their event counts (models/scorecard/merge.ts) and the site-local VIF screen
 * (models/scorecard/vif.ts), on the counts a site may see. Merged bins must stay unions of
 * released bins (so at least the minimum size), the merged characteristic must put every row in
 * the bin the remapped training bins say (scoring uses one, training the other), monotone must
 * come out monotone, ChiMerge must keep distinct neighbours apart, and the VIF screen must drop
 * a near-duplicate column and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { assignBins, binNumeric, type NumericCharacteristic } from '../../models/scorecard/binning.js';
import { binForSite, codeForSite } from '../../models/scorecard/coding.js';
import { CHI2_95, mergeBins, remapBins } from '../../models/scorecard/merge.js';
import { DEFAULT_SCORECARD_PARAMS } from '../../models/scorecard/params.js';
import { screenVif, vifs } from '../../models/scorecard/vif.js';
import { eventsPerBin } from '../../models/scorecard/woe.js';
import { Rng, seedWords } from '../../sim/prng.js';

const rng = new Rng(seedWords(151), 0);
const n = 6000;
// A value with a zig-zag (noise) on an increasing risk, and a tenth missing.
const rows = Array.from({ length: n }, () => Float64Array.of(rng.next() < 0.1 ? NaN : rng.next() * 100));
const labels = rows.map((r) => {
  const v = r[0]!;
  const p = Number.isNaN(v) ? 0.3 : 0.05 + 0.002 * v + (Math.floor(v / 10) % 2 === 0 ? 0.03 : 0);
  return rng.next() < p ? 1 : 0;
});

function binned(): { c: NumericCharacteristic; bins: Int32Array; events: number[] } {
  const c = binNumeric('x', 0, rows, { bins: 10, minSize: 300 })!;
  const bins = assignBins(c, rows);
  return { c, bins, events: eventsPerBin(bins, labels, c.counts.length) };
}

describe('merging bins by event counts', () => {
  for (const method of ['monotone', 'chimerge'] as const) {
    it(`${method}: unions of released bins, consistent with scoring, missing bin kept`, () => {
      const { c, bins, events } = binned();
      const m = mergeBins(c, events, method);
      const merged = m.characteristic as NumericCharacteristic;
      expect(merged.counts.length).toBeLessThan(c.counts.length);
      expect(merged.counts.reduce((a, b) => a + b, 0)).toBe(n);
      expect(m.events.reduce((a, b) => a + b, 0)).toBe(events.reduce((a, b) => a + b, 0));
      for (const count of merged.counts) expect(count).toBeGreaterThanOrEqual(300);
      // Every row: the bin scoring gives it (binOf on the merged cuts) is the remapped training bin.
      expect([...assignBins(merged, rows)]).toEqual([...remapBins(bins, m.map)]);
      expect(merged.labels.at(-1)).toBe('missing');
      expect(m.events.at(-1)).toBe(events.at(-1));
      const rates = merged.counts.slice(0, -1).map((k, b) => m.events[b]! / k);
      if (method === 'monotone') for (let b = 1; b < rates.length; b++) expect(rates[b]!).toBeGreaterThanOrEqual(rates[b - 1]!);
    });
  }

  it('chimerge keeps neighbours that differ at 95% apart, and merges equal ones', () => {
    const c = binNumeric('x', 0, Array.from({ length: 3000 }, (_, i) => Float64Array.of(i)), { bins: 3, minSize: 100 })!;
    const distinct = mergeBins(c, [50, 150, 300], 'chimerge');
    expect(distinct.characteristic.counts).toEqual(c.counts);
    const equal = mergeBins(c, [100, 101, 300], 'chimerge');
    expect(equal.characteristic.counts).toEqual([2000, 1000]);
    expect(equal.events).toEqual([201, 300]);
    expect(CHI2_95).toBeCloseTo(3.841, 3);
  });

  it('quantile leaves the bins as released', () => {
    const { c, events } = binned();
    expect(mergeBins(c, events, 'quantile').characteristic).toBe(c);
  });
});

describe('the VIF screen (a site\'s own WOE columns)', () => {
  const a = Float64Array.from({ length: 2000 }, () => rng.normal());
  const b = Float64Array.from({ length: 2000 }, () => rng.normal());
  const nearA = Float64Array.from(a, (v) => v + 0.05 * rng.normal());
  it('VIF near 1 for independent columns, large for a near-duplicate', () => {
    const v = vifs([a, b, nearA]);
    expect(v[1]!).toBeLessThan(1.1);
    expect(v[0]!).toBeGreaterThan(100);
    expect(v[2]!).toBeGreaterThan(100);
  });
  it('drops one of the pair (the lower IV) and nothing else; 0 turns it off', () => {
    expect(screenVif([a, b, nearA], [0.5, 0.3, 0.2], 10)).toMatchObject({ kept: [0, 1], dropped: [{ index: 2 }] });
    expect(screenVif([a, b, nearA], [0.1, 0.3, 0.2], 10)).toMatchObject({ kept: [1, 2], dropped: [{ index: 0 }] });
    expect(screenVif([a, b, nearA], [0.5, 0.3, 0.2], 0)).toEqual({ kept: [0, 1, 2], dropped: [] });
  });
  it('codeForSite lists the characteristic the VIF screen dropped, with the reason', () => {
    const site = Array.from({ length: 2000 }, (_, i) => Float64Array.of(a[i]!, b[i]!, a[i]! + 0.01 * rng.normal()));
    const y = site.map((r) => (rng.next() < 1 / (1 + Math.exp(2 - r[0]! - 0.5 * r[1]!)) ? 1 : 0));
    const params = { ...DEFAULT_SCORECARD_PARAMS, maxVif: 5 };
    const bins = binForSite('bank', ['a', 'b', 'a2'], site, params);
    const events = bins.binned.map((c, j) => eventsPerBin(bins.trainBins[j]!, y, c.counts.length));
    const coding = codeForSite(bins, events, params, site, []);
    expect(coding.chosen.map((c) => c.name)).toContain('b');
    expect(coding.chosen).toHaveLength(2);
    expect(coding.selection.dropped.find((d) => /^VIF /.test(d.reason))).toBeDefined();
    const off = codeForSite(bins, events, DEFAULT_SCORECARD_PARAMS, site, []);
    expect(off.chosen).toHaveLength(3);
  });
});
