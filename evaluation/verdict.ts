/**
 * Whether federation paid on a job (issue 19): the joint model's validation AUC against the
 * bank-only baseline's (evaluation/bank-only.ts, the same maths and schedule on the bank's data
 * alone), said plainly in the report, in `fedcredit train`'s output and in `fedcredit model
 * show`, with the likely causes and what to try when it did not.
 *
 * The rule. gain = joint AUC - bank-only AUC on the validation split.
 * - 'joint-better' when gain > noiseMargin;
 * - 'within-noise' when 0 < gain <= noiseMargin: better on this split, but by less than a
 *   different draw of validation enterprises could give by chance;
 * - 'joint-not-better' when gain <= 0.
 * noiseMargin = 1.645 x the standard error of the paired AUC difference (DeLong, DeLong and
 * Clarke-Pearson 1988: both models score the same enterprises, so the difference varies much
 * less than either AUC does): a one-sided 95 % bound, since the question asked is one-sided
 * ("does the joint model beat the bank's own?"). It shrinks as the validation split grows, so a
 * large split needs only a small gain, and a split of a few hundred enterprises with a few dozen
 * defaults needs several AUC points. The standard error is an aggregate of the bank's own
 * validation scores (which only the bank sees): the report carries the number, no sample.
 */
export const VERDICT_OUTCOMES = ['joint-better', 'within-noise', 'joint-not-better'] as const;
export type VerdictOutcome = (typeof VERDICT_OUTCOMES)[number];

/** One-sided 95 % normal quantile: noiseMargin = VERDICT_Z x SE(joint AUC - bank-only AUC). */
export const VERDICT_Z = 1.645;

export interface FederationVerdict {
  readonly outcome: VerdictOutcome;
  /** joint AUC - bank-only AUC (the report's gain.auc). */
  readonly aucGain: number;
  /** VERDICT_Z x DeLong standard error of the paired difference; null for reports stored before it existed. */
  readonly noiseMargin: number | null;
}

/** The rule above (a null margin, for old reports, decides on the sign of the gain alone). */
export function verdictOutcome(aucGain: number, noiseMargin: number | null): VerdictOutcome {
  if (aucGain <= 0) return 'joint-not-better';
  return noiseMargin !== null && aucGain <= noiseMargin ? 'within-noise' : 'joint-better';
}

/** For each of `of` (scores of one class), the share of `against` scored below it, ties one half. */
function placements(of: readonly number[], against: readonly number[], higherWins: boolean): Float64Array {
  const sorted = Float64Array.from(against).sort();
  const bound = (v: number, strict: boolean) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (strict ? sorted[mid]! < v : sorted[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return Float64Array.from(of, (v) => {
    const below = bound(v, true);
    const ties = bound(v, false) - below;
    const wins = higherWins ? below : sorted.length - below - ties;
    return (wins + ties / 2) / sorted.length;
  });
}

function covariance(a: Float64Array, b: Float64Array): number {
  if (a.length < 2) return 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= a.length;
  mb /= a.length;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / (a.length - 1);
}

/**
 * DeLong's standard error of AUC(first) - AUC(second) for two models' scores of the same
 * samples (label 1 = default, scored higher by a good model). O(n log n).
 */
export function pairedAucDifferenceSe(first: ArrayLike<number>, second: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (first.length !== labels.length || second.length !== labels.length) {
    throw new RangeError(`pairedAucDifferenceSe: ${first.length} and ${second.length} scores for ${labels.length} labels; pass one score per label from each model`);
  }
  const split = (s: ArrayLike<number>) => {
    const pos: number[] = [];
    const neg: number[] = [];
    for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? pos : neg).push(s[i]!);
    return { pos, neg };
  };
  const a = split(first);
  const b = split(second);
  const m = a.pos.length;
  const n = a.neg.length;
  if (m === 0 || n === 0) throw new RangeError('pairedAucDifferenceSe: the validation split needs both classes');
  const a10 = placements(a.pos, a.neg, true);
  const b10 = placements(b.pos, b.neg, true);
  const a01 = placements(a.neg, a.pos, false);
  const b01 = placements(b.neg, b.pos, false);
  const v10 = covariance(a10, a10) + covariance(b10, b10) - 2 * covariance(a10, b10);
  const v01 = covariance(a01, a01) + covariance(b01, b01) - 2 * covariance(a01, b01);
  return Math.sqrt(Math.max(0, v10 / m + v01 / n));
}

/** The verdict of a report from its two validation score vectors (what the bank holds). */
export function decideVerdict(jointAuc: number, bankOnlyAuc: number, jointScores: ArrayLike<number>, bankOnlyScores: ArrayLike<number>, labels: ArrayLike<number>): FederationVerdict {
  const aucGain = jointAuc - bankOnlyAuc;
  const noiseMargin = VERDICT_Z * pairedAucDifferenceSe(jointScores, bankOnlyScores, labels);
  return { outcome: verdictOutcome(aucGain, noiseMargin), aucGain, noiseMargin };
}
