/**
 * The credit score scale every role shares: the coordinator turns a joint logit into points
 * for a requester, the training report scores the validation split on it, and `fedcredit model
 * show` prints it. One definition, so a score means the same thing everywhere.
 *
 * The model's logit z is the log-odds of default (bad : good). Points rise with
 * creditworthiness:
 *
 *   points = BASE_POINTS + PDO / ln 2 * (ln(odds good:bad) - ln(BASE_ODDS))
 *          = BASE_POINTS - PDO / ln 2 * (z + ln(BASE_ODDS))
 *
 * so BASE_POINTS points mean odds of BASE_ODDS good to 1 bad, and every PDO more points double
 * the odds of being good. Points are rounded and clamped to 0..1000. With the defaults
 * (600 points at 20:1, 50 points to double the odds) 1000 points are odds of 5120:1, a default
 * probability of 0.02 % (1 in 5,121), and 0 points odds of 1:205, 99.5 %; logits beyond either
 * end are clamped there. docs/evaluation.md tabulates the grades and warning levels with the
 * default probability at each boundary.
 */
export interface ScoreScale {
  /** Points at the base odds. */
  readonly basePoints: number;
  /** Odds good:bad that score `basePoints`. */
  readonly baseOdds: number;
  /** Points to double the odds (good:bad). */
  readonly pointsToDoubleOdds: number;
}

export const DEFAULT_SCORE_SCALE: ScoreScale = { basePoints: 600, baseOdds: 20, pointsToDoubleOdds: 50 };

export const MIN_POINTS = 0;
export const MAX_POINTS = 1000;

/**
 * Grades from best to worst, each with the lowest points it takes. Boundaries every 60 points
 * (odds x2.3) from CC up; on the default scale the probability of default at each grade's
 * lower boundary is AAA 0.31 %, AA 0.71 %, A 1.6 %, BBB 3.7 %, BB 8.0 %, B 16.7 %, CCC 31.5 %,
 * CC 51.4 % (PD 0.5 is 384 points, inside CC).
 */
export const GRADES: readonly { readonly grade: string; readonly minPoints: number }[] = [
  { grade: 'AAA', minPoints: 800 },
  { grade: 'AA', minPoints: 740 },
  { grade: 'A', minPoints: 680 },
  { grade: 'BBB', minPoints: 620 },
  { grade: 'BB', minPoints: 560 },
  { grade: 'B', minPoints: 500 },
  { grade: 'CCC', minPoints: 440 },
  { grade: 'CC', minPoints: 380 },
  { grade: 'C', minPoints: 0 },
];

/**
 * Warning levels by points, as Chinese banks' early-warning systems colour them:
 * red (act now), yellow (watch closely), blue (mild concern), none. On the default scale: red
 * below 440 (PD above 31.5 %, the CCC/CC boundary), yellow 440-519 (PD 13.2-31.5 %), blue
 * 520-579 (PD 6.2-13.2 %, at least 1.3 times the base rate of 4.76 % at 600 points). The
 * evaluation report's default cutoff is the red boundary (evaluation/report.ts).
 */
export type WarningLevel = 'red' | 'yellow' | 'blue' | 'none';
export const WARNING_THRESHOLDS: readonly { readonly level: Exclude<WarningLevel, 'none'>; readonly belowPoints: number }[] = [
  { level: 'red', belowPoints: 440 },
  { level: 'yellow', belowPoints: 520 },
  { level: 'blue', belowPoints: 580 },
];

export interface ScoredLogit {
  readonly points: number;
  readonly grade: string;
  readonly warning: WarningLevel;
  /** Probability of default, sigmoid(z). */
  readonly probabilityOfDefault: number;
}

export function checkScale(scale: ScoreScale): void {
  if (!(scale.baseOdds > 0) || !Number.isFinite(scale.baseOdds)) throw new RangeError(`score scale: baseOdds must be a positive number, got ${scale.baseOdds}`);
  if (!(scale.pointsToDoubleOdds > 0) || !Number.isFinite(scale.pointsToDoubleOdds)) throw new RangeError(`score scale: pointsToDoubleOdds must be positive, got ${scale.pointsToDoubleOdds}`);
  if (!Number.isFinite(scale.basePoints) || scale.basePoints < MIN_POINTS || scale.basePoints > MAX_POINTS) throw new RangeError(`score scale: basePoints must be in ${MIN_POINTS}..${MAX_POINTS}, got ${scale.basePoints}`);
}

/** Points (unrounded, unclamped) of a logit of default. */
export function rawPoints(logitOfDefault: number, scale: ScoreScale = DEFAULT_SCORE_SCALE): number {
  return scale.basePoints - (scale.pointsToDoubleOdds / Math.LN2) * (logitOfDefault + Math.log(scale.baseOdds));
}

export function pointsFromLogit(logitOfDefault: number, scale: ScoreScale = DEFAULT_SCORE_SCALE): number {
  if (!Number.isFinite(logitOfDefault)) throw new RangeError(`score scale: logit ${logitOfDefault} is not finite`);
  return Math.min(MAX_POINTS, Math.max(MIN_POINTS, Math.round(rawPoints(logitOfDefault, scale))));
}

export function gradeOf(points: number): string {
  return GRADES.find((g) => points >= g.minPoints)!.grade;
}

export function warningOf(points: number): WarningLevel {
  return WARNING_THRESHOLDS.find((w) => points < w.belowPoints)?.level ?? 'none';
}

export function scoreLogit(logitOfDefault: number, scale: ScoreScale = DEFAULT_SCORE_SCALE): ScoredLogit {
  const points = pointsFromLogit(logitOfDefault, scale);
  return { points, grade: gradeOf(points), warning: warningOf(points), probabilityOfDefault: 1 / (1 + Math.exp(-logitOfDefault)) };
}
