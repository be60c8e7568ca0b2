/**
 * Shape checks of a stored evaluation report (evaluation/report.ts parseEvaluationReport): every
 * field present with the right type and range, no unknown field (per-sample data must never be
 * stored), counts that add up. Each check throws a TypeError naming the first bad field by its
 * path in the report (`report.joint.calibration[3].count ...`).
 */
import { GRADES, MAX_POINTS, MIN_POINTS } from '../scoring/score-scale.js';
import type { WarningLevel } from '../scoring/score-scale.js';
import type { ModelEvaluation } from './model-evaluation.js';
import { MAX_THRESHOLDS, type ScoreBins, type ScoreCurves } from './curves.js';
import { VERDICT_OUTCOMES } from './verdict.js';

export class Shape {
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

/** A finite number within the given bounds (or null when `nullable`). */
export function num(s: Shape, v: unknown, o: { int?: boolean; min?: number; max?: number; nullable?: boolean } = {}): number | null {
  if (v === null && o.nullable) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) s.fail(`must be a finite number${o.nullable ? ' or null' : ''}, got ${JSON.stringify(v)}`);
  if (o.int && !Number.isInteger(v)) s.fail(`must be an integer, got ${v}`);
  if (o.min !== undefined && v < o.min) s.fail(`must be >= ${o.min}, got ${v}`);
  if (o.max !== undefined && v > o.max) s.fail(`must be <= ${o.max}, got ${v}`);
  return v;
}

export function fields(s: Shape, v: unknown, spec: Record<string, (s: Shape, v: unknown) => unknown>): Record<string, unknown> {
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
export const oneOf =
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

export function checkEvaluation(s: Shape, v: unknown): ModelEvaluation {
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

const fpr = (s: Shape, v: unknown) => num(s, v, { min: 0, max: 1 });
const points = (s: Shape, v: unknown) => num(s, v, { min: MIN_POINTS, max: MAX_POINTS + 1 });
const curvesSpec = {
  thresholds: (s: Shape, v: unknown) => list(s, v, points, MAX_THRESHOLDS),
  roc: (s: Shape, v: unknown) =>
    list(s, v, (s2, v2) => {
      if (!Array.isArray(v2) || v2.length !== 2) s2.fail('must be a pair [false positive rate, true positive rate]');
      const pair = v2 as unknown[];
      return [fpr(s2.at(0), pair[0]), fpr(s2.at(1), pair[1])];
    }, MAX_THRESHOLDS + 2),
  ks: (s: Shape, v: unknown) => list(s, v, (s2, v2) => fields(s2, v2, { points, cumBad: rate, cumGood: rate }), MAX_THRESHOLDS),
  histogram: (s: Shape, v: unknown) =>
    fields(s, v, {
      binWidth: (s2, v2) => num(s2, v2, { int: true, min: 1, max: MAX_POINTS }),
      bins: (s2, v2) => list(s2, v2, (s3, v3) => fields(s3, v3, { from: (s4, v4) => num(s4, v4, { int: true, min: MIN_POINTS, max: MAX_POINTS }), defaulters: countOrNull, others: countOrNull }), MAX_POINTS + 1),
    }),
  lift: (s: Shape, v: unknown) =>
    list(s, v, (s2, v2) => fields(s2, v2, { decile: (s3, v3) => num(s3, v3, { int: true, min: 1, max: 10 }), count, defaults: count, cumCapture: rate, lift: (s3, v3) => num(s3, v3, { min: 0 }) }), 10),
};

/** A v3 evaluation: the fields of checkEvaluation plus its curves, every curve group at least minCellSize. */
export function checkEvaluationWithCurves(s: Shape, v: unknown): ModelEvaluation {
  const { curves, ...rest } = s.obj(v);
  const e = checkEvaluation(s, rest);
  if (curves === undefined) s.at('curves').fail('is missing');
  const c = fields(s.at('curves'), curves, curvesSpec) as unknown as ScoreCurves;
  const cs = s.at('curves');
  if (c.roc.length !== c.thresholds.length + 2) cs.at('roc').fail(`has ${c.roc.length} points for ${c.thresholds.length} thresholds (want thresholds + 2)`);
  if (c.ks.length !== c.thresholds.length) cs.at('ks').fail(`has ${c.ks.length} points for ${c.thresholds.length} thresholds`);
  for (let i = 1; i < c.thresholds.length; i++) if (!(c.thresholds[i]! > c.thresholds[i - 1]!)) cs.at('thresholds').fail('must ascend');
  if (c.lift.reduce((a, d) => a + d.count, 0) !== e.samples) cs.at('lift').fail(`counts do not add up to ${e.samples} samples`);
  for (const [i, d] of c.lift.entries()) if (d.count < e.minCellSize) cs.at('lift').at(i).fail(`covers ${d.count} samples, fewer than minCellSize ${e.minCellSize}`);
  for (const [i, b] of c.histogram.bins.entries()) {
    if ((b.defaulters === null) !== (b.others === null)) cs.at('histogram').at('bins').at(i).fail('must show both counts or neither');
    if (b.defaulters !== null && b.others !== null && b.defaulters + b.others < e.minCellSize) cs.at('histogram').at('bins').at(i).fail(`shows ${b.defaulters + b.others} samples, fewer than minCellSize ${e.minCellSize}`);
  }
  return { ...e, curves: c };
}

/** The joint model's score deciles (v3). */
export function checkScoreBins(s: Shape, v: unknown): ScoreBins {
  const b = fields(s, v, {
    edges: (s2, v2) => list(s2, v2, points, 9),
    shares: (s2, v2) => list(s2, v2, rate, 10),
    count,
  }) as unknown as ScoreBins;
  if (b.shares.length !== b.edges.length + 1) s.fail(`has ${b.shares.length} shares for ${b.edges.length} edges (want edges + 1)`);
  if (b.count > 0 && Math.abs(b.shares.reduce((a, x) => a + x, 0) - 1) > 1e-9) s.at('shares').fail('do not add up to 1');
  return b;
}

/** A stored report as a value: the object itself, or its JSON text parsed. */
export function readStoredJson(json: unknown): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json) as unknown;
  } catch (e) {
    throw new TypeError(`evaluation report: not JSON (${(e as Error).message})`);
  }
}

