/**
 * One model's evaluation on the validation split (issue 4): ranking (AUC, KS), Brier score, the
 * confusion matrix at a points cutoff, calibration by quantile bins, and counts by grade and
 * warning level. Groups smaller than `minCellSize` show their count only, so no cell describes
 * one or a handful of enterprises. The report that sets the joint model beside the bank-only
 * one is evaluation/report.ts; what each number means is in docs/evaluation.md.
 */
import { scoreCurves, type ScoreCurves } from './curves.js';
import { auc as aucOf, ksStatistic } from './metrics.js';
import { sigmoid } from '../models/lr/plain-logreg.js';
import {
  DEFAULT_SCORE_SCALE,
  GRADES,
  MAX_POINTS,
  MIN_POINTS,
  WARNING_THRESHOLDS,
  checkScale,
  gradeOf,
  pointsFromLogit,
  warningOf,
} from '../scoring/score-scale.js';
import type { ScoreScale, WarningLevel } from '../scoring/score-scale.js';

/**
 * Default cutoff: an enterprise is predicted to default when its points are below 440, i.e.
 * when it gets a red warning. The confusion matrix then measures the action the bank takes
 * (red = act now). A probability-of-default 0.5 cutoff (384 points on the default scale)
 * would maximise accuracy only if both errors cost the same; with default rates of a few per
 * cent it predicts almost nobody as a defaulter and says little about the model.
 */
export const DEFAULT_CUTOFF_POINTS = WARNING_THRESHOLDS.find((w) => w.level === 'red')!.belowPoints;

/**
 * Groups (calibration bins, grades, warning levels) with fewer samples than this show their
 * count only: observed default rate, defaults and point range are withheld (null), so no cell
 * describes one or a handful of enterprises.
 */
export const DEFAULT_MIN_CELL_SIZE = 10;

/** Calibration bins: deciles of predicted probability of default. */
export const DEFAULT_CALIBRATION_BINS = 10;

export interface EvaluateOptions {
  readonly scale?: ScoreScale;
  /** Predicted "default" when points < cutoffPoints; default DEFAULT_CUTOFF_POINTS (440, red). */
  readonly cutoffPoints?: number;
  /** Withhold rates and ranges of groups smaller than this; default 10. */
  readonly minCellSize?: number;
  /** Number of calibration bins at most; default 10 (deciles). */
  readonly calibrationBins?: number;
}

export interface ConfusionMatrix {
  /** Defaulters predicted to default (points below the cutoff). */
  readonly truePositives: number;
  /** Non-defaulters predicted to default. */
  readonly falsePositives: number;
  readonly trueNegatives: number;
  /** Defaulters the cutoff missed. */
  readonly falseNegatives: number;
}

export interface CalibrationBin {
  /** 1 = lowest predicted probability of default (best enterprises). */
  readonly bin: number;
  readonly count: number;
  /** Mean sigmoid(z) over the bin. */
  readonly meanPredictedPd: number;
  /** Share of the bin that defaulted; null when count < minCellSize. */
  readonly observedDefaultRate: number | null;
  /**
   * Mean (rounded, clamped) points over the bin, to one decimal; null when count < minCellSize.
   * A mean, not the lowest and highest: those are single enterprises' joint scores, which only
   * the bank may see, and the report goes to the coordinator.
   */
  readonly meanPoints: number | null;
}

export interface GroupCell {
  readonly count: number;
  /** null when count < minCellSize (also when count is 0). */
  readonly defaults: number | null;
  readonly observedDefaultRate: number | null;
}

export interface GradeCell extends GroupCell {
  readonly grade: string;
  readonly minPoints: number;
}

export interface WarningCell extends GroupCell {
  readonly level: WarningLevel;
}

