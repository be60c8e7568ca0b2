/**
 * The evaluation report of a trained credit model (issue 4): how well the joint (federated)
 * model ranks and calibrates on the validation split, beside a bank-only model trained on the
 * bank's features alone, so the value of federation shows as a number.
 *
 * Who computes what. The bank computes the whole report: it holds the labels, and it may see
 * the joint model's scores on the validation split (DESIGN.md, threat-model table, as in FATE).
 * It trains the bank-only model locally, in the clear, on its own features. The coordinator
 * receives and stores only the report, which is aggregates: counts, rates, means, AUC/KS and
 * the integer point range of groups of at least `minCellSize` samples. No per-sample score,
 * probability or label is in it, and its size does not grow with the number of samples.
 *
 * Everything here is plain data (numbers, strings, arrays, null), so `JSON.stringify` of a
 * report is its stored form and `parseEvaluationReport` reads it back with a shape check.
 * See docs/evaluation.md for what each number means.
 */
import { auc as aucOf, ksStatistic } from './metrics.js';
import { fitStandardizer, predictLogit, sigmoid, standardizeRows, trainLogReg } from '../models/lr/plain-logreg.js';
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
import { FEATURE_CLIP, clip } from '../training/fixed-point.js';

export const EVALUATION_REPORT_FORMAT = 'fedcredit.evaluation-report/v1';

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
}

export interface BankOnlyOptions {
  readonly l2?: number;
  readonly epochs?: number;
  readonly learningRate?: number;
  /** 0 or absent: full batch. */
  readonly batchSize?: number;
  readonly seed?: number;
  /** 'exact' (default: the bank trains in the clear and needs no approximation) or 'taylor1'. */
  readonly sigmoid?: 'exact' | 'taylor1';
}

export interface EvaluationInput {
  /** Joint model's validation logits of default (what the bank sees) and the bank's labels. */
  readonly joint: { readonly logits: ArrayLike<number>; readonly labels: ArrayLike<number> };
  /** The bank's own features on the same training and validation split as the joint model. */
  readonly bankOnly: {
    readonly trainRows: readonly Float64Array[];
    readonly trainLabels: ArrayLike<number>;
    readonly validationRows: readonly Float64Array[];
    readonly validationLabels: ArrayLike<number>;
    readonly options?: BankOnlyOptions;
  };
  readonly scale?: ScoreScale;
  readonly cutoffPoints?: number;
  readonly minCellSize?: number;
  /** Fit and apply a Platt recalibration of the joint logits (default true). */
  readonly calibrate?: boolean;
}

export interface BankOnlyModelInfo {
  readonly method: 'plain-logreg';
  readonly features: number;
  readonly trainSamples: number;
  readonly validationSamples: number;
  readonly epochsRun: number;
  readonly l2: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly sigmoid: 'exact' | 'taylor1';
}

/**
 * Platt recalibration of the joint logit: calibrated z' = slope * z + intercept. The linear
 * sigmoid the protocol trains with ranks well but over-predicts default when defaults are rare;
 * the bank fits these two numbers on the joint validation scores it may see, and scoring
 * applies them to the joint logit before mapping it to points. Two scalars reveal no sample.
 */
export interface Calibration {
  readonly slope: number;
  readonly intercept: number;
}

export const IDENTITY_CALIBRATION: Calibration = { slope: 1, intercept: 0 };

export function applyCalibration(logit: number, c: Calibration | undefined): number {
  return c === undefined ? logit : c.slope * logit + c.intercept;
}

/**
 * Fits z' = a z + b by maximum likelihood (Newton's method on the 2-parameter logistic
 * regression of the labels on the logits, with a tiny ridge so separable data stays finite).
 */
