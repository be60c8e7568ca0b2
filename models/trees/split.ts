/**
 * Split choice and leaf weights at the bank (docs/design/secureboost.md sections 4.5 and 4.6),
 * after XGBoost (Chen and Guestrin, KDD 2016): the second-order gain with L2 regularisation
 * lambda and split penalty gamma, a cumulative scan over each feature's released bins, and the
 * sparsity-aware default direction for missing values.
 *
 * Sums arrive as the quantized integers of quantize.ts (exact), and gains are computed in their
 * real values (G / 2^sg, H / 2^sh), so lambda, gamma and minChildWeight mean what they mean in
 * XGBoost whatever n is.
 *
 * Rules a reference must follow to match split for split:
 * - a threshold after released value bin b sends bins <= b left; every value bin is tried, the
 *   last one only when the missing bin is released and goes right (values vs missing);
 * - missing bin released with rows at the node: both directions are tried; rows no released bin
 *   holds (the missing rows a passive site could not release) are on the right (G_R = G - G_L);
 *   no missing row at the node: missing goes to the child with more hessian (ties: right);
 * - a candidate needs H_L, H_R >= minChildWeight (real) and both children >= minChildCount rows;
 * - the best gain wins if > 0; equal gains: bank features first, then sites by name, then slot,
 *   then bin, then missing right before left.
 */
import { realG, realH, type Quant } from './quantize.js';
import type { TreeParams } from './params.js';

/** One feature's (or slot's) released bins at one node: quantized sums and row counts. */
export interface BinHist {
  readonly G: Float64Array;
  readonly H: Float64Array;
  readonly count: Uint32Array;
  /** Index of the released missing bin, or -1. */
  readonly missing: number;
}

export interface Candidate {
  /** Site name of the feature's owner. */
  readonly owner: string;
  /** Feature index (bank) or slot (passive site) within the owner. */
  readonly slot: number;
  /** Released value bin after which the threshold lies. */
  readonly bin: number;
  readonly missingLeft: boolean;
  readonly gain: number;
  /** Quantized sums and rows of the left child. */
  readonly GL: number;
  readonly HL: number;
  readonly countL: number;
}

export interface HistEntry {
  readonly owner: string;
  readonly slot: number;
  readonly hist: BinHist;
}

type SplitParams = Pick<TreeParams, 'lambda' | 'gamma' | 'minChildWeight' | 'minChildCount'>;

/** G^2 / (H + lambda) in real values; 0 where H + lambda is 0 (no hessian, no regularisation). */
function score(G: number, H: number, lambda: number): number {
  const d = H + lambda;
  return d > 0 ? (G * G) / d : 0;
}

/** The gain of sending (GL, HL) left of a node with totals (G, H), quantized integers in. */
export function splitGain(GL: number, HL: number, G: number, H: number, q: Quant, p: Pick<TreeParams, 'lambda' | 'gamma'>): number {
  const gl = realG(GL, q);
  const hl = realH(HL, q);
  const g = realG(G, q);
  const h = realH(H, q);
  return 0.5 * (score(gl, hl, p.lambda) + score(g - gl, h - hl, p.lambda) - score(g, h, p.lambda)) - p.gamma;
}

/** Negative when a should win over b. */
function compare(a: Candidate, b: Candidate, bank: string | undefined): number {
  if (a.gain !== b.gain) return b.gain - a.gain;
  const aBank = a.owner === bank ? 0 : 1;
  const bBank = b.owner === bank ? 0 : 1;
  if (aBank !== bBank) return aBank - bBank;
  if (a.owner !== b.owner) return a.owner < b.owner ? -1 : 1;
  if (a.slot !== b.slot) return a.slot - b.slot;
  if (a.bin !== b.bin) return a.bin - b.bin;
  return (a.missingLeft ? 1 : 0) - (b.missingLeft ? 1 : 0);
}

function checkHist(e: HistEntry): void {
  const h = e.hist;
  if (h.H.length !== h.G.length || h.count.length !== h.G.length) {
    throw new RangeError(`bestSplit: ${e.owner} slot ${e.slot} has ${h.G.length} G, ${h.H.length} H and ${h.count.length} counts; pass one of each per released bin`);
  }
  if (h.missing !== -1 && (!Number.isInteger(h.missing) || h.missing < 0 || h.missing >= h.G.length)) {
    throw new RangeError(`bestSplit: ${e.owner} slot ${e.slot}: missing bin ${h.missing} is not one of its ${h.G.length} bins or -1`);
  }
}

/**
 * The best split of a node over every feature's histogram, or undefined when no candidate meets
 * the constraints with a positive gain. `total` is the node's quantized totals and rows (the
 * bank knows them); `bank` names the bank's site, whose features win ties.
 */
export function bestSplit(hists: readonly HistEntry[], total: { G: number; H: number; count: number }, q: Quant, p: SplitParams, bank?: string): Candidate | undefined {
  let best: Candidate | undefined;
  const consider = (c: Candidate): void => {
    if (!(c.gain > 0)) return;
    if (!best || compare(c, best, bank) < 0) best = c;
  };
  for (const e of hists) {
    checkHist(e);
    const h = e.hist;
    const values: number[] = [];
    for (let b = 0; b < h.G.length; b++) if (b !== h.missing) values.push(b);
    const mG = h.missing >= 0 ? h.G[h.missing]! : 0;
    const mH = h.missing >= 0 ? h.H[h.missing]! : 0;
    const mC = h.missing >= 0 ? h.count[h.missing]! : 0;
    let releasedRows = mC;
    for (const b of values) releasedRows += h.count[b]!;
    // Rows in no released bin: missing rows the site could not release; they go right.
    const hiddenRows = total.count - releasedRows;
    const tryMissingBoth = mC > 0;
    let GL = 0;
    let HL = 0;
    let CL = 0;
    for (let k = 0; k < values.length; k++) {
      const b = values[k]!;
      GL += h.G[b]!;
      HL += h.H[b]!;
      CL += h.count[b]!;
      const last = k === values.length - 1;
      const evaluate = (gl: number, hl: number, cl: number, missingLeft: boolean): void => {
        const cr = total.count - cl;
        if (cl < p.minChildCount || cr < p.minChildCount) return;
        if (realH(hl, q) < p.minChildWeight || realH(total.H - hl, q) < p.minChildWeight) return;
        consider({ owner: e.owner, slot: e.slot, bin: b, missingLeft, gain: splitGain(gl, hl, total.G, total.H, q, p), GL: gl, HL: hl, countL: cl });
      };
      if (tryMissingBoth) {
        evaluate(GL, HL, CL, false);
        if (!last) evaluate(GL + mG, HL + mH, CL + mC, true);
      } else if (!last) {
        // No missing row released: the stored direction is the heavier child, or right when
        // missing rows exist but were not released (they are on the right in the sums).
        const missingLeft = hiddenRows === 0 && HL > total.H - HL;
        evaluate(GL, HL, CL, missingLeft);
      }
    }
  }
  return best;
}

/**
 * A leaf's weight, -eta G / (H + lambda) in real values, clipped to [-1, 1] (the scoring lane's
 * range, section 7.1). A leaf with no hessian and no regularisation gets 0.
 */
export function leafWeight(G: number, H: number, q: Quant, p: Pick<TreeParams, 'learningRate' | 'lambda'>): number {
  const d = realH(H, q) + p.lambda;
  if (!(d > 0)) return 0;
  const w = (-p.learningRate * realG(G, q)) / d;
  return Math.min(1, Math.max(-1, w)) + 0;
}
