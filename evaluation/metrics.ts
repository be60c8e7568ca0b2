/**
 * Ranking metrics for a credit score: AUC (the probability that a random defaulter scores
 * higher than a random non-defaulter) and the Kolmogorov-Smirnov statistic banks quote with it.
 *
 * Both take any scores (probabilities, logits, points) where higher means riskier, and labels
 * 1 = default / positive, 0 = negative. Ties are handled exactly: tied pairs count one half in
 * the AUC, and KS only steps between distinct score values.
 */

function checkInputs(fn: string, scores: ArrayLike<number>, labels: ArrayLike<number>): { positives: number; negatives: number } {
  if (scores.length !== labels.length) {
    throw new RangeError(`${fn}: ${scores.length} scores but ${labels.length} labels; pass one label per score`);
  }
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new RangeError(`${fn}: label ${i} is ${y}; labels must be 0 or 1`);
    if (!Number.isFinite(scores[i]!)) throw new RangeError(`${fn}: score ${i} is ${scores[i]}; scores must be finite`);
    positives += y;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new RangeError(`${fn}: needs both classes, got ${positives} positives and ${negatives} negatives`);
  }
  return { positives, negatives };
}

/** Indexes sorted by ascending score. */
function order(scores: ArrayLike<number>): Uint32Array {
  const idx = new Uint32Array(scores.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => scores[a]! - scores[b]!);
}

/** Area under the ROC curve via the Mann-Whitney rank statistic, with mid-ranks for ties. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { positives, negatives } = checkInputs('auc', scores, labels);
  const idx = order(scores);
  let rankSumPositives = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const midRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let k = i; k <= j; k++) if (labels[idx[k]!] === 1) rankSumPositives += midRank;
    i = j + 1;
  }
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** max over thresholds t of |F_neg(t) - F_pos(t)|, the empirical CDFs of the two classes' scores. */
export function ksStatistic(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { positives, negatives } = checkInputs('ksStatistic', scores, labels);
  const idx = order(scores);
  let pos = 0;
  let neg = 0;
  let best = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]!] === 1) pos++;
      else neg++;
    }
    best = Math.max(best, Math.abs(neg / negatives - pos / positives));
    i = j + 1;
  }
  return best;
}