export interface ModelEvaluation {
  readonly samples: number;
  /** Defaults (label 1). */
  readonly positives: number;
  readonly negatives: number;
  readonly defaultRate: number;
  /** Area under the ROC curve of the logit of default (ties count one half). */
  readonly auc: number;
  /** Kolmogorov-Smirnov: largest gap between the score CDFs of defaulters and non-defaulters. */
  readonly ks: number;
  /** Mean squared error of the predicted probability of default against the 0/1 label. */
  readonly brier: number;
  /** Mean predicted probability of default (compare with defaultRate). */
  readonly meanPredictedPd: number;
  readonly cutoff: { readonly points: number; readonly probabilityOfDefault: number };
  readonly confusion: ConfusionMatrix;
  /** TP / (TP + FP); 0 when nothing is predicted to default. */
  readonly precision: number;
  /** TP / (TP + FN): the share of defaulters caught. */
  readonly recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  readonly f1: number;
  readonly accuracy: number;
  readonly calibration: readonly CalibrationBin[];
  /** Every grade of scoring/score-scale.ts GRADES, best first, including empty ones. */
  readonly grades: readonly GradeCell[];
  /** red, yellow, blue, none. */
  readonly warnings: readonly WarningCell[];
  readonly scale: ScoreScale;
  readonly minCellSize: number;
  /** ROC, KS, histogram and lift over points (evaluation/curves.ts); reports from format v3 on. */
  readonly curves?: ScoreCurves;
}

// ---------------------------------------------------------------------------------------------
// Input checks

/**
 * Checks one label (0 or 1) per finite score and both classes present; returns the number of
 * defaults. The evaluation, the calibration fit and the report all start with it.
 */
export function checkScoresAndLabels(fn: string, scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (scores == null || labels == null || typeof scores.length !== 'number' || typeof labels.length !== 'number') {
    throw new TypeError(`${fn}: scores and labels must be arrays of numbers`);
  }
  if (scores.length !== labels.length) {
    throw new RangeError(`${fn}: ${scores.length} scores but ${labels.length} labels; pass one label per score`);
  }
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new RangeError(`${fn}: label ${i} is ${String(y)}; labels must be 0 (repaid) or 1 (defaulted)`);
    const s = scores[i];
    if (typeof s !== 'number' || !Number.isFinite(s)) throw new RangeError(`${fn}: score ${i} is ${String(s)}; scores must be finite logits`);
    positives += y;
  }
  if (positives === 0 || positives === labels.length) {
    throw new RangeError(`${fn}: needs both classes, got ${positives} defaults and ${labels.length - positives} non-defaults among ${labels.length} samples`);
  }
  return positives;
}

function checkCutoff(fn: string, cutoff: number): void {
  if (!Number.isFinite(cutoff) || cutoff < MIN_POINTS || cutoff > MAX_POINTS + 1) {
    throw new RangeError(`${fn}: cutoffPoints must be a number in ${MIN_POINTS}..${MAX_POINTS + 1}, got ${cutoff}`);
  }
}