export function fitCalibration(logits: ArrayLike<number>, labels: ArrayLike<number>): Calibration {
  const positives = checkScoresAndLabels('fitCalibration', logits, labels);
  const n = logits.length;
  const ridge = 1e-6 * n;
  // Penalized log-likelihood; log(1 + e^t) computed stably.
  const softplus = (t: number) => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));
  const objective = (a: number, b: number) => {
    let ll = -0.5 * ridge * (a - 1) ** 2;
    for (let i = 0; i < n; i++) {
      const t = a * logits[i]! + b;
      ll += labels[i]! * t - softplus(t);
    }
    return ll;
  };
  // Start from "no signal": the base rate; damped Newton (step halving) from there.
  let a = 0;
  let b = Math.log(positives / (n - positives));
  let current = objective(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = -ridge * (a - 1);
    let gb = 0;
    let haa = ridge;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < n; i++) {
      const z = logits[i]!;
      const p = 1 / (1 + Math.exp(-(a * z + b)));
      const r = labels[i]! - p;
      const w = p * (1 - p);
      ga += r * z;
      gb += r;
      haa += w * z * z;
      hab += w * z;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    let next = objective(a + da, b + db);
    while (!(next >= current) && step > 1e-6) {
      step /= 2;
      next = objective(a + step * da, b + step * db);
    }
    if (!(next >= current)) break;
    a += step * da;
    b += step * db;
    const gain = next - current;
    current = next;
    if (gain < 1e-12 * n) break;
  }
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError('fitCalibration: did not converge; the validation scores carry no usable signal');
  return { slope: a, intercept: b };
}

export interface EvaluationReport {
  readonly format: typeof EVALUATION_REPORT_FORMAT;
  /** The joint model's Platt recalibration, fitted on its validation scores; `joint` is evaluated after it. */
  readonly calibration: Calibration;
  readonly joint: ModelEvaluation;
  readonly bankOnly: ModelEvaluation;
  /** joint minus bank-only. */
  readonly gain: { readonly auc: number; readonly ks: number; readonly f1: number };
  readonly bankOnlyModel: BankOnlyModelInfo;
  readonly scale: ScoreScale;
  readonly cutoffPoints: number;
}

// ---------------------------------------------------------------------------------------------
// Input checks

function checkScoresAndLabels(fn: string, scores: ArrayLike<number>, labels: ArrayLike<number>): number {
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

function checkRows(fn: string, what: string, rows: readonly Float64Array[], labels: ArrayLike<number>, width?: number): number {
  if (!Array.isArray(rows)) throw new TypeError(`${fn}: ${what} rows must be an array of Float64Array`);
  if (rows.length !== labels.length) throw new RangeError(`${fn}: ${rows.length} ${what} rows but ${labels.length} ${what} labels`);
  if (rows.length === 0) throw new RangeError(`${fn}: no ${what} rows`);
  const w = width ?? rows[0]!.length;
  if (w === 0) throw new RangeError(`${fn}: ${what} rows have no features`);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.length !== w) throw new RangeError(`${fn}: ${what} row ${i} has ${row.length} features, expected ${w}`);
    for (let j = 0; j < w; j++) {
      if (!Number.isFinite(row[j]!)) throw new RangeError(`${fn}: ${what} row ${i} feature ${j} is ${row[j]}; features must be finite`);
    }
  }
  return w;
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

// ---------------------------------------------------------------------------------------------
// Joint beside bank-only

/**
 * Trains the bank-only baseline (plain logistic regression, locally at the bank, in the clear,
 * on the bank's own features standardized with training statistics and clipped like the joint
 * model's) and returns its logits on the validation rows.
 */
