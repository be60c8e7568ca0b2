/**
 * The histogram kernel the trees kind calls (docs/design/secureboost.md sections 3 and 12.1):
 * `encryptStrided`, `maskedHistograms`, `decryptPrefix`, with the signatures of 12.1.
 *
 * Task T1 adds these three methods to the engines (crypto/bfv-engine.ts, models/lr/plain-engine.ts)
 * with the strided layout: several bins per share. Until an engine has them, `histogramKernel`
 * answers a stride-1 kernel built on the engine methods LR already uses (real BFV in the default
 * path, nothing weaker): each histogram cell is one coefficient-0 share of the inner product of
 * the bank's [[v]] chunk with the cell's 0/1 indicator column (`maskedGradient`), masked with a
 * uniform residue, and the key holder decrypts one value per share (`decrypt`, count 1). Same
 * products as the strided kernel, s times the shares: slower on the wire, identical values. The
 * kind asks `strides` which strides the kernel takes and plans its layout with them.
 */
import { randomUUID } from 'node:crypto';
import { shareFeatures, type HeEngine, type KeyRef } from '../../crypto/bfv-engine.js';
import { toResidue } from '../../crypto/bfv-fixed.js';

export interface HistogramRequest {
  readonly chunks: readonly Uint8Array[];
  readonly stride: number;
  readonly nodes: readonly { readonly firstChunk: number; readonly chunks: number; readonly rows: number }[];
  /** Per feature, the released bin index per layout position (255 = padding / not released). */
  readonly bins: readonly Uint8Array[];
  /** [node][feature]: released bins. */
  readonly binCount: readonly (readonly number[])[];
}

export interface HistogramKernel {
  /** Whether this is T1's strided kernel ('strided') or the stride-1 kernel on LR's methods ('coefficient-0'). */
  readonly name: 'strided' | 'coefficient-0';
  /** Rows per chunk at stride 1 (the ring degree N). */
  readonly ringDegree: number;
  /** The strides the kernel takes (the fallback: 1 only). */
  readonly strides: readonly number[];
  encryptStrided(keys: KeyRef, values: Float64Array, stride: number): Promise<Uint8Array[]>;
  maskedHistograms(keys: KeyRef, req: HistogramRequest, masks: Float64Array): Promise<Uint8Array[]>;
  decryptPrefix(keys: KeyRef, shares: readonly Uint8Array[], stride: number): Promise<Float64Array>;
}

/** T1's methods, when an engine has them (12.1). */
type StridedEngine = HeEngine & Pick<HistogramKernel, 'encryptStrided' | 'maskedHistograms' | 'decryptPrefix'>;

function isStrided(e: HeEngine): e is StridedEngine {
  const x = e as Partial<StridedEngine>;
  return typeof x.encryptStrided === 'function' && typeof x.maskedHistograms === 'function' && typeof x.decryptPrefix === 'function';
}

/** Shares per (node, feature): ceil(released bins / stride), node-major then feature (12.1's order). */
export function shareCount(binCount: readonly (readonly number[])[], stride: number): number {
  return binCount.reduce((s, node) => s + node.reduce((t, b) => t + Math.ceil(b / stride), 0), 0);
}

export function histogramKernel(engine: HeEngine): HistogramKernel {
  if (isStrided(engine)) {
    return {
      name: 'strided', ringDegree: engine.chunkSize, strides: [1, 2, 4, 8, 16, 32, 64],
      encryptStrided: (k, v, s) => engine.encryptStrided(k, v, s),
      maskedHistograms: (k, r, m) => engine.maskedHistograms(k, r, m),
      decryptPrefix: (k, sh, s) => engine.decryptPrefix(k, sh, s),
    };
  }
  const one = (stride: number): void => {
    if (stride !== 1) throw new RangeError(`this engine has no strided histogram kernel (task T1): stride must be 1, got ${stride}`);
  };
  return {
    name: 'coefficient-0', ringDegree: engine.chunkSize, strides: [1],
    async encryptStrided(keys, values, stride) {
      one(stride);
      return engine.encrypt(keys, Float64Array.from(values, (v) => toResidue(v)));
    },
    async maskedHistograms(keys, req, masks) {
      one(req.stride);
      const m = engine.chunkSize;
      if (masks.length !== shareCount(req.binCount, 1)) throw new RangeError(`maskedHistograms: ${masks.length} masks for ${shareCount(req.binCount, 1)} shares`);
      const out: Uint8Array[] = [];
      let at = 0;
      for (let n = 0; n < req.nodes.length; n++) {
        const node = req.nodes[n]!;
        const counts = req.binCount[n]!;
        const cells = counts.reduce((s, b) => s + b, 0);
        if (cells === 0 || node.chunks === 0) {
          at += cells;
          continue;
        }
        const span = node.chunks * m;
        const from = node.firstChunk * m;
        // One 0/1 indicator column per (feature, released bin) over the node's positions.
        const residues = new Float64Array(cells * span);
        let col = 0;
        counts.forEach((bins, f) => {
          const at = req.bins[f]!;
          for (let k = 0; k < span; k++) {
            const b = at[from + k]!;
            if (b < bins) residues[(col + b) * span + k] = 1;
          }
          col += bins;
        });
        const matrix = shareFeatures(`trees:${randomUUID()}`, residues, span, cells);
        try {
          out.push(...await engine.maskedGradient(keys, matrix, 0, span, req.chunks.slice(node.firstChunk, node.firstChunk + node.chunks), masks.slice(at, at + cells)));
        } finally {
          await engine.forget(matrix.id);
        }
        at += cells;
      }
      return out;
    },
    async decryptPrefix(keys, shares, stride) {
      one(stride);
      const values = await engine.decrypt(keys, shares, 1);
      return Float64Array.from(values, (v) => v[0]!);
    },
  };
}
