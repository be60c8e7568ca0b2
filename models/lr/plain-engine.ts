/**
 * Plaintext mode: the HeEngine interface over clear residue vectors, so the protocol runs the
 * same code path without encryption. For benchmark comparison only; never the default, and a
 * transcript of it shows partial terms in the clear (the masks still hide gradients and scores
 * from the coordinator).
 */
import { BFV_POLY_DEGREE } from '../../crypto/bfv-coeff.js';
import type { FeatureRef, HeEngine, KeyRef } from '../../crypto/bfv-engine.js';
import { addResidue, fromResidue, toResidue } from '../../crypto/bfv-fixed.js';
import { NO_BIN, checkStride, histogramSlots } from '../../crypto/bfv-histogram.js';
import type { HistogramRequest } from '../../crypto/bfv-engine.js';

function toBytes(values: Float64Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

function fromBytes(bytes: Uint8Array, what: string): Float64Array {
  if (bytes.length % 8 !== 0) throw new RangeError(`${what}: ${bytes.length} bytes is not a whole number of residues`);
  // A copy into a buffer of its own: a Buffer from gRPC is a view into a larger pool, and
  // Buffer#slice does not copy.
  return new Float64Array(new Uint8Array(bytes).buffer);
}

export class PlainEngine implements HeEngine {
  readonly kind = 'plaintext';
  readonly mode = 'in-thread';
  readonly threads = 1;
  readonly reason = 'plaintext mode (benchmark comparison only)';
  readonly chunkSize = BFV_POLY_DEGREE;

  async encrypt(_keys: KeyRef, residues: Float64Array): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (let at = 0; at < residues.length; at += this.chunkSize) out.push(toBytes(residues.slice(at, at + this.chunkSize)));
    return out;
  }

  async sum(_keys: KeyRef, parts: readonly (readonly Uint8Array[])[], addend: Float64Array): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (let c = 0, at = 0; at < addend.length; c++, at += this.chunkSize) {
      const acc = addend.slice(at, at + this.chunkSize);
      for (const part of parts) {
        const v = fromBytes(part[c]!, 'partial');
        for (let i = 0; i < acc.length; i++) acc[i] = addResidue(acc[i]!, v[i]!);
      }
      out.push(toBytes(acc));
    }
    return out;
  }

  async prepareFeatures(): Promise<void> {}

  async maskedGradient(_keys: KeyRef, matrix: FeatureRef, start: number, end: number, residual: readonly Uint8Array[], masks: Float64Array): Promise<Uint8Array[]> {
    const d = new Float64Array(end - start);
    residual.forEach((bytes, c) => {
      const chunk = fromBytes(bytes, 'residual');
      for (let i = 0; i < chunk.length && c * this.chunkSize + i < d.length; i++) d[c * this.chunkSize + i] = fromResidue(chunk[i]!);
    });
    const out: Uint8Array[] = [];
    for (let f = 0; f < matrix.features; f++) {
      const base = f * matrix.samples + start;
      // |d x| < 2^32 and batches <= 2^17: the double sum is exact.
      let g = 0;
      for (let i = 0; i < d.length; i++) g += d[i]! * fromResidue(matrix.residues[base + i]!);
      out.push(toBytes(Float64Array.of(addResidue(toResidue(g), masks[f]!))));
    }
    return out;
  }

  async maskForDecryption(_keys: KeyRef, ciphertexts: readonly Uint8Array[], masks: readonly Float64Array[]): Promise<Uint8Array[]> {
    return ciphertexts.map((bytes, c) => {
      const v = fromBytes(bytes, 'ciphertext');
      const mask = masks[c]!;
      return toBytes(v.map((x, i) => addResidue(x, mask[i] ?? 0)));
    });
  }

  async decrypt(_keys: KeyRef, items: readonly Uint8Array[], count: number): Promise<Float64Array[]> {
    return items.map((bytes) => fromBytes(bytes, 'item').slice(0, count));
  }

  /** A chunk is its m = N / stride residues of v (the layout's row order). */
  async encryptStrided(_keys: KeyRef, values: Float64Array, stride: number): Promise<Uint8Array[]> {
    checkStride(stride);
    const m = this.chunkSize / stride;
    const out: Uint8Array[] = [];
    for (let at = 0; at < values.length; at += m) out.push(toBytes(values.slice(at, at + m).map(toResidue)));
    return out;
  }

  /** The same sums as the SEAL kernel, mod t, each share its stride residues plus masks. */
  async maskedHistograms(_keys: KeyRef, req: HistogramRequest, masks: Float64Array): Promise<Uint8Array[]> {
    const slots = histogramSlots(req, req.chunks.length);
    const m = this.chunkSize / req.stride;
    const chunks = req.chunks.map((bytes, c) => {
      const v = fromBytes(bytes, `chunk ${c}`);
      if (v.length > m) throw new RangeError(`chunk ${c} holds ${v.length} values; stride ${req.stride} puts ${m} in a chunk`);
      return v;
    });
    const out: Uint8Array[] = [];
    for (const slot of slots) {
      const node = req.nodes[slot.node]!;
      const bins = req.bins[slot.feature]!;
      const sums = new Float64Array(slot.groups * req.stride);
      for (let c = node.firstChunk; c < node.firstChunk + node.chunks; c++) {
        const v = chunks[c]!;
        for (let i = 0; i < v.length; i++) {
          const b = bins[c * m + i]!;
          if (b !== NO_BIN) sums[b] = addResidue(sums[b]!, v[i]!);
        }
      }
      if (masks.length < (slot.offset + slot.groups) * req.stride) throw new RangeError(`masks hold ${masks.length} residues; share ${slot.offset + slot.groups - 1} needs more`);
      for (let g = 0; g < slot.groups; g++) {
        const share = new Float64Array(req.stride);
        for (let k = 0; k < req.stride; k++) share[k] = addResidue(sums[g * req.stride + k]!, masks[(slot.offset + g) * req.stride + k]!);
        out.push(toBytes(share));
      }
    }
    if (masks.length !== out.length * req.stride) throw new RangeError(`${out.length} shares of stride ${req.stride} need ${out.length * req.stride} masks, got ${masks.length}`);
    return out;
  }

  async decryptPrefix(_keys: KeyRef, shares: readonly Uint8Array[], stride: number): Promise<Float64Array> {
    const out = new Float64Array(shares.length * stride);
    shares.forEach((bytes, i) => {
      const v = fromBytes(bytes, `prefix share ${i}`);
      if (v.length !== stride) throw new RangeError(`prefix share ${i} carries ${v.length} residues; the level's stride is ${stride}`);
      out.set(v, i * stride);
    });
    return out;
  }

  async forget(): Promise<void> {}
  async close(): Promise<void> {}
}
