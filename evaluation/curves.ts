/**
 * The curves of a model's evaluation (report format v3; docs/design/console.md 6.1 and
 * monitoring.md 5.1): ROC, KS, the score histogram and lift by decile for the console's charts,
 * and the score deciles post-loan monitoring measures drift against.
 *
 * All of it is over the validation split at the bank (the label holder), in points, and goes in
 * the report the coordinator stores, so the same rule as the report's tables holds: no group of
 * fewer than `minCellSize` validation enterprises is described.
 * - Curve thresholds sit at quantiles of the points (at most 50), never at every distinct
 *   score, with at least `minCellSize` enterprises between two thresholds and beyond the last,
 *   so differencing two points of a curve never isolates a smaller group.
 * - Lift deciles never split tied points and a decile under `minCellSize` joins its neighbour.
 * - Histogram bins (20 points wide) under `minCellSize` show no counts.
 * Residual: a shown histogram bin next to a threshold can, differenced against the curve's
 * cumulative counts, narrow down a suppressed bin's counts; every curve point still covers at
 * least `minCellSize` enterprises.
 */
import { binNumeric } from '../models/scorecard/binning.js';

export const MAX_THRESHOLDS = 50;
export const HISTOGRAM_BIN_WIDTH = 20;
const DECILES = 10;

export interface ScoreCurves {
  /** Points cut-offs, ascending: "predicted to default" is points below the threshold. */
  readonly thresholds: number[];
  /** [false positive rate, true positive rate] at each threshold, with (0,0) first and (1,1) last. */
  readonly roc: [number, number][];
  /** At each threshold: share of defaulters and of others below it; KS is the largest gap. */
  readonly ks: { points: number; cumBad: number; cumGood: number }[];
  readonly histogram: { binWidth: number; bins: { from: number; defaulters: number | null; others: number | null }[] };
  /** By score decile, worst (lowest points) first. */
  readonly lift: { decile: number; count: number; defaults: number; cumCapture: number; lift: number }[];
}

/** The joint model's score distribution on the validation split, for drift (monitoring/drift.ts). */
export interface ScoreBins {
  /** Ascending points: bin i holds (edges[i-1], edges[i]]. */
  readonly edges: number[];
  /** Share of the validation split per bin (edges.length + 1). */
  readonly shares: number[];
  readonly count: number;
}

/** Indexes by ascending points (worst first), ties by label. */
function byPoints(points: ArrayLike<number>, labels: ArrayLike<number>): Uint32Array {
  const idx = new Uint32Array(points.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => points[a]! - points[b]! || labels[a]! - labels[b]!);
}

/** Groups of tied points in sorted order: [start, end) spans. */
function tieGroups(points: ArrayLike<number>, idx: Uint32Array): [number, number][] {
  const groups: [number, number][] = [];
  for (let k = 0; k < idx.length; ) {
    let end = k + 1;
    while (end < idx.length && points[idx[end]!] === points[idx[k]!]) end++;
    groups.push([k, end]);
    k = end;
  }
  return groups;
}

