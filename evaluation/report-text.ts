/**
 * The evaluation report as a fixed-width text block, for `fedcredit model show` and the demo
 * (evaluation/report.ts builds the report; docs/evaluation.md explains each line).
 */
import { DEFAULT_SCORE_SCALE, MAX_POINTS, MIN_POINTS } from '../scoring/score-scale.js';
import type { ScoreScale } from '../scoring/score-scale.js';
import type { CalibrationBin, ModelEvaluation } from './model-evaluation.js';
import type { EvaluationReport } from './report.js';

const f4 = (x: number) => x.toFixed(4);
const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
const signed = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(4);
const pad = (s: string | number, w: number) => String(s).padStart(w);
const padEnd = (s: string | number, w: number) => String(s).padEnd(w);
const meanPoints = (b: CalibrationBin | undefined) => (b === undefined ? '' : b.meanPoints === null ? '—' : b.meanPoints.toFixed(0));

/** One line stating the scale: "600 points = 20:1 good:bad odds; +50 points doubles the odds". */
export function describeScale(scale: ScoreScale = DEFAULT_SCORE_SCALE): string {
  return `${scale.basePoints} points = ${scale.baseOdds}:1 good:bad odds; +${scale.pointsToDoubleOdds} points doubles the odds (${MIN_POINTS}..${MAX_POINTS})`;
}

export interface FormatOptions {
  /** First line; default "Evaluation on the validation split". */
  readonly title?: string;
}

/** A fixed-width text block (under 40 lines) for `fedcredit model show` and the demo. */
export function formatEvaluationReport(report: EvaluationReport, opts: FormatOptions = {}): string {
  const j = report.joint;
  const b = report.bankOnly;
  const L: string[] = [];
  L.push(`${opts.title ?? 'Evaluation on the validation split'}: ${j.samples} enterprises, ${j.positives} defaults (${pct(j.defaultRate)})`);
  const bm = report.bankOnlyModel;
  L.push(bm.method === 'plain-logreg'
    ? `  bank-only baseline: plain LR at the bank on its ${bm.features} own features, same split (older report: exact sigmoid, own schedule)`
    : report.scorecard?.bankOnly === 'bank-scorecard'
    ? `  bank-only baseline: the bank's own scorecard, its ${bm.features} characteristics alone (same bins, WOE and selection)\n` +
      `    trained as the joint one (same split, batches, learning rate, sigmoid, early stopping; ${bm.epochsRun} epochs, best ${bm.bestEpoch})`
    : `  bank-only baseline: the joint LR at the bank alone on its ${bm.features} own columns\n` +
      `    (same preprocessing, split, batches, learning rate, sigmoid, early stopping; ${bm.epochsRun} epochs, best ${bm.bestEpoch})`);
  L.push(`${padEnd('', 22)}${pad('joint', 10)}${pad('bank-only', 11)}${pad('gain', 10)}`);
  const row3 = (name: string, a: number, c: number) => L.push(`${padEnd(name, 22)}${pad(f4(a), 10)}${pad(f4(c), 11)}${pad(signed(a - c), 10)}`);
  row3('AUC', j.auc, b.auc);
  row3('KS', j.ks, b.ks);
  row3('Brier (lower better)', j.brier, b.brier);
  L.push(`At cutoff: default predicted below ${report.cutoffPoints} points (PD above ${pct(j.cutoff.probabilityOfDefault)})`);
  const cm = (e: ModelEvaluation) => `${e.confusion.truePositives} / ${e.confusion.falseNegatives}`;
  const cn = (e: ModelEvaluation) => `${e.confusion.falsePositives} / ${e.confusion.trueNegatives}`;
  L.push(`${padEnd('  defaulters: caught / missed', 32)}${pad(cm(j), 14)}${pad(cm(b), 14)}`);
  L.push(`${padEnd('  others: flagged / passed', 32)}${pad(cn(j), 14)}${pad(cn(b), 14)}`);
  for (const [name, key] of [['precision', 'precision'], ['recall', 'recall'], ['F1', 'f1'], ['accuracy', 'accuracy']] as const) {
    L.push(`${padEnd(`  ${name}`, 32)}${pad(f4(j[key]), 14)}${pad(f4(b[key]), 14)}`);
  }
  L.push('Calibration by decile of predicted PD     joint | bank-only');
  L.push(`  ${pad('bin', 3)} ${pad('n', 6)} ${pad('pred', 6)} ${pad('obs', 6)} ${pad('mean pts', 9)} | ${pad('n', 6)} ${pad('pred', 6)} ${pad('obs', 6)} ${pad('mean pts', 9)}`);
  const bins = Math.max(j.calibration.length, b.calibration.length);
  for (let i = 0; i < bins; i++) {
    const x = j.calibration[i];
    const y = b.calibration[i];
    const part = (c: CalibrationBin | undefined) =>
      c === undefined ? `${pad('', 6)} ${pad('', 6)} ${pad('', 6)} ${pad('', 9)}` : `${pad(c.count, 6)} ${pad(pct(c.meanPredictedPd), 6)} ${pad(pct(c.observedDefaultRate), 6)} ${pad(meanPoints(c), 9)}`;
    L.push(`  ${pad(i + 1, 3)} ${part(x)} | ${part(y)}`);
  }
  const gradeWidth = 7;
  L.push(`Grades ${j.grades.map((g) => pad(g.grade, gradeWidth)).join('')}`);
  L.push(`  min  ${j.grades.map((g) => pad(g.minPoints, gradeWidth)).join('')}`);
  const gradeRows = (name: string, e: ModelEvaluation) => {
    L.push(`${padEnd(`  ${name} n`, 7)}${e.grades.map((g) => pad(g.count, gradeWidth)).join('')}`);
    L.push(`${padEnd('   obs', 7)}${e.grades.map((g) => pad(pct(g.observedDefaultRate), gradeWidth)).join('')}`);
  };
  gradeRows('J', j);
  gradeRows('B', b);
  const warn = (e: ModelEvaluation) => e.warnings.map((w) => `${w.level} ${w.count} (${pct(w.observedDefaultRate)})`).join(', ');
  L.push(`Warnings, count (observed default rate):`);
  L.push(`  joint:     ${warn(j)}`);
  L.push(`  bank-only: ${warn(b)}`);
  L.push(`Scale: ${describeScale(report.scale)}`);
  const line = (c: { slope: number; intercept: number }) => `z' = ${c.slope.toFixed(4)} z ${c.intercept >= 0 ? '+' : '-'} ${Math.abs(c.intercept).toFixed(4)}`;
  L.push(bm.method === 'plain-logreg'
    ? `Joint logit recalibrated on the validation split: ${line(report.calibration)}`
    : `Recalibrated on validation: joint ${line(report.calibration)}; bank-only ${line(bm.calibration)}`);
  L.push(`(—: group of fewer than ${j.minCellSize} enterprises, count only)`);
  return L.join('\n');
}
