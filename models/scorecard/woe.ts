/**
 * Weight of evidence and information value of a binned characteristic (issue 15), from the
 * per-bin counts and event (default) counts. At the bank these come from its own labels; at a
 * passive site from the protocol of models/scorecard/README.md, which releases event counts
 * only over whole bins of at least the minimum size (binning.ts).
 *
 * Convention: y = 1 is a default ("bad"). For bin b with e_b events and g_b non-events out of
 * E and G in all,
 *   WOE_b = ln( ((e_b + 0.5) / (E + 0.5 k)) / ((g_b + 0.5) / (G + 0.5 k)) )
 *   IV    = sum_b ((e_b + 0.5) / (E + 0.5 k) - (g_b + 0.5) / (G + 0.5 k)) * WOE_b
 * (k bins; the 0.5 keeps a bin without events finite). A positive WOE is riskier than the
 * population, so the scorecard's weights come out positive and a term adds to the logit of
 * default.
 *
 * What LR trains on is the WOE standardized over the training rows, `coded_b = (WOE_b - m) / s`
 * (m, s the mean and deviation of WOE over the training split): LR's step size and L2 are set
 * for standardized columns (models/lr/site.ts), and raw WOE columns, with deviations of a few
 * tenths, would learn several times slower. It is still one value per bin, so still a card.
 * Coded values are rounded to the training fixed point (2^-FEATURE_SCALE_BITS): the encrypted LR
 * sees exactly the values scoring later uses. A value no training row showed is coded as WOE 0
 * (`neutral`).
 */
import { FedcreditError } from '../../lib/errors.js';
import { FEATURE_SCALE_BITS } from '../../training/fixed-point.js';
import type { Characteristic } from './binning.js';

export interface WoeTable {
  readonly woe: readonly number[];
  readonly iv: number;
  /** Standardized WOE per bin, as LR sees it, and the code of WOE 0 (an unseen value). */
  readonly coded: readonly number[];
  readonly neutral: number;
  /** Event counts per bin (kept at the site that computed them). */
  readonly events: readonly number[];
}

const QUANTUM = 2 ** FEATURE_SCALE_BITS;

export function woeTable(counts: readonly number[], events: readonly number[]): WoeTable {
  if (counts.length !== events.length) throw new FedcreditError('INTERNAL', `woe: ${counts.length} bins but ${events.length} event counts`);
  events.forEach((e, b) => {
    if (!Number.isInteger(e) || e < 0 || e > counts[b]!) throw new FedcreditError('INTERNAL', `woe: bin ${b} has ${e} events out of ${counts[b]} rows; the released sum is corrupt`);
  });
  const k = counts.length;
  const E = events.reduce((s, e) => s + e, 0);
  const G = counts.reduce((s, c) => s + c, 0) - E;
  let iv = 0;
  const woe = counts.map((c, b) => {
    const pb = (events[b]! + 0.5) / (E + 0.5 * k);
    const pg = (c - events[b]! + 0.5) / (G + 0.5 * k);
    const w = Math.log(pb / pg);
    iv += (pb - pg) * w;
    return w;
  });
  const n = E + G;
  const mean = counts.reduce((sum, c, b) => sum + c * woe[b]!, 0) / n;
  const sd = Math.sqrt(counts.reduce((sum, c, b) => sum + c * (woe[b]! - mean) ** 2, 0) / n) || 1;
  const code = (w: number): number => Math.round(((w - mean) / sd) * QUANTUM) / QUANTUM;
  return { woe, iv, events: [...events], coded: woe.map(code), neutral: code(0) };
}

/** Event counts per bin from 0/1 labels and each row's bin. */
export function eventsPerBin(bins: Int32Array, labels: readonly number[], binCount: number): number[] {
  const out = new Array<number>(binCount).fill(0);
  bins.forEach((b, i) => {
    if (b >= 0 && labels[i] === 1) out[b]!++;
  });
  return out;
}

export interface Selection {
  readonly chosen: readonly number[];
  readonly dropped: readonly { readonly index: number; readonly reason: string }[];
}

/**
 * IV selection at one site: keep the characteristics with IV >= minIv, at most `max` of them
 * (highest IV first). A site keeps at least its best characteristic so that it still takes part
 * in the joint model (an LR slice of width 0 would have nothing to train); that one is listed
 * as chosen with the reason.
 */
export function selectByIv(tables: readonly WoeTable[], minIv: number, max: number): Selection & { readonly forced?: number } {
  const order = tables.map((t, i) => ({ i, iv: t.iv })).sort((a, b) => b.iv - a.iv || a.i - b.i);
  const chosen: number[] = [];
  const dropped: { index: number; reason: string }[] = [];
  for (const { i, iv } of order) {
    if (iv < minIv) dropped.push({ index: i, reason: `IV ${iv.toFixed(4)} below ${minIv}` });
    else if (chosen.length >= max) dropped.push({ index: i, reason: `IV ${iv.toFixed(4)}: beyond the ${max} strongest` });
    else chosen.push(i);
  }
  if (chosen.length === 0 && order.length > 0) {
    const best = order[0]!.i;
    return { chosen: [best], dropped: dropped.filter((d) => d.index !== best), forced: best };
  }
  return { chosen: chosen.sort((a, b) => a - b), dropped };
}

/** The WOE-coded (standardized) rows of the chosen characteristics: what the encrypted LR trains on. */
export function woeRows(rows: readonly ArrayLike<number>[], chars: readonly Characteristic[], tables: readonly WoeTable[], bins: readonly Int32Array[]): Float64Array[] {
  return rows.map((_, i) => Float64Array.from(chars, (_, j) => {
    const b = bins[j]![i]!;
    return b < 0 ? tables[j]!.neutral : tables[j]!.coded[b]!;
  }));
}
