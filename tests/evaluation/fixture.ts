/**
 * A report of format v3 built by evaluation/report.ts from synthetic validation scores (and the
 * same report stripped to format v2), with a scorecard section, for the report-html tests.
 */
import { EVALUATION_REPORT_FORMAT_V2, buildEvaluationReport, parseEvaluationReport, type EvaluationReport } from '../../evaluation/report.js';
import type { ScorecardReport } from '../../models/scorecard/report-shape.js';
import { rng } from '../training/helpers.js';

export const SCORECARD: ScorecardReport = {
  site: 'bank', minBinSize: 20, constantPoints: 480, bankOnly: 'bank-scorecard',
  characteristics: [
    { name: 'tax_paid', type: 'numeric', iv: 0.31, weight: 0.9, unseenPoints: 0, bins: [
      { bin: 'bin 1 of 3', count: 400, events: 80, eventRate: 0.2, woe: -0.81, points: -30 },
      { bin: 'bin 2 of 3', count: 900, events: 60, eventRate: 0.0667, woe: 0.35, points: 12 },
      { bin: 'bin 3 of 3', count: 700, events: 20, eventRate: 0.0286, woe: 1.2, points: 40 },
    ] },
    { name: '<script>alert(1)</script>', type: 'categorical', iv: 0.05, weight: 0.2, unseenPoints: 0, bins: [
      { bin: 'A & B', count: 1500, events: 120, eventRate: 0.08, woe: 0.1, points: 2 },
      { bin: 'missing', count: 500, events: 40, eventRate: 0.08, woe: null, points: null },
    ] },
  ],
  dropped: [{ name: 'power_kwh', why: 'IV under 0.02' }],
};

export function v3Report(n = 2_000, seed = 3, scorecard = false): EvaluationReport {
  const r = rng(seed);
  const labels = new Uint8Array(n);
  const points = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = r() < 0.1 ? 1 : 0;
    points[i] = Math.round(600 + 60 * (r() + r() + r() - 1.5) * 2 - (labels[i] ? 70 : 0));
  }
  const logits = Float64Array.from(points, (p) => ((600 - p) * Math.LN2) / 50 - Math.log(20));
  const bankRows = Array.from(points, (p, i) => Float64Array.of(p / 100 + (i % 7) * 0.3 + r()));
  return buildEvaluationReport({
    joint: { logits, labels },
    bankOnly: { trainRows: bankRows, trainLabels: labels, validationRows: bankRows, validationLabels: labels },
    ...(scorecard ? { scorecard: SCORECARD } : {}),
  });
}

/** The same report as a v2 one (no curves, no score bins), read back through the shape check. */
export function asV2(report: EvaluationReport): EvaluationReport {
  const { scoreBins: _s, joint, bankOnly, ...rest } = JSON.parse(JSON.stringify(report)) as Record<string, Record<string, unknown>>;
  void _s;
  const strip = ({ curves: _c, ...e }: Record<string, unknown>) => e;
  return parseEvaluationReport({ ...rest, format: EVALUATION_REPORT_FORMAT_V2, joint: strip(joint!), bankOnly: strip(bankOnly!) });
}
