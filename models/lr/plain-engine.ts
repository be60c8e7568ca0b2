/**
 * Plaintext mode: the HeEngine interface over clear residue vectors, so the protocol runs the
 * same code path without encryption. For benchmark comparison only; never the default, and a
 * transcript of it shows partial terms in the clear (the masks still hide gradients and scores
 * from the coordinator).
 */
import { BFV_POLY_DEGREE } from '../../crypto/bfv-coeff.js';
import type { FeatureRef, HeEngine, KeyRef } from '../../crypto/bfv-engine.js';
import { addResidue, fromResidue, toResidue } from '../../crypto/bfv-fixed.js';

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

  async forget(): Promise<void> {}
  async close(): Promise<void> {}
}