export const checkCalibration = (s: Shape, v: unknown) => fields(s, v, { slope: (s2, v2) => num(s2, v2, {}), intercept: (s2, v2) => num(s2, v2, {}) });
export const checkGain = (s: Shape, v: unknown) => fields(s, v, { auc: gain, ks: gain, f1: gain });
export const checkScaleFields = (s: Shape, v: unknown) => fields(s, v, scaleSpec);
export const checkCutoffPoints = (s: Shape, v: unknown) => num(s, v, { min: MIN_POINTS, max: MAX_POINTS + 1 });

const paramsSpec = {
  epochs: (s: Shape, v: unknown) => num(s, v, { int: true, min: 1 }),
  batchSize: (s: Shape, v: unknown) => num(s, v, { int: true, min: 1 }),
  learningRate: (s: Shape, v: unknown) => num(s, v, { min: 0 }),
  decay: (s: Shape, v: unknown) => num(s, v, { min: 0 }),
  l2: (s: Shape, v: unknown) => num(s, v, { min: 0 }),
  seed: (s: Shape, v: unknown) => num(s, v, { int: true }),
  patience: (s: Shape, v: unknown) => num(s, v, { int: true, min: 1 }),
  minDelta: (s: Shape, v: unknown) => num(s, v, {}),
};

/** The baseline of a v2 report: the joint LR's maths and parameters at the bank alone (evaluation/bank-only.ts). */
export const checkBankOnlyModel = (s: Shape, v: unknown) =>
  fields(s, v, {
    method: oneOf(['joint-lr-bank-alone'] as const),
    features: (s2, v2) => num(s2, v2, { int: true, min: 1 }),
    trainSamples: count,
    validationSamples: count,
    epochsRun: count,
    bestEpoch: count,
    params: (s2, v2) => fields(s2, v2, paramsSpec),
    sigmoid: oneOf(['taylor1'] as const),
    calibration: checkCalibration,
  });

/** The baseline of a v1 report (before issue 19): plain LR with its own schedule. */
export const checkLegacyBankOnlyModel = (s: Shape, v: unknown) =>
  fields(s, v, {
    method: oneOf(['plain-logreg'] as const),
    features: (s2, v2) => num(s2, v2, { int: true, min: 1 }),
    trainSamples: count,
    validationSamples: count,
    epochsRun: count,
    l2: (s2, v2) => num(s2, v2, { min: 0 }),
    learningRate: (s2, v2) => num(s2, v2, { min: 0 }),
    batchSize: count,
    seed: (s2, v2) => num(s2, v2, { int: true }),
    sigmoid: oneOf(['exact', 'taylor1'] as const),
  });

export const checkVerdict = (s: Shape, v: unknown) =>
  fields(s, v, {
    outcome: oneOf(VERDICT_OUTCOMES),
    aucGain: gain,
    noiseMargin: (s2, v2) => num(s2, v2, { min: 0, max: 1, nullable: true }),
  });
