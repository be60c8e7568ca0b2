/**
 * Merging a numeric characteristic's adjacent bins by their event counts (issue 15, "monotone or
 * ChiMerge merging"), for real data whose quantile bins zig-zag by noise.
 *
 * Who may see the counts first (the threat-model rows of README.md): the bank computes its own
 * bins' counts from its labels; a passive site learns the event count of each bin it released
 * (each of at least the minimum size) and of nothing else. So merging runs at each site, after
 * the WOE protocol, on the released counts only: a merged bin is a union of released bins, its
 * count the sum of theirs, which the site knew already. No new protocol round, nothing new
 * released to anyone, every merged bin at least the minimum. The coordinator and the bank learn
 * nothing of it. (Merging before release, by labels, is impossible at a passive site: it has no
 * labels; and merging by released counts then re-releasing finer sums would only add releases.)
 *
 * - `monotone`: the event rate is made monotone in the value (pool adjacent violators: while two
 *   neighbours go against the characteristic's overall direction, merge the pair), the shape a
 *   credit policy can defend and that smooths noise.
 * - `chimerge` (Kerber 1992): while the most similar neighbours (smallest chi-square of their 2x2
 *   table of events and non-events) are not different at 95% (chi-square 3.841, 1 degree of
 *   freedom), merge them; a characteristic keeps at least two bins.
 *
 * Only numeric bins (value order) are merged; the missing cells' own bin and categorical levels
 * (no order) stay as released. The merged characteristic is what the site stores and scores by.
 */
import { FedcreditError } from '../../lib/errors.js';
import { NEUTRAL, numericLabels, type Characteristic } from './binning.js';

export type MergeMethod = 'quantile' | 'monotone' | 'chimerge';

/** 95% point of chi-square with one degree of freedom. */
export const CHI2_95 = 3.841;

export interface Merged {
  readonly characteristic: Characteristic;
  readonly events: readonly number[];
  /** New bin of every released bin. */
  readonly map: readonly number[];
}

/** 2x2 chi-square of two bins' events and non-events (0 when a margin is empty). */
function chi2(n1: number, e1: number, n2: number, e2: number): number {
  const n = n1 + n2;
  const e = e1 + e2;
  const g = n - e;
  if (e === 0 || g === 0) return 0;
  let s = 0;
  for (const [count, ev] of [[n1, e1], [n2, e2]] as const) {
    const expE = (count * e) / n;
    const expG = (count * g) / n;
    s += (ev - expE) ** 2 / expE + (count - ev - expG) ** 2 / expG;
  }
  return s;
}

/** Merge `c`'s adjacent numeric bins by `events` (the site's own or released counts). */
export function mergeBins(c: Characteristic, events: readonly number[], method: MergeMethod): Merged {
  if (events.length !== c.counts.length) throw new FedcreditError('INTERNAL', `merge: ${c.name} has ${c.counts.length} bins but ${events.length} event counts`);
  const identity: Merged = { characteristic: c, events, map: c.counts.map((_, b) => b) };
  if (method === 'quantile' || c.type !== 'numeric') return identity;
  if (method !== 'monotone' && method !== 'chimerge') throw new FedcreditError('BAD_REQUEST', `scorecard: unknown binning method ${String(method).slice(0, 20)}; use quantile, monotone or chimerge`);
  const numeric = c.cuts.length + 1;
  // Runs of released numeric bins: [first, last], with summed counts and events.
  let runs = Array.from({ length: numeric }, (_, b) => ({ first: b, last: b, n: c.counts[b]!, e: events[b]! }));
  const merge = (i: number): void => {
    const a = runs[i]!;
    const b = runs[i + 1]!;
    runs = [...runs.slice(0, i), { first: a.first, last: b.last, n: a.n + b.n, e: a.e + b.e }, ...runs.slice(i + 2)];
  };
  if (method === 'monotone') {
    // Direction: the sign of the count-weighted covariance of bin order and event rate.
    const total = runs.reduce((s, r) => s + r.n, 0);
    const meanB = runs.reduce((s, r, i) => s + i * r.n, 0) / total;
    const meanR = runs.reduce((s, r) => s + r.e, 0) / total;
    const up = runs.reduce((s, r, i) => s + r.n * (i - meanB) * (r.e / r.n - meanR), 0) >= 0;
    for (;;) {
      const i = runs.findIndex((r, k) => k + 1 < runs.length && (up ? runs[k + 1]!.e / runs[k + 1]!.n < r.e / r.n : runs[k + 1]!.e / runs[k + 1]!.n > r.e / r.n));
      if (i < 0) break;
      merge(i);
    }
  } else {
    while (runs.length > 2) {
      let best = -1;
      let bestChi = Infinity;
      for (let i = 0; i + 1 < runs.length; i++) {
        const x = chi2(runs[i]!.n, runs[i]!.e, runs[i + 1]!.n, runs[i + 1]!.e);
        if (x < bestChi) [best, bestChi] = [i, x];
      }
      if (bestChi >= CHI2_95) break;
      merge(best);
    }
  }
  if (runs.length === numeric) return identity;
  const map = new Array<number>(c.counts.length).fill(NEUTRAL);
  runs.forEach((r, k) => { for (let b = r.first; b <= r.last; b++) map[b] = k; });
  const ownMissing = c.missingBin === numeric;
  if (ownMissing) map[numeric] = runs.length;
  const cuts = runs.slice(0, -1).map((r) => c.cuts[r.last]!);
  const counts = [...runs.map((r) => r.n), ...(ownMissing ? [c.counts[numeric]!] : [])];
  const merged = [...runs.map((r) => r.e), ...(ownMissing ? [events[numeric]!] : [])];
  const missingBin = c.missingBin === NEUTRAL ? NEUTRAL : map[c.missingBin]!;
  return { characteristic: { ...c, cuts, counts, missingBin, labels: numericLabels(cuts, missingBin) }, events: merged, map };
}

/** Every row's bin after a merge (NEUTRAL stays NEUTRAL). */
export function remapBins(bins: Int32Array, map: readonly number[]): Int32Array {
  return bins.map((b) => (b < 0 ? b : map[b]!));
}