export function trainBankOnly(input: EvaluationInput['bankOnly']): { validationLogits: Float64Array; info: BankOnlyModelInfo } {
  const fn = 'buildEvaluationReport (bank-only)';
  const { trainRows, trainLabels, validationRows, validationLabels } = input;
  checkScoresAndLabels(`${fn} training labels`, new Float64Array(trainLabels.length), trainLabels);
  const width = checkRows(fn, 'training', trainRows, trainLabels);
  checkRows(fn, 'validation', validationRows, validationLabels, width);
  const o = input.options ?? {};
  const s = fitStandardizer(trainRows);
  const prep = (rows: readonly Float64Array[]) => standardizeRows(rows, s).map((r) => r.map((v) => clip(v, FEATURE_CLIP)));
  const l2 = o.l2 ?? 1e-3;
  const learningRate = o.learningRate ?? 0.5;
  const epochs = o.epochs ?? 300;
  const batchSize = o.batchSize ?? 0;
  const seed = o.seed ?? 1;
  const sig = o.sigmoid ?? 'exact';
  const model = trainLogReg(prep(trainRows), trainLabels, { l2, learningRate, epochs, batchSize, seed, sigmoid: sig });
  const v = prep(validationRows);
  const validationLogits = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) validationLogits[i] = predictLogit(model, v[i]!);
  if (!validationLogits.every(Number.isFinite)) {
    throw new RangeError(`${fn}: training diverged (non-finite validation logits); lower learningRate (${learningRate})`);
  }
  return {
    validationLogits,
    info: {
      method: 'plain-logreg',
      features: width,
      trainSamples: trainRows.length,
      validationSamples: validationRows.length,
      epochsRun: model.epochs,
      l2,
      learningRate,
      batchSize: batchSize > 0 ? Math.min(batchSize, trainRows.length) : trainRows.length,
      seed,
      sigmoid: sig,
    },
  };
}

/**
 * The joint model's evaluation beside a bank-only model's, on the same validation split.
 * The validation labels given with the joint scores and with the bank's rows must be the same
 * sequence (same enterprises, same order).
 */
export function buildEvaluationReport(input: EvaluationInput): EvaluationReport {
  const fn = 'buildEvaluationReport';
  if (input == null || input.joint == null || input.bankOnly == null) throw new TypeError(`${fn}: need { joint, bankOnly }`);
  const { logits, labels } = input.joint;
  checkScoresAndLabels(`${fn} (joint)`, logits, labels);
  const v = input.bankOnly.validationLabels;
  if (v == null || v.length !== labels.length) {
    throw new RangeError(`${fn}: joint scores cover ${labels.length} validation samples but the bank-only split has ${v?.length} validation labels; both must be the same validation split`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== v[i]) throw new RangeError(`${fn}: validation label ${i} differs between the joint scores and the bank-only split; both must be the same samples in the same order`);
  }
  const scale = input.scale ?? DEFAULT_SCORE_SCALE;
  const cutoffPoints = input.cutoffPoints ?? DEFAULT_CUTOFF_POINTS;
  const opts: EvaluateOptions = { scale, cutoffPoints, ...(input.minCellSize !== undefined ? { minCellSize: input.minCellSize } : {}) };
  const calibration = input.calibrate === false ? IDENTITY_CALIBRATION : fitCalibration(logits, labels);
  const calibrated = Float64Array.from(logits as ArrayLike<number>, (z) => applyCalibration(z, calibration));
  const joint = evaluateScores(calibrated, labels, opts);
  const bank = trainBankOnly(input.bankOnly);
  const bankOnly = evaluateScores(bank.validationLogits, v, opts);
  return {
    format: EVALUATION_REPORT_FORMAT,
    calibration,
    joint,
    bankOnly,
    gain: { auc: joint.auc - bankOnly.auc, ks: joint.ks - bankOnly.ks, f1: joint.f1 - bankOnly.f1 },
    bankOnlyModel: bank.info,
    scale: joint.scale,
    cutoffPoints,
  };
}

// ---------------------------------------------------------------------------------------------
// Text

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
  L.push(`  bank-only baseline: plain LR at the bank on its ${report.bankOnlyModel.features} own features, same split`);
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
  L.push(`Joint logit recalibrated on the validation split: z' = ${report.calibration.slope.toFixed(4)} z ${report.calibration.intercept >= 0 ? '+' : '-'} ${Math.abs(report.calibration.intercept).toFixed(4)}`);
  L.push(`(—: group of fewer than ${j.minCellSize} enterprises, count only)`);
  return L.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Stored form

