/**
 * Report format v3's curves and score deciles (evaluation/curves.ts): right on hand cases, no
 * group under minCellSize described, older reports still read.
 */
import { describe, expect, it } from 'vitest';
import { scoreBinsOf, scoreCurves } from '../../evaluation/curves.js';

import { EVALUATION_REPORT_FORMAT_V2, buildEvaluationReport, parseEvaluationReport } from '../../evaluation/report.js';
import { ksStatistic } from '../../evaluation/metrics.js';
import { rng } from './helpers.js';

function draw(n: number, seed: number): { points: Int32Array; labels: Uint8Array } {
  const r = rng(seed);
  const points = new Int32Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = r() < 0.1 ? 1 : 0;
    points[i] = Math.max(0, Math.min(1000, Math.round(600 + 60 * (r() + r() + r() - 1.5) * 2 - (labels[i] ? 70 : 0))));
  }
  return { points, labels };
}

describe('evaluation curves (report v3)', () => {
  it('ROC, KS and lift on a hand case', () => {
    // Points 100..800 step 100, worst four default: a perfect ranking.
    const points = [100, 200, 300, 400, 500, 600, 700, 800];
    const labels = [1, 1, 1, 1, 0, 0, 0, 0];
    const c = scoreCurves(points, labels, 1);
    expect(c.thresholds).toEqual([200, 300, 400, 500, 600, 700, 800]);
    expect(c.roc[0]).toEqual([0, 0]);
    expect(c.roc.at(-1)).toEqual([1, 1]);
    expect(c.ks.find((k) => k.points === 500)).toEqual({ points: 500, cumBad: 1, cumGood: 0 });
    expect(Math.max(...c.ks.map((k) => k.cumBad - k.cumGood))).toBe(1);
    expect(c.lift.map((d) => d.count)).toEqual(Array(8).fill(1));
    expect(c.lift[0]).toEqual({ decile: 1, count: 1, defaults: 1, cumCapture: 0.25, lift: 2 });
    expect(c.histogram.bins.map((b) => b.from)).toEqual(Array.from({ length: 36 }, (_, i) => 100 + 20 * i));
  });

  it('never describes fewer than minCellSize enterprises', () => {
    const { points, labels } = draw(3_000, 5);
    const min = 50;
    const c = scoreCurves(points, labels, min);
    expect(c.thresholds.length).toBeGreaterThan(10);
    expect(c.thresholds.length).toBeLessThanOrEqual(50);
    // Between consecutive thresholds, and below the first and above the last: >= min.
    const cuts = [-Infinity, ...c.thresholds, Infinity];
    for (let i = 1; i < cuts.length; i++) {
      let n = 0;
      for (const p of points) if (p >= cuts[i - 1]! && p < cuts[i]!) n++;
      expect(n).toBeGreaterThanOrEqual(min);
    }
    for (const d of c.lift) expect(d.count).toBeGreaterThanOrEqual(min);
    expect(c.lift.reduce((a, d) => a + d.count, 0)).toBe(3_000);
    for (const b of c.histogram.bins) {
      if (b.defaulters === null) expect(b.others).toBeNull();
      else expect(b.defaulters + b.others!).toBeGreaterThanOrEqual(min);
    }
    expect(c.histogram.bins.some((b) => b.defaulters === null)).toBe(true);
    // KS read off the curve is the exact KS up to the threshold grid.
    const exact = ksStatistic(Float64Array.from(points, (p) => -p), labels);
    const onCurve = Math.max(...c.ks.map((k) => k.cumBad - k.cumGood));
    expect(onCurve).toBeLessThanOrEqual(exact + 1e-12);
    expect(onCurve).toBeGreaterThan(exact - 0.05);
    // A tie never splits: one score for everyone gives no threshold and one lift group.
    const flat = scoreCurves(new Int32Array(500).fill(600), labels.subarray(0, 500), 10);
    expect(flat.thresholds).toEqual([]);
    expect(flat.lift).toHaveLength(1);
  });

  it('score deciles for drift: at most ten bins, each at least minCellSize and 1 %', () => {
    const { points } = draw(3_000, 9);
    const b = scoreBinsOf(points, 50);
    expect(b.count).toBe(3_000);
    expect(b.edges.length).toBeGreaterThanOrEqual(7);
    expect(b.shares).toHaveLength(b.edges.length + 1);
    expect(b.shares.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 12);
    for (const s of b.shares) expect(s * 3_000).toBeGreaterThanOrEqual(50);
  });

  it('a v3 report carries curves and score bins; v2 reads without them; a bad curve is named', () => {
    const { points, labels } = draw(2_000, 3);
    const logits = Float64Array.from(points, (p) => ((600 - p) * Math.LN2) / 50 - Math.log(20));
    const bankRows = Array.from(points, (p, i) => Float64Array.of(p / 100 + (i % 7) * 0.01));
    const report = buildEvaluationReport({
      joint: { logits, labels },
      bankOnly: { trainRows: bankRows, trainLabels: labels, validationRows: bankRows, validationLabels: labels },
    });
    expect(report.format).toBe('fedcredit.evaluation-report/v3');
    expect(report.joint.curves!.roc.length).toBe(report.joint.curves!.thresholds.length + 2);
    expect(report.bankOnly.curves).toBeDefined();
    expect(report.scoreBins!.count).toBe(2_000);
    expect(JSON.stringify(parseEvaluationReport(JSON.stringify(report)))).toBe(JSON.stringify(report));

    const { scoreBins: _s, joint, bankOnly, ...rest } = JSON.parse(JSON.stringify(report));
    void _s;
    const strip = ({ curves: _c, ...e }: Record<string, unknown>) => e;
    const v2 = { ...rest, format: EVALUATION_REPORT_FORMAT_V2, joint: strip(joint), bankOnly: strip(bankOnly) };
    const read = parseEvaluationReport(JSON.stringify(v2));
    expect(read.joint.curves).toBeUndefined();
    expect(read.scoreBins).toBeUndefined();
    expect(() => parseEvaluationReport({ ...v2, format: 'fedcredit.evaluation-report/v3' })).toThrow(/report.joint.curves is missing/);

    const bad = JSON.parse(JSON.stringify(report));
    bad.joint.curves.lift[0].count = 3;
    expect(() => parseEvaluationReport(bad)).toThrow(/report.joint.curves.lift/);
    const bad2 = JSON.parse(JSON.stringify(report));
    bad2.joint.curves.histogram.bins.push({ from: 990, defaulters: 1, others: 2 });
    expect(() => parseEvaluationReport(bad2)).toThrow(/shows 3 samples, fewer than minCellSize 10/);
    const bad3 = JSON.parse(JSON.stringify(report));
    bad3.scoreBins.shares[0] += 0.1;
    expect(() => parseEvaluationReport(bad3)).toThrow(/report.scoreBins.shares do not add up to 1/);
  });
});
