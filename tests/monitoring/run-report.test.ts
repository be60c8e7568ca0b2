import { describe, expect, it } from 'vitest';
import { RunReportBuilder, SiteDrift, type RunItemResult } from '../../monitoring/run-report.js';
import { referenceFrom } from '../../monitoring/drift.js';
import { scoreBinsOf } from '../../evaluation/curves.js';
import { gradeOf, warningOf } from '../../scoring/score-scale.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

describe('a site\'s drift over a run', () => {
  const r = rng(3);
  const train = Array.from({ length: 3000 }, () => [r() * 10, r() < 0.1 ? NaN : r()]);
  const refs = ['kwh_drop', 'late'].map((f, j) => referenceFrom(Float64Array.from(train, (row) => row[j]!), f, 20));

  it('counts batch by batch; the first feature moved, the second did not', () => {
    const d = new SiteDrift(refs);
    for (let b = 0; b < 4; b++) d.add(Array.from({ length: 250 }, () => [r() * 10 + 4, r() < 0.1 ? NaN : r()]));
    expect(d.covered).toBe(1000);
    const res = d.result('power', 'per-feature');
    expect(res).toMatchObject({ site: 'power', covered: 1000 });
    const f = (res as { features: { feature: string; csi: number; level: string }[] }).features;
    expect(f[0]).toMatchObject({ feature: 'kwh_drop', level: 'alarm' });
    expect(f[1]).toMatchObject({ feature: 'late', level: 'stable' });
    expect(Number.isInteger(f[0]!.csi * 1000)).toBe(true);
    // Policies: the largest only, or nothing.
    expect(d.result('power', 'max-only')).toMatchObject({ features: [{ csi: f[0]!.csi, level: 'alarm' }] });
    expect(d.result('power', 'none')).toEqual({ site: 'power', covered: 1000, withheld: true });
  });

  it('fewer than 500 covered enterprises: insufficient, no figure', () => {
    const d = new SiteDrift(refs);
    d.add(Array.from({ length: 499 }, () => [20, 0.5]));
    expect(d.result('power', 'per-feature')).toEqual({ site: 'power', covered: 499, insufficient: true });
  });
});

describe('the run report', () => {
  const item = (points: number, previous?: RunItemResult['warning']): RunItemResult => ({ points, grade: gradeOf(points), warning: warningOf(points), ...(previous ? { previousWarning: previous } : {}) });
  const head = { runId: 'r1', requester: 'bank-a', portfolio: 'p', model: 'm1', trigger: 'schedule', asOf: { tax: '2026-01' }, startedMs: 1_000 };

  it('PSI against the model\'s score deciles: stable on the same scores, alarm when they fall', () => {
    const r = rng(9);
    const validation = Array.from({ length: 2000 }, () => Math.round(550 + 100 * (r() + r() - 1)));
    const bins = scoreBinsOf(validation, 10);
    const same = new RunReportBuilder(head, bins);
    same.addBatch({ scored: Array.from({ length: 1000 }, () => item(Math.round(550 + 100 * (r() + r() - 1)))), skipped: [], changed: 0, firstIndex: 10, entries: 1000, seconds: 1 });
    expect(same.build([], 5_000).psi).toMatchObject({ level: 'stable' });
    const fallen = new RunReportBuilder(head, bins);
    fallen.addBatch({ scored: Array.from({ length: 1000 }, () => item(Math.round(480 + 100 * (r() + r() - 1)))), skipped: [], changed: 0, firstIndex: 10, entries: 1000, seconds: 1 });
    const report = fallen.build([], 5_000);
    expect(report.psi).toMatchObject({ level: 'alarm' });
    expect(report.drift).toBe('alarm');
    const b = (report.psi as { bins: { from: number | null; to: number | null; expected: number; actual: number }[] }).bins;
    expect(b[0]!.from).toBeNull();
    expect(b.at(-1)!.to).toBeNull();
    expect(b.reduce((a, x) => a + x.actual, 0)).toBeCloseTo(1, 12);
  });

  it('counts, skips, small cells shown as <10, log span, timing; a model without deciles says retrain', () => {
    const rb = new RunReportBuilder(head, undefined);
    rb.addBatch({ scored: [...Array.from({ length: 30 }, () => item(700, 'none')), item(400, 'none'), item(400, 'yellow')], skipped: ['CONSENT_EXPIRED', 'CONSENT_REVOKED', 'CONSENT_EXPIRED'], changed: 2, firstIndex: 100, entries: 35, seconds: 2 });
    rb.addBatch({ scored: [item(650)], skipped: [], changed: 0, firstIndex: 140, entries: 1, seconds: 1 });
    const rep = rb.build([{ site: 'tax', covered: 30, insufficient: true }], 9_000);
    expect(rep).toMatchObject({ items: 36, scored: 33, changed: 2, skipped: { CONSENT_EXPIRED: 2, CONSENT_REVOKED: 1 } });
    expect(rep.transitions.cells[0]).toEqual([30, 0, 0, '<10']);
    expect(rep.transitions.cells[2]).toEqual([0, 0, 0, '<10']);
    expect(rep.log).toEqual({ firstIndex: 100, lastIndex: 140, entries: 36 });
    expect(rep.timing).toEqual({ seconds: 8, perBatchP50: 1, perBatchMax: 2 });
    expect(rep.psi).toMatchObject({ insufficient: true, reason: expect.stringMatching(/retrain to monitor drift/) });
    expect(rep.drift).toBe('insufficient');
    expect(rep.grades.find((g) => g.grade === gradeOf(700))!.count).toBe(30);
  });
});

describe('a site\'s policy on sharing CSI (site/policy.ts monitoring.shareCsi)', () => {
  it('parses the three values and refuses anything else, naming the field and the choices', async () => {
    const { parsePolicy } = await import('../../site/policy.js');
    for (const shareCsi of ['per-feature', 'max-only', 'none']) {
      expect(parsePolicy(JSON.stringify({ monitoring: { shareCsi } }), 'p.json').monitoring).toEqual({ shareCsi });
    }
    expect(parsePolicy('{}', 'p.json').monitoring).toBeUndefined();
    expect(() => parsePolicy('{"monitoring":{"shareCsi":"all"}}', 'p.json')).toThrow(/'monitoring.shareCsi' is "all"; use one of per-feature, max-only, none/);
    expect(() => parsePolicy('{"monitoring":{"share":"none"}}', 'p.json')).toThrow(/unknown field 'monitoring.share'/);
    expect(() => parsePolicy('{"monitoring":"none"}', 'p.json')).toThrow(/'monitoring' must be an object/);
  });
});