class Shape {
  constructor(readonly path: string) {}
  fail(what: string): never {
    throw new TypeError(`evaluation report: ${this.path} ${what}`);
  }
  obj(v: unknown): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail('must be an object');
    return v as Record<string, unknown>;
  }
  at(key: string | number): Shape {
    return new Shape(typeof key === 'number' ? `${this.path}[${key}]` : `${this.path}.${key}`);
  }
}

function num(s: Shape, v: unknown, o: { int?: boolean; min?: number; max?: number; nullable?: boolean } = {}): number | null {
  if (v === null && o.nullable) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) s.fail(`must be a finite number${o.nullable ? ' or null' : ''}, got ${JSON.stringify(v)}`);
  if (o.int && !Number.isInteger(v)) s.fail(`must be an integer, got ${v}`);
  if (o.min !== undefined && v < o.min) s.fail(`must be >= ${o.min}, got ${v}`);
  if (o.max !== undefined && v > o.max) s.fail(`must be <= ${o.max}, got ${v}`);
  return v;
}

function fields(s: Shape, v: unknown, spec: Record<string, (s: Shape, v: unknown) => unknown>): Record<string, unknown> {
  const o = s.obj(v);
  for (const k of Object.keys(o)) if (!(k in spec)) s.at(k).fail('is not a field of the report (per-sample data must never be stored)');
  const out: Record<string, unknown> = {};
  for (const [k, check] of Object.entries(spec)) {
    if (!(k in o)) s.at(k).fail('is missing');
    out[k] = check(s.at(k), o[k]);
  }
  return out;
}

function list(s: Shape, v: unknown, item: (s: Shape, v: unknown) => unknown, maxLength: number): unknown[] {
  if (!Array.isArray(v)) s.fail('must be an array');
  if (v.length > maxLength) s.fail(`has ${v.length} entries, at most ${maxLength} allowed`);
  return v.map((x, i) => item(s.at(i), x));
}

