/**
 * The histogram kernel as the trees kind calls it (docs/design/secureboost.md sections 3 and
 * 12.1): the engine's `encryptStrided`, `maskedHistograms` and `decryptPrefix` (task T1,
 * crypto/bfv-histogram.ts; BFV by default, the plaintext engine only in plaintext mode), plus the
 * ring degree and the strides the planner may choose from.
 *
 * (Before T1 landed this file held a stride-1 stand-in on LR's coefficient-0 shares; it went with
 * the merge of fix/tkernel: every engine now has the strided kernel.)
 */
import type { HeEngine, KeyRef } from '../../crypto/bfv-engine.js';
import type { HistogramRequest } from '../../crypto/bfv-histogram.js';

export type { HistogramRequest };

export interface HistogramKernel {
  /** Rows per chunk at stride 1 (the ring degree N). */
  readonly ringDegree: number;
  /** The strides the planner may choose (layout.ts AUTO_STRIDES). */
  readonly strides: readonly number[];
  encryptStrided(keys: KeyRef, values: Float64Array, stride: number): Promise<Uint8Array[]>;
  maskedHistograms(keys: KeyRef, req: HistogramRequest, masks: Float64Array): Promise<Uint8Array[]>;
  decryptPrefix(keys: KeyRef, shares: readonly Uint8Array[], stride: number): Promise<Float64Array>;
}

/** Shares per (node, feature): ceil(released bins / stride), node-major then feature (12.1's order). */
export function shareCount(binCount: readonly (readonly number[])[], stride: number): number {
  return binCount.reduce((s, node) => s + node.reduce((t, b) => t + Math.ceil(b / stride), 0), 0);
}

export function histogramKernel(engine: HeEngine): HistogramKernel {
  return {
    ringDegree: engine.chunkSize, strides: [1, 2, 4, 8, 16, 32, 64],
    encryptStrided: (k, v, s) => engine.encryptStrided(k, v, s),
    maskedHistograms: (k, r, m) => engine.maskedHistograms(k, r, m),
    decryptPrefix: (k, sh, s) => engine.decryptPrefix(k, sh, s),
  };
}