function checkPositiveInt(fn: string, what: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${fn}: ${what} must be a positive integer, got ${v}`);
}

// ---------------------------------------------------------------------------------------------
// One model

/** Probability of default at the boundary of `points` (the PD where raw points equal it). */
function pdAtPoints(points: number, scale: ScoreScale): number {
  // points = base - pdo/ln2 * (z + ln odds)  =>  z = (base - points) * ln2 / pdo - ln odds
  const z = ((scale.basePoints - points) * Math.LN2) / scale.pointsToDoubleOdds - Math.log(scale.baseOdds);
  return sigmoid(z);
}

function cell(count: number, defaults: number, minCell: number): GroupCell {
  return count >= minCell && count > 0
    ? { count, defaults, observedDefaultRate: defaults / count }
    : { count, defaults: null, observedDefaultRate: null };
}

/**
 * Evaluates logits of default against 0/1 default labels. Points are the rounded, clamped
 * points a requester would see; an enterprise is predicted to default when points < cutoff.
 */
export function evaluateScores(logits: ArrayLike<number>, labels: ArrayLike<number>, opts: EvaluateOptions = {}): ModelEvaluation {
  const fn = 'evaluateScores';
  const positives = checkScoresAndLabels(fn, logits, labels);
  const scale = opts.scale ?? DEFAULT_SCORE_SCALE;
  checkScale(scale);
  const cutoffPoints = opts.cutoffPoints ?? DEFAULT_CUTOFF_POINTS;
  checkCutoff(fn, cutoffPoints);
  const minCellSize = opts.minCellSize ?? DEFAULT_MIN_CELL_SIZE;
  checkPositiveInt(fn, 'minCellSize', minCellSize);
  const maxBins = opts.calibrationBins ?? DEFAULT_CALIBRATION_BINS;
  checkPositiveInt(fn, 'calibrationBins', maxBins);

  const n = logits.length;
  const pd = new Float64Array(n);
  const points = new Int32Array(n);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fnCount = 0;
  let brier = 0;
  let pdSum = 0;
  const gradeCount = new Map<string, [number, number]>(GRADES.map((g) => [g.grade, [0, 0]]));
  const levels: WarningLevel[] = ['red', 'yellow', 'blue', 'none'];
  const warningCount = new Map<WarningLevel, [number, number]>(levels.map((l) => [l, [0, 0]]));
  // Visit samples in (logit, label) order so every sum is independent of the input order.
  const idx = sortedOrder(logits, labels);
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    const z = logits[i]!;
    const y = labels[i]!;
    pd[i] = sigmoid(z);
    pdSum += pd[i]!;
    brier += (pd[i]! - y) ** 2;
    const p = pointsFromLogit(z, scale);
    points[i] = p;
    const predictedDefault = p < cutoffPoints;
    if (predictedDefault) {
      if (y === 1) tp++;
      else fp++;
    } else if (y === 1) fnCount++;
    else tn++;
    const g = gradeCount.get(gradeOf(p))!;
    g[0]++;
    g[1] += y;
    const w = warningCount.get(warningOf(p))!;
    w[0]++;
    w[1] += y;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp / positives;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;

  return {
    samples: n,
    positives,
    negatives: n - positives,
    defaultRate: positives / n,
    auc: aucOf(logits, labels),
    ks: ksStatistic(logits, labels),
    brier: brier / n,
    meanPredictedPd: pdSum / n,
    cutoff: { points: cutoffPoints, probabilityOfDefault: pdAtPoints(cutoffPoints - 0.5, scale) },
    confusion: { truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fnCount },
    precision,
    recall,
    f1,
    accuracy: (tp + tn) / n,
    calibration: calibrate(idx, logits, labels, pd, points, maxBins, minCellSize),
    grades: GRADES.map((g) => {
      const [count, defaults] = gradeCount.get(g.grade)!;
      return { grade: g.grade, minPoints: g.minPoints, ...cell(count, defaults, minCellSize) };
    }),
    warnings: levels.map((level) => {
      const [count, defaults] = warningCount.get(level)!;
      return { level, ...cell(count, defaults, minCellSize) };
    }),
    scale: { basePoints: scale.basePoints, baseOdds: scale.baseOdds, pointsToDoubleOdds: scale.pointsToDoubleOdds },
    minCellSize,
    curves: scoreCurves(points, labels, minCellSize),
  };
}

/** Indexes by ascending logit, ties by label: a canonical order of the multiset of samples. */
function sortedOrder(logits: ArrayLike<number>, labels: ArrayLike<number>): Uint32Array {
  const idx = new Uint32Array(logits.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => logits[a]! - logits[b]! || labels[a]! - labels[b]!);
}

/**
 * Calibration by quantile bins of predicted PD (ascending). Bins = min(maxBins, floor(n /
 * minCellSize)), at least 1. Sample k of the sorted order goes to bin floor(k * bins / n),
 * except that tied logits are never split: a tie group goes where its first member falls, so
 * the table does not depend on input order. Bins left empty by ties are dropped.
 */
function calibrate(
  idx: Uint32Array,
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  pd: Float64Array,
  points: Int32Array,
  maxBins: number,
  minCellSize: number,
): CalibrationBin[] {
  const n = logits.length;
  const bins = Math.max(1, Math.min(maxBins, Math.floor(n / minCellSize)));
  const acc = Array.from({ length: bins }, () => ({ count: 0, defaults: 0, pdSum: 0, pointsSum: 0 }));
  for (let k = 0; k < n; ) {
    let end = k + 1;
    while (end < n && logits[idx[end]!] === logits[idx[k]!]) end++;
    const a = acc[Math.floor((k * bins) / n)]!;
    for (let m = k; m < end; m++) {
      const i = idx[m]!;
      a.count++;
      a.defaults += labels[i]!;
      a.pdSum += pd[i]!;
      a.pointsSum += points[i]!;
    }
    k = end;
  }
  const out: CalibrationBin[] = [];
  for (const a of acc) {
    if (a.count === 0) continue;
    const shown = a.count >= minCellSize;
    out.push({
      bin: out.length + 1,
      count: a.count,
      meanPredictedPd: a.pdSum / a.count,
      observedDefaultRate: shown ? a.defaults / a.count : null,
      meanPoints: shown ? Math.round((10 * a.pointsSum) / a.count) / 10 : null,
    });
  }
  return out;
}
