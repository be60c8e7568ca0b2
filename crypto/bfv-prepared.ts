/**
 * Handles to SEAL objects the BFV kernel (./bfv-coeff.ts) keeps between calls: a feature chunk
 * x~ and a residual, both in NTT form, made once and used by many multiply-accumulates. They
 * live in one thread's WASM heap; whoever holds them must delete() them.
 */
import type { CipherText, PlainText } from './seal.js';

/** A feature chunk x~ in NTT form at one level, ready for multiply-accumulate. Delete it. */
export interface PreparedFeature {
  readonly level: number;
  /** true when every coefficient is zero: the product is skipped (SEAL refuses zero plaintexts). */
  readonly zero: boolean;
  delete(): void;
}

/** A residual's chunks in NTT form (prepareResidual). Delete it. */
export interface PreparedResidual {
  delete(): void;
}

export class ResidualChunks implements PreparedResidual {
  #chunks: { level: number; ntt: CipherText }[] | undefined;
  /** The chunks' NTT-form residue data (u64) read out of SEAL once, for the histogram kernel (./ntt-wasm.ts). */
  residues: (Uint8Array | undefined)[] = [];
  constructor(chunks: { level: number; ntt: CipherText }[]) {
    this.#chunks = chunks;
  }
  get chunks(): { level: number; ntt: CipherText }[] {
    if (this.#chunks === undefined) throw new Error('this prepared residual was deleted');
    return this.#chunks;
  }
  delete(): void {
    for (const c of this.#chunks ?? []) c.ntt.delete();
    this.#chunks = undefined;
    this.residues = [];
  }
}

/**
 * A level's chunks already in NTT form as u64 residue data (SEAL's own NTT-form bytes, read out
 * once by BfvCoeffContext.nttChunkData), for the histogram kernel only: the engine transforms each
 * chunk once per level and hands the data to every thread (views over one SharedArrayBuffer),
 * instead of each thread loading and transforming every chunk itself (profiled: ~15% of a
 * passive's kernel time went to that duplicate work). No SEAL object: delete() only drops views.
 */
export class NttResidues implements PreparedResidual {
  constructor(
    readonly levels: readonly number[],
    readonly residues: readonly Uint8Array[],
  ) {
    if (levels.length !== residues.length) throw new RangeError(`${levels.length} levels for ${residues.length} chunks`);
  }
  delete(): void {}
}

export class Prepared implements PreparedFeature {
  #plain: PlainText | undefined;
  constructor(
    readonly level: number,
    plain: PlainText | undefined,
  ) {
    this.#plain = plain;
  }
  get zero(): boolean {
    return this.#plain === undefined;
  }
  get plain(): PlainText | undefined {
    return this.#plain;
  }
  delete(): void {
    this.#plain?.delete();
    this.#plain = undefined;
  }
}

