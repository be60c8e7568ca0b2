import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { auc, ksStatistic } from '../../evaluation/metrics.js';

/** Pairwise definition: P(score_pos > score_neg) + 0.5 P(tie). */
function bruteAuc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    for (let j = 0; j < scores.length; j++) {
      if (labels[i] !== 1 || labels[j] !== 0) continue;
      pairs++;
      wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

function bruteKs(scores: number[], labels: number[]): number {
  const pos = scores.filter((_, i) => labels[i] === 1);
  const neg = scores.filter((_, i) => labels[i] === 0);
  let best = 0;
  for (const t of scores) {
    const fp = pos.filter((s) => s <= t).length / pos.length;
    const fn = neg.filter((s) => s <= t).length / neg.length;
    best = Math.max(best, Math.abs(fp - fn));
  }
  return best;
}

describe('auc', () => {
  it('handles the textbook cases', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
  });

  it('counts by hand: one wrong pair out of four', () => {
    // positives 0.35 and 0.8, negatives 0.1 and 0.4: 0.35>0.1 yes, 0.35>0.4 no, 0.8 beats both: 3/4
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('counts a tie as one half', () => {
    // positives 0.5 and 0.9, negatives 0.5 and 0.2: 0.5 vs 0.5 tie (0.5), 0.5>0.2, 0.9 beats both: 3.5/4
    expect(auc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1])).toBe(0.875);
  });

  it('equals the pairwise definition on random inputs with many ties', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1 })), { minLength: 2, maxLength: 60 }), (rows) => {
        const scores = rows.map((r) => r[0]);
        const labels = rows.map((r) => r[1]);
        fc.pre(labels.includes(0) && labels.includes(1));
        expect(auc(scores, labels)).toBeCloseTo(bruteAuc(scores, labels), 12);
      }),
    );
  });

  it('refuses inputs it cannot score', () => {
    expect(() => auc([0.1, 0.2], [0, 0])).toThrow(/both classes/);
    expect(() => auc([0.1], [0, 1])).toThrow(/1 scores but 2 labels/);
    expect(() => auc([0.1, 0.2], [0, 2])).toThrow(/must be 0 or 1/);
    expect(() => auc([Number.NaN, 0.2], [0, 1])).toThrow(/finite/);
  });
});

describe('ksStatistic', () => {
  it('is 1 for perfect separation and 0 when all scores tie', () => {
    expect(ksStatistic([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(ksStatistic([3, 3, 3, 3], [0, 1, 0, 1])).toBe(0);
  });

  it('counts by hand', () => {
    // negatives 1, 3; positives 2, 4. At t=1: F_neg=1/2, F_pos=0 -> 0.5; t=2: 1/2, 1/2; t=3: 1, 1/2 -> 0.5
    expect(ksStatistic([1, 2, 3, 4], [0, 1, 0, 1])).toBe(0.5);
  });

  it('equals the brute-force definition on random inputs with ties', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1 })), { minLength: 2, maxLength: 60 }), (rows) => {
        const scores = rows.map((r) => r[0]);
        const labels = rows.map((r) => r[1]);
        fc.pre(labels.includes(0) && labels.includes(1));
        expect(ksStatistic(scores, labels)).toBeCloseTo(bruteKs(scores, labels), 12);
      }),
    );
  });
});
