/**
 * The report's verdict on federation (evaluation/verdict.ts, issue 19): the rule, the noise
 * margin's standard error (DeLong, checked against the O(n^2) definition and against the spread
 * of the AUC gap over many validation draws), what a stored report may claim, reports stored
 * before the verdict existed, and the words `fedcredit train` and `model show` print.
 */
import { describe, expect, it } from 'vitest';
import { auc } from '../../evaluation/metrics.js';
import { EVALUATION_REPORT_FORMAT_V1, buildEvaluationReport, parseEvaluationReport } from '../../evaluation/report.js';
import type { EvaluationReport } from '../../evaluation/report.js';
import { formatEvaluationReport } from '../../evaluation/report-text.js';
import { VERDICT_Z, pairedAucDifferenceSe, verdictOutcome } from '../../evaluation/verdict.js';
import { formatVerdict } from '../../evaluation/verdict-text.js';
import { describeModel } from '../../training/cli.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';
import { rng } from './helpers.js';

function gaussian(next: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
}

/** Validation scores of two models of the same enterprises: `second` sees a share `overlap` of what `first` sees. */
function twoModels(n: number, seed: number, gap: number) {
  const next = rng(seed);
  const g = gaussian(next);
  const labels: number[] = [];
  const first: number[] = [];
  const second: number[] = [];
  for (let i = 0; i < n; i++) {
    const shared = g();
    const extra = g();
    const y = next() < 1 / (1 + Math.exp(-(-2 + shared + gap * extra))) ? 1 : 0;
    labels.push(y);
    first.push(shared + gap * extra + 0.3 * g());
    second.push(shared + 0.3 * g());
  }
  return { labels, first, second };
}

/** DeLong by its definition, O(n^2). */
function delongBrute(a: number[], b: number[], labels: number[]): number {
  const psi = (x: number, y: number) => (x > y ? 1 : x === y ? 0.5 : 0);
  const pos = labels.flatMap((y, i) => (y === 1 ? [i] : []));
  const neg = labels.flatMap((y, i) => (y === 0 ? [i] : []));
  const v10 = (s: number[]) => pos.map((i) => neg.reduce((t, j) => t + psi(s[i]!, s[j]!), 0) / neg.length);
  const v01 = (s: number[]) => neg.map((j) => pos.reduce((t, i) => t + psi(s[i]!, s[j]!), 0) / pos.length);
  const cov = (x: number[], y: number[]) => {
    const mx = x.reduce((t, v) => t + v, 0) / x.length;
    const my = y.reduce((t, v) => t + v, 0) / y.length;
    return x.reduce((t, v, k) => t + (v - mx) * (y[k]! - my), 0) / (x.length - 1);
  };
  const [a10, b10, a01, b01] = [v10(a), v10(b), v01(a), v01(b)];
  return Math.sqrt((cov(a10, a10) + cov(b10, b10) - 2 * cov(a10, b10)) / pos.length + (cov(a01, a01) + cov(b01, b01) - 2 * cov(a01, b01)) / neg.length);
}

describe('the verdict rule', () => {
  it('joint-better above the noise margin, within-noise up to it, joint-not-better at or below zero gain', () => {
    expect(verdictOutcome(0.031, 0.012)).toBe('joint-better');
    expect(verdictOutcome(0.012, 0.012)).toBe('within-noise');
    expect(verdictOutcome(0.001, 0.012)).toBe('within-noise');
    expect(verdictOutcome(0, 0.012)).toBe('joint-not-better');
    expect(verdictOutcome(-0.011, 0.012)).toBe('joint-not-better');
    expect(verdictOutcome(0, 0)).toBe('joint-not-better');
    // Reports stored before the margin existed: the sign alone.
    expect(verdictOutcome(0.001, null)).toBe('joint-better');
    expect(verdictOutcome(-0.001, null)).toBe('joint-not-better');
  });

  it('the standard error is DeLong\'s (ties included), 0 for the same scores twice', () => {
    const { labels, first, second } = twoModels(300, 3, 0.8);
    const tied = first.map((v) => Math.round(v * 2) / 2);
    expect(pairedAucDifferenceSe(first, second, labels)).toBeCloseTo(delongBrute(first, second, labels), 12);
    expect(pairedAucDifferenceSe(tied, second, labels)).toBeCloseTo(delongBrute(tied, second, labels), 12);
    expect(pairedAucDifferenceSe(first, first, labels)).toBe(0);
    expect(() => pairedAucDifferenceSe(first, second.slice(1), labels)).toThrow(/one score per label/);
  });

  it('the margin is honest: over 300 validation draws the AUC gap spreads as the standard error says', () => {
    const gaps: number[] = [];
    const ses: number[] = [];
    for (let r = 0; r < 300; r++) {
      const { labels, first, second } = twoModels(500, 1000 + r, 0.5);
      gaps.push(auc(first, labels) - auc(second, labels));
      ses.push(pairedAucDifferenceSe(first, second, labels));
    }
    const mean = gaps.reduce((t, v) => t + v, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((t, v) => t + (v - mean) ** 2, 0) / (gaps.length - 1));
    const meanSe = ses.reduce((t, v) => t + v, 0) / ses.length;
    console.log(`AUC gap over 300 draws of 500: mean ${mean.toFixed(4)}, sd ${sd.toFixed(4)}; mean DeLong SE ${meanSe.toFixed(4)}; margin ${(VERDICT_Z * meanSe).toFixed(4)}`);
    expect(meanSe / sd).toBeGreaterThan(0.8);
    expect(meanSe / sd).toBeLessThan(1.25);
  });
});

