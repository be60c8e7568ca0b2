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
 *
 * The parts, one file each: one model's numbers (model-evaluation.ts, ranking metrics in
 * metrics.ts), the bank-only baseline (bank-only.ts), the Platt recalibration fit
 * (calibration.ts; scoring applies it: scoring/calibration.ts), the text block
 * (report-text.ts) and the stored form's checks (stored-form.ts).
 */
import type { Calibration } from '../scoring/calibration.js';
import { applyCalibration } from '../scoring/calibration.js';
import { DEFAULT_SCORE_SCALE, pointsFromLogit } from '../scoring/score-scale.js';
import { scoreBinsOf, type ScoreBins } from './curves.js';
import type { ScoreScale } from '../scoring/score-scale.js';
import { trainBankOnly } from './bank-only.js';
import type { BankOnlyModelInfo, BankOnlySplit, LegacyBankOnlyModelInfo } from './bank-only.js';
import { IDENTITY_CALIBRATION, fitCalibration } from './calibration.js';
import { DEFAULT_CUTOFF_POINTS, checkScoresAndLabels, evaluateScores } from './model-evaluation.js';
import type { EvaluateOptions, ModelEvaluation } from './model-evaluation.js';
import {
  Shape,
  checkBankOnlyModel,
  checkCalibration,
  checkLegacyBankOnlyModel,
  checkVerdict,
  checkCutoffPoints,
  checkEvaluation,
  checkGain,
  checkScaleFields,
  checkEvaluationWithCurves,
  checkScoreBins,
  fields,
  oneOf,
  readStoredJson,
} from './stored-form.js';
import { decideVerdict, verdictOutcome } from './verdict.js';
import { checkScorecardReport, type ScorecardReport } from '../models/scorecard/report-shape.js';
import type { FederationVerdict } from './verdict.js';

/**
 * v3 (issues 21 and 22): each evaluation carries its curves (ROC, KS, histogram, lift) and the
 * joint model its score deciles (`scoreBins`, the drift reference). v2 (issue 19): the bank-only
 * baseline is the joint LR's maths and schedule at the bank alone, and the report carries a
 * verdict. v1 and v2 reports stay readable: without curves or score bins (the console says
 * "retrain" and monitoring raises no drift alarm), and a v1 report gets a verdict decided on
 * the sign of the gain alone.
 */
export const EVALUATION_REPORT_FORMAT = 'fedcredit.evaluation-report/v3';
export const EVALUATION_REPORT_FORMAT_V2 = 'fedcredit.evaluation-report/v2';
export const EVALUATION_REPORT_FORMAT_V1 = 'fedcredit.evaluation-report/v1';

export interface EvaluationInput {
  /** Joint model's validation logits of default (what the bank sees) and the bank's labels. */
  readonly joint: { readonly logits: ArrayLike<number>; readonly labels: ArrayLike<number> };
  /** The bank's own features on the same training and validation split as the joint model. */
  readonly bankOnly: BankOnlySplit;
  readonly scale?: ScoreScale;
  readonly cutoffPoints?: number;
  readonly minCellSize?: number;
  /** Fit and apply a Platt recalibration of the joint logits, and of the bank-only ones (default true). */
  readonly calibrate?: boolean;
  /** A scorecard job's per-characteristic section (models/scorecard/report.ts), written by the bank. */
  readonly scorecard?: ScorecardReport;
}