export function scoreCurves(points: ArrayLike<number>, labels: ArrayLike<number>, minCellSize: number): ScoreCurves {
  const n = points.length;
  const idx = byPoints(points, labels);
  const groups = tieGroups(points, idx);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]!;
  const negatives = n - positives;

  // Thresholds: cut at a tie boundary once a span holds max(minCell, n / 50) enterprises, and
  // only where at least minCell remain above.
  const span = Math.max(minCellSize, Math.ceil(n / MAX_THRESHOLDS));
  const thresholds: number[] = [];
  const ks: ScoreCurves['ks'] = [];
  const roc: [number, number][] = [[0, 0]];
  let since = 0;
  let bad = 0;
  let good = 0;
  for (const [start, end] of groups) {
    for (let k = start; k < end; k++) {
      if (labels[idx[k]!] === 1) bad++;
      else good++;
    }
    since += end - start;
    if (end < n && since >= span && n - end >= minCellSize) {
      const t = points[idx[end]!]!;
      thresholds.push(t);
      const cumBad = positives > 0 ? bad / positives : 0;
      const cumGood = negatives > 0 ? good / negatives : 0;
      ks.push({ points: t, cumBad, cumGood });
      roc.push([cumGood, cumBad]);
      since = 0;
    }
  }
  roc.push([1, 1]);

  // Histogram over 20-point bins from the lowest to the highest score.
  const bins: ScoreCurves['histogram']['bins'] = [];
  if (n > 0) {
    const lo = Math.floor(points[idx[0]!]! / HISTOGRAM_BIN_WIDTH) * HISTOGRAM_BIN_WIDTH;
    const hi = points[idx[n - 1]!]!;
    const counts: [number, number][] = [];
    for (let from = lo; from <= hi; from += HISTOGRAM_BIN_WIDTH) counts.push([0, 0]);
    for (let i = 0; i < n; i++) {
      const c = counts[Math.floor((points[i]! - lo) / HISTOGRAM_BIN_WIDTH)]!;
      if (labels[i] === 1) c[0]++;
      else c[1]++;
    }
    counts.forEach(([d, o], b) => {
      const shown = d + o >= minCellSize;
      bins.push({ from: lo + b * HISTOGRAM_BIN_WIDTH, defaulters: shown ? d : null, others: shown ? o : null });
    });
  }

  // Lift by decile, worst first: tie groups kept whole, small deciles merged into the previous.
  const deciles = Math.max(1, Math.min(DECILES, Math.floor(n / minCellSize)));
  const acc: { count: number; defaults: number }[] = [];
  let current = -1;
  for (const [start, end] of groups) {
    const d = Math.floor((start * deciles) / n);
    if (d !== current) {
      acc.push({ count: 0, defaults: 0 });
      current = d;
    }
    const a = acc[acc.length - 1]!;
    for (let k = start; k < end; k++) {
      a.count++;
      a.defaults += labels[idx[k]!]!;
    }
  }
  for (let j = acc.length - 1; j > 0; j--) {
    if (acc[j]!.count < minCellSize) {
      acc[j - 1]!.count += acc[j]!.count;
      acc[j - 1]!.defaults += acc[j]!.defaults;
      acc.splice(j, 1);
    }
  }
  if (acc.length > 1 && acc[0]!.count < minCellSize) {
    acc[1]!.count += acc[0]!.count;
    acc[1]!.defaults += acc[0]!.defaults;
    acc.splice(0, 1);
  }
  const rate = n > 0 ? positives / n : 0;
  let captured = 0;
  const lift = acc.map((a, j) => {
    captured += a.defaults;
    return {
      decile: j + 1,
      count: a.count,
      defaults: a.defaults,
      cumCapture: positives > 0 ? captured / positives : 0,
      lift: rate > 0 ? a.defaults / a.count / rate : 0,
    };
  });
  return { thresholds, roc, ks, histogram: { binWidth: HISTOGRAM_BIN_WIDTH, bins }, lift };
}

/**
 * Score deciles of the validation split (bins of at least `minCellSize` and 1 % of it, ties
 * whole): the reference a monitoring run's PSI compares its scores with.
 */
export function scoreBinsOf(points: ArrayLike<number>, minCellSize: number): ScoreBins {
  const n = points.length;
  const rows = Array.from({ length: n }, (_, i) => [points[i]!]);
  const binned = n > 0 ? binNumeric('score', 0, rows, { bins: DECILES, minSize: Math.max(minCellSize, Math.ceil(0.01 * n)) }) : undefined;
  const edges = binned ? [...binned.cuts] : [];
  const counts = binned ? [...binned.counts] : [n];
  return { edges, shares: counts.map((c) => (n > 0 ? c / n : 0)), count: n };
}