const count = (s: Shape, v: unknown) => num(s, v, { int: true, min: 0 });
const rate = (s: Shape, v: unknown) => num(s, v, { min: 0, max: 1 });
const rateOrNull = (s: Shape, v: unknown) => num(s, v, { min: 0, max: 1, nullable: true });
const countOrNull = (s: Shape, v: unknown) => num(s, v, { int: true, min: 0, nullable: true });
const meanPointsOrNull = (s: Shape, v: unknown) => num(s, v, { min: MIN_POINTS, max: MAX_POINTS, nullable: true });
const gain = (s: Shape, v: unknown) => num(s, v, { min: -1, max: 1 });
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (s: Shape, v: unknown): T => {
    if (typeof v !== 'string' || !values.includes(v as T)) s.fail(`must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
    return v as T;
  };

const scaleSpec = {
  basePoints: (s: Shape, v: unknown) => num(s, v, { min: MIN_POINTS, max: MAX_POINTS }),
  baseOdds: (s: Shape, v: unknown) => num(s, v, { min: Number.MIN_VALUE }),
  pointsToDoubleOdds: (s: Shape, v: unknown) => num(s, v, { min: Number.MIN_VALUE }),
};

const groupSpec = { count, defaults: countOrNull, observedDefaultRate: rateOrNull };

const evaluationSpec = {
  samples: (s: Shape, v: unknown) => num(s, v, { int: true, min: 2 }),
  positives: count,
  negatives: count,
  defaultRate: rate,
  auc: rate,
  ks: rate,
  brier: rate,
  meanPredictedPd: rate,
  cutoff: (s: Shape, v: unknown) => fields(s, v, { points: (s2, v2) => num(s2, v2, { min: MIN_POINTS, max: MAX_POINTS + 1 }), probabilityOfDefault: rate }),
  confusion: (s: Shape, v: unknown) => fields(s, v, { truePositives: count, falsePositives: count, trueNegatives: count, falseNegatives: count }),
  precision: rate,
  recall: rate,
  f1: rate,
  accuracy: rate,
  calibration: (s: Shape, v: unknown) =>
    list(s, v, (s2, v2) => fields(s2, v2, { bin: (s3, v3) => num(s3, v3, { int: true, min: 1 }), count, meanPredictedPd: rate, observedDefaultRate: rateOrNull, meanPoints: meanPointsOrNull }), 1000),
  grades: (s: Shape, v: unknown) =>
    list(s, v, (s2, v2) => fields(s2, v2, { grade: oneOf(GRADES.map((g) => g.grade)), minPoints: (s3, v3) => num(s3, v3, { int: true, min: MIN_POINTS, max: MAX_POINTS }), ...groupSpec }), GRADES.length),
  warnings: (s: Shape, v: unknown) => list(s, v, (s2, v2) => fields(s2, v2, { level: oneOf<WarningLevel>(['red', 'yellow', 'blue', 'none']), ...groupSpec }), 4),
  scale: (s: Shape, v: unknown) => fields(s, v, scaleSpec),
  minCellSize: (s: Shape, v: unknown) => num(s, v, { int: true, min: 1 }),
};

function checkEvaluation(s: Shape, v: unknown): ModelEvaluation {
  const e = fields(s, v, evaluationSpec) as unknown as ModelEvaluation;
  if (e.positives + e.negatives !== e.samples) s.fail(`positives + negatives (${e.positives} + ${e.negatives}) != samples (${e.samples})`);
  const c = e.confusion;
  if (c.truePositives + c.falsePositives + c.trueNegatives + c.falseNegatives !== e.samples) s.at('confusion').fail(`does not add up to ${e.samples} samples`);
  if (c.truePositives + c.falseNegatives !== e.positives) s.at('confusion').fail(`TP + FN != ${e.positives} defaults`);
  const sum = (xs: readonly { count: number }[]) => xs.reduce((a, x) => a + x.count, 0);
  if (sum(e.calibration) !== e.samples) s.at('calibration').fail(`counts do not add up to ${e.samples} samples`);
  if (sum(e.grades) !== e.samples) s.at('grades').fail(`counts do not add up to ${e.samples} samples`);
  if (sum(e.warnings) !== e.samples) s.at('warnings').fail(`counts do not add up to ${e.samples} samples`);
  return e;
}

/**
 * Reads a stored report back (an object, or its JSON text) and checks its shape: every field
 * present with the right type and range, no unknown field, counts that add up. Throws a
 * TypeError naming the first bad field.
 */
export function parseEvaluationReport(json: unknown): EvaluationReport {
  let v = json;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch (e) {
      throw new TypeError(`evaluation report: not JSON (${(e as Error).message})`);
    }
  }
  const s = new Shape('report');
  const r = fields(s, v, {
    format: oneOf([EVALUATION_REPORT_FORMAT] as const),
    calibration: (s2, v2) => fields(s2, v2, { slope: (s3, v3) => num(s3, v3, {}), intercept: (s3, v3) => num(s3, v3, {}) }),
    joint: checkEvaluation,
    bankOnly: checkEvaluation,
    gain: (s2, v2) => fields(s2, v2, { auc: gain, ks: gain, f1: gain }),
    bankOnlyModel: (s2, v2) =>
      fields(s2, v2, {
        method: oneOf(['plain-logreg'] as const),
        features: (s3, v3) => num(s3, v3, { int: true, min: 1 }),
        trainSamples: count,
        validationSamples: count,
        epochsRun: count,
        l2: (s3, v3) => num(s3, v3, { min: 0 }),
        learningRate: (s3, v3) => num(s3, v3, { min: 0 }),
        batchSize: count,
        seed: (s3, v3) => num(s3, v3, { int: true }),
        sigmoid: oneOf(['exact', 'taylor1'] as const),
      }),
    scale: (s2, v2) => fields(s2, v2, scaleSpec),
    cutoffPoints: (s2, v2) => num(s2, v2, { min: MIN_POINTS, max: MAX_POINTS + 1 }),
  }) as unknown as EvaluationReport;
  if (r.joint.samples !== r.bankOnly.samples) s.fail(`joint and bank-only cover different validation splits (${r.joint.samples} vs ${r.bankOnly.samples} samples)`);
  return r;
}
