/**
 * A scorecard site's stored part and its scoring contribution (issue 15).
 *
 * The joint model is LR on WOE-coded characteristics: for characteristic j of a site with weight
 * w_j and bin b, the term of the logit of default is t_jb = w_j * coded_jb (the bin's standardized
 * WOE, woe.ts; a value no training row showed: w_j * neutral_j, the code of WOE 0), and the bank
 * adds its intercept. On the 0-1000 scale of scoring/score-scale.ts
 * (points = basePoints - PDO/ln2 * (z + ln baseOdds), z the joint logit) the points of a bin are
 *   points_jb = -PDO/ln2 * t_jb
 * and the bank's part also holds the constant basePoints - PDO/ln2 * (intercept + ln baseOdds),
 * so an enterprise's score is the constant plus the points of its bins at every site, exactly
 * what scoring computes from the summed logit terms (before rounding and clamping to 0..1000).
 * Each site keeps its own bins, WOE and points: nothing of them leaves the site.
 */
import { FedcreditError } from '../../lib/errors.js';
import { DEFAULT_SCORE_SCALE, type ScoreScale } from '../../scoring/score-scale.js';
import type { ScoringPart, SiteInput } from '../../training/model-kind.js';
import { NEUTRAL, binOf, type Characteristic } from './binning.js';
import type { Selection, WoeTable } from './woe.js';

/** A chosen characteristic as stored: its bins and, per bin, WOE, logit term and points. */
export type StoredCharacteristic = Characteristic & {
  readonly events: readonly number[];
  readonly woe: readonly number[];
  readonly iv: number;
  readonly weight: number;
  readonly coded: readonly number[];
  readonly terms: readonly number[];
  readonly points: readonly number[];
  /** Term and points of a value no training row showed (WOE 0). */
  readonly neutralTerm: number;
  readonly neutralPoints: number;
};

/** The scorecard's fields of a stored part. */
export interface ScorecardPart {
  readonly scale: ScoreScale;
  readonly characteristics: readonly StoredCharacteristic[];
  /** Characteristics not in the model, and why (IV too low, no two bins of the minimum size). */
  readonly dropped: readonly { readonly name: string; readonly iv?: number; readonly reason: string }[];
  /** Size of every bin this site released (passive) or binned (bank), in order: each at least the minimum. */
  readonly released: readonly number[];
  /** The bank's intercept and its constant points; absent at passive sites. */
  readonly intercept?: number;
  readonly constantPoints?: number;
  /** Mean term over this site's training population: its answer when it has no record. */
  readonly baseline: number;
}

export function pointsPerLogit(scale: ScoreScale): number {
  return scale.pointsToDoubleOdds / Math.LN2;
}

export function scorecardPart(a: {
  input: SiteInput; binned: readonly Characteristic[]; released?: readonly number[]; unbinnable: readonly { name: string; reason: string }[]; tables: readonly WoeTable[]; selection: Selection;
  trainBins: readonly Int32Array[]; weights: readonly number[]; intercept: number | undefined;
}): ScorecardPart & { readonly [k: string]: unknown } {
  const scale = DEFAULT_SCORE_SCALE;
  const factor = pointsPerLogit(scale);
  if (a.weights.length !== a.selection.chosen.length) throw new FedcreditError('INTERNAL', `scorecard: ${a.weights.length} weights for ${a.selection.chosen.length} characteristics`);
  const characteristics = a.selection.chosen.map((j, k): StoredCharacteristic => {
    const t = a.tables[j]!;
    const weight = a.weights[k]!;
    const terms = t.coded.map((x) => weight * x);
    const neutralTerm = weight * t.neutral;
    return {
      ...a.binned[j]!, events: t.events, woe: t.woe, iv: t.iv, weight, coded: t.coded, terms, points: terms.map((x) => -factor * x),
      neutralTerm, neutralPoints: -factor * neutralTerm,
    };
  });
  let sum = 0;
  const n = a.input.raw.train.length;
  for (let i = 0; i < n; i++) {
    let u = a.intercept ?? 0;
    a.selection.chosen.forEach((j, k) => {
      const b = a.trainBins[j]![i]!;
      u += b === NEUTRAL ? characteristics[k]!.neutralTerm : characteristics[k]!.terms[b]!;
    });
    sum += u;
  }
  return {
    scale, characteristics, released: a.released ?? a.binned.flatMap((c) => c.counts),
    dropped: [
      ...a.selection.dropped.map((d) => ({ name: a.binned[d.index]!.name, iv: a.tables[d.index]!.iv, reason: d.reason })),
      ...a.unbinnable,
    ],
    ...(a.intercept !== undefined ? { intercept: a.intercept, constantPoints: scale.basePoints - factor * (a.intercept + Math.log(scale.baseOdds)) } : {}),
    baseline: sum / n,
  };
}

/**
 * This site's term of the joint logit for a stored feature vector (catalogue order), and each
 * feature's share of it: a characteristic's term sits on its column (a categorical one's on the
 * enterprise's level), so the explanation names the characteristic that cost it most.
 */
export function scorecardContribution(part: ScoringPart & ScorecardPart, vector: Float64Array): { value: number; contributions: Float64Array } {
  const row = Float64Array.from(part.featureIndexes, (i) => {
    const v = vector[i];
    if (v === undefined) throw new FedcreditError('INTERNAL', `model ${part.modelVersion} at ${part.site}: the stored vector has no feature ${i}`);
    return v;
  });
  const contributions = new Float64Array(part.features.length);
  let value = part.intercept ?? 0;
  for (const c of part.characteristics) {
    const b = binOf(c, row);
    const term = b === NEUTRAL ? c.neutralTerm : c.terms[b]!;
    let at = c.columns[0]!;
    if (c.type === 'categorical') at = c.columns.find((col) => row[col] === 1) ?? at;
    contributions[at] = contributions[at]! + term;
    value += term;
  }
  return { value, contributions };
}