/** A report over synthetic data: the joint logits see `gap` more signal than the bank's row. */
function report(seed: number, gap: number, n = 2000): EvaluationReport {
  const make = (s: number) => twoModels(n, s, gap);
  const t = make(seed);
  const v = make(seed + 1);
  return buildEvaluationReport({
    joint: { logits: v.first, labels: v.labels },
    bankOnly: {
      trainRows: t.second.map((x) => Float64Array.of(x)), trainLabels: t.labels,
      validationRows: v.second.map((x) => Float64Array.of(x)), validationLabels: v.labels, params: { ...DEFAULT_PARAMS, batchSize: 256 },
    },
  });
}

describe('the verdict in the report', () => {
  const winning = report(21, 1.2);
  const losing = report(31, 0);

  it('is decided by the bank from both models\' validation scores, and stored', () => {
    expect(winning.verdict.outcome).toBe('joint-better');
    expect(winning.verdict.aucGain).toBe(winning.gain.auc);
    expect(winning.verdict.noiseMargin).toBeGreaterThan(0);
    expect(winning.verdict.aucGain).toBeGreaterThan(winning.verdict.noiseMargin!);
    // The same signal on both sides: the joint model cannot beat the baseline beyond noise.
    expect(losing.verdict.outcome).not.toBe('joint-better');
    expect(losing.verdict.aucGain).toBeLessThanOrEqual(losing.verdict.noiseMargin!);
    for (const r of [winning, losing]) expect(parseEvaluationReport(JSON.stringify(r))).toEqual(r);
  });

  it('a stored report cannot claim a verdict its numbers do not give', () => {
    const bad = (f: (r: Record<string, any>) => void) => {
      const r = JSON.parse(JSON.stringify(losing)) as Record<string, any>;
      f(r);
      return () => parseEvaluationReport(r);
    };
    expect(bad((r) => (r.verdict.outcome = 'joint-better'))).toThrow(/report.verdict.outcome is joint-better, but/);
    expect(bad((r) => (r.verdict.aucGain += 0.1))).toThrow(/report.verdict.aucGain/);
    expect(bad((r) => delete r.verdict)).toThrow(/report.verdict is missing/);
    expect(bad((r) => (r.verdict.noiseMargin = -1))).toThrow(/noiseMargin must be >= 0/);
    expect(bad((r) => (r.gain.auc += 0.1))).toThrow(/report.gain.auc is/);
    expect(bad((r) => (r.bankOnlyModel.method = 'plain-logreg'))).toThrow(/bankOnlyModel.method must be one of joint-lr-bank-alone/);
  });

  it('reports stored before it (v1, plain-LR baseline) stay readable, with a verdict on the sign of the gain', () => {
    const { verdict: _verdict, bankOnlyModel, scoreBins: _bins, joint, bankOnly, ...others } = JSON.parse(JSON.stringify(losing)) as EvaluationReport & Record<string, unknown>;
    void _verdict;
    void _bins;
    // A v1 report had no curves (v3) either.
    const { curves: _jc, ...jointV1 } = joint;
    const { curves: _bc, ...bankOnlyV1 } = bankOnly;
    void _jc;
    void _bc;
    const rest = { ...others, joint: jointV1, bankOnly: bankOnlyV1 };
    const v1 = {
      ...rest, format: EVALUATION_REPORT_FORMAT_V1,
      bankOnlyModel: { method: 'plain-logreg', features: bankOnlyModel.features, trainSamples: bankOnlyModel.trainSamples, validationSamples: bankOnlyModel.validationSamples, epochsRun: 300, l2: 0.001, learningRate: 0.5, batchSize: bankOnlyModel.trainSamples, seed: 1, sigmoid: 'exact' },
    };
    const read = parseEvaluationReport(JSON.stringify(v1));
    expect(read.verdict).toEqual({ outcome: verdictOutcome(losing.gain.auc, null), aucGain: losing.gain.auc, noiseMargin: null });
    expect(formatEvaluationReport(read)).toMatch(/plain LR at the bank .*older report/);
    expect(formatVerdict(read)).toMatch(/stored before the baseline used the joint model's own schedule/);
    expect(() => parseEvaluationReport({ ...v1, verdict: losing.verdict })).toThrow(/report.verdict is not a field/);
  });
});

describe('the verdict in words', () => {
  // A verdict with the numbers of the example in the brief: joint 0.812 vs bank-only 0.781.
  const at = (base: EvaluationReport, jointAuc: number, bankAuc: number, margin: number): EvaluationReport => {
    const gain = jointAuc - bankAuc;
    return { ...base, joint: { ...base.joint, auc: jointAuc }, bankOnly: { ...base.bankOnly, auc: bankAuc }, gain: { ...base.gain, auc: gain }, verdict: { outcome: verdictOutcome(gain, margin), aucGain: gain, noiseMargin: margin } };
  };
  const base = report(41, 1);

  it('prints the gain when the joint model wins, and nothing more', () => {
    const text = formatVerdict(at(base, 0.812, 0.781, 0.012));
    expect(text).toBe('Federation pays: validation AUC joint 0.812 vs bank-only 0.781 (+0.031), noise margin 0.012.');
  });

  it('warns plainly, with the likely causes and the options to try, when it does not', () => {
    const ctx = { trainSize: 800, epochs: 30, bestEpoch: 29, params: { epochs: 30, learningRate: 0.5, patience: 3, batchSize: 8192 } };
    const lose = formatVerdict(at(base, 0.765, 0.776, 0.02), ctx);
    const tie = formatVerdict(at(base, 0.78, 0.776, 0.02), ctx);
    console.log(lose);
    expect(lose).toMatch(/^WARNING: federation does not pay on this job: the joint model does not beat the bank's own\.\n  Validation AUC joint 0\.765 vs bank-only 0\.776 \(-0\.011\), noise margin 0\.020\./);
    expect(tie).toMatch(/^WARNING: the joint model is no better than the bank's own within noise: validation AUC joint 0\.780 vs bank-only 0\.776 \(\+0\.004\)/);
    for (const text of [lose, tie]) {
      expect(text).toMatch(/other sites' features add nothing/);
      expect(text).toMatch(/heavy tails or missing cells left untreated.*preprocessing of each site \(model show lists it per feature\)/);
      expect(text).toMatch(/too small an overlap: 800 training \/ \d+ validation enterprises/);
      expect(text).toMatch(/ran 30 epochs of at most 30, best at epoch 29 \(it hit the limit: it may not have converged\)/);
      expect(text).not.toMatch(/class imbalance/); // 18 % defaulted
      for (const option of ['--epochs 200', '--patience 6', '--lr 0.2', '--decay 0.05', '--batch 2048', '--l2 0', 'fedcredit align', '--validation 0.3']) expect(text).toContain(option);
      expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(170);
    }
  });

  it('names class imbalance only when defaults are rare, and says so when both models rank alike', () => {
    const rare = { ...base, joint: { ...base.joint, defaultRate: 0.04, positives: 80 } };
    expect(formatVerdict(at(rare, 0.7, 0.71, 0.02))).toContain('class imbalance: only 4.0 % of the validation enterprises defaulted, so both AUCs rest on 80 defaults');
    const same = formatVerdict(at(base, 0.7, 0.7, 0));
    expect(same).toMatch(/^WARNING: federation does not pay/);
    expect(same).toContain('the two models rank every validation enterprise alike');
  });

  it('train and model show (describeModel) put the verdict before the report; --json carries it in metrics.report.verdict', () => {
    const model = (r: EvaluationReport): ModelMetadata => ({
      modelVersion: 'm1', jobId: 'j1', alignmentId: 'a1', purpose: 'credit-scoring', kind: 'lr', sites: [{ site: 'bank', role: 'bank', featureCount: 1 }],
      params: { ...DEFAULT_PARAMS }, metrics: { validationAuc: r.joint.auc, aucHistory: [0.7, 0.75, 0.74], trainSize: 2000, validationSize: r.joint.samples, report: JSON.parse(JSON.stringify(r)) as unknown },
      createdAt: '2026-12-04T00:00:00.000Z',
    } as unknown as ModelMetadata);
    const won = describeModel(model(at(base, 0.812, 0.781, 0.012)));
    expect(won).toContain('Federation pays: validation AUC joint 0.812 vs bank-only 0.781 (+0.031)');
    expect(won.indexOf('Federation pays')).toBeLessThan(won.indexOf('Evaluation on the validation split'));
    const lost = describeModel(model(at(base, 0.765, 0.776, 0.02)));
    expect(lost).toMatch(/WARNING: federation does not pay/);
    expect(lost).toMatch(/ran 3 epochs of at most 100, best at epoch 1 \(stopped early/);
    expect(JSON.parse(JSON.stringify(model(at(base, 0.765, 0.776, 0.02)))).metrics.report.verdict.outcome).toBe('joint-not-better');
  });
});