export interface EvaluationReport {
  readonly format: typeof EVALUATION_REPORT_FORMAT | typeof EVALUATION_REPORT_FORMAT_V2 | typeof EVALUATION_REPORT_FORMAT_V1;
  /** The joint model's Platt recalibration, fitted on its validation scores; `joint` is evaluated after it. */
  readonly calibration: Calibration;
  readonly joint: ModelEvaluation;
  readonly bankOnly: ModelEvaluation;
  /** joint minus bank-only. */
  readonly gain: { readonly auc: number; readonly ks: number; readonly f1: number };
  /** Whether the joint model beats the bank-only one on validation AUC (evaluation/verdict.ts). */
  readonly verdict: FederationVerdict;
  /** How the baseline was trained; the legacy shape only in v1 reports. */
  readonly bankOnlyModel: BankOnlyModelInfo | LegacyBankOnlyModelInfo;
  readonly scale: ScoreScale;
  readonly cutoffPoints: number;
  /**
   * A scorecard model's characteristics as the bank may show them (models/scorecard/report.ts);
   * then `bankOnly` is the bank's own scorecard (same bins, WOE and selection) unless
   * `scorecard.bankOnly` says otherwise.
   */
  readonly scorecard?: ScorecardReport;
  /** The joint model's score deciles on the validation split (v3 on): what monitoring's PSI compares with. */
  readonly scoreBins?: ScoreBins;
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
  // The same Platt recalibration as the joint model's: the baseline trains with the same linear
  // sigmoid, whose logits over-predict rare defaults, and would otherwise be judged at the
  // cutoff on uncalibrated scores (issue 19: the same treatment on both sides).
  const bankCalibration = input.calibrate === false ? IDENTITY_CALIBRATION : fitCalibration(bank.validationLogits, v);
  const bankScores = Float64Array.from(bank.validationLogits, (z) => applyCalibration(z, bankCalibration));
  const bankOnly = evaluateScores(bankScores, v, opts);
  return {
    format: EVALUATION_REPORT_FORMAT,
    calibration,
    joint,
    bankOnly,
    gain: { auc: joint.auc - bankOnly.auc, ks: joint.ks - bankOnly.ks, f1: joint.f1 - bankOnly.f1 },
    verdict: decideVerdict(joint.auc, bankOnly.auc, calibrated, bankScores, labels),
    bankOnlyModel: { ...bank.info, calibration: bankCalibration },
    scale: joint.scale,
    cutoffPoints,
    ...(input.scorecard ? { scorecard: input.scorecard } : {}),
    scoreBins: scoreBinsOf(Float64Array.from(calibrated, (z) => pointsFromLogit(z, scale)), joint.minCellSize),
  };
}

/**
 * Reads a stored report back (an object, or its JSON text) and checks its shape: every field
 * present with the right type and range, no unknown field, counts that add up. Throws a
 * TypeError naming the first bad field.
 */
export function parseEvaluationReport(json: unknown): EvaluationReport {
  const v = readStoredJson(json);
  const s = new Shape('report');
  const format = oneOf([EVALUATION_REPORT_FORMAT, EVALUATION_REPORT_FORMAT_V2, EVALUATION_REPORT_FORMAT_V1] as const)(s.at('format'), s.obj(v)['format']);
  const v3 = format === EVALUATION_REPORT_FORMAT;
  const evaluation = v3 ? checkEvaluationWithCurves : checkEvaluation;
  const head = { format: oneOf([format] as const), calibration: checkCalibration, joint: evaluation, bankOnly: evaluation, gain: checkGain };
  const tail = { scale: checkScaleFields, cutoffPoints: checkCutoffPoints };
  const scorecard: Record<string, (s: Shape, v: unknown) => unknown> = 'scorecard' in s.obj(v) ? { scorecard: checkScorecardReport } : {};
  // In the order buildEvaluationReport writes them, so a stored report reads back to the same JSON.
  const r = (format === EVALUATION_REPORT_FORMAT_V1
    ? fields(s, v, { ...head, bankOnlyModel: checkLegacyBankOnlyModel, ...tail })
    : fields(s, v, { ...head, verdict: checkVerdict, bankOnlyModel: checkBankOnlyModel, ...tail, ...scorecard, ...(v3 ? { scoreBins: checkScoreBins } : {}) })) as unknown as Omit<EvaluationReport, 'verdict'> & { verdict?: FederationVerdict };
  if (r.joint.samples !== r.bankOnly.samples) s.fail(`joint and bank-only cover different validation splits (${r.joint.samples} vs ${r.bankOnly.samples} samples)`);
  if (Math.abs(r.gain.auc - (r.joint.auc - r.bankOnly.auc)) > 1e-9) s.at('gain').at('auc').fail(`is ${r.gain.auc}, but joint minus bank-only AUC is ${r.joint.auc - r.bankOnly.auc}`);
  if (r.verdict === undefined) {
    // A v1 report: no noise margin was computed; decide on the sign of the gain.
    return { ...r, verdict: { outcome: verdictOutcome(r.gain.auc, null), aucGain: r.gain.auc, noiseMargin: null } };
  }
  const vd = r.verdict;
  if (vd.aucGain !== r.gain.auc) s.at('verdict').at('aucGain').fail(`is ${vd.aucGain}, but the report's gain.auc is ${r.gain.auc}`);
  if (vd.outcome !== verdictOutcome(vd.aucGain, vd.noiseMargin)) s.at('verdict').at('outcome').fail(`is ${vd.outcome}, but a gain of ${vd.aucGain} with a noise margin of ${vd.noiseMargin} is ${verdictOutcome(vd.aucGain, vd.noiseMargin)}`);
  return r as EvaluationReport;
}
