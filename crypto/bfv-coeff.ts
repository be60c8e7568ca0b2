/**
 * BFV (Brakerski 2012; Fan and Vercauteren, ePrint 2012/144) over node-seal 6.0.3 / Microsoft
 * SEAL 4.1 with coefficient encoding: the homomorphic kernel of vertical federated LR, where the
 * coordinator holds the secret key (FATE's "arbiter") and the sites compute under its public key.
 *
 * Parameters: N = 8192, SEAL's 128-bit BFVDefault coefficient modulus (43+43+44+44 data bits
 * plus a 44-bit special prime), plain modulus t = 1125899906826241, the largest prime below
 * 2^50 with t = 1 mod 2N. The design asked for t = 2^50, but node-seal's WASM build refuses any
 * t that is not NTT-friendly ("invalid modulus" escapes SEAL's own try/catch around the batching
 * tables), so we take the nearest acceptable value. Every residue mod t stays an exact JS number.
 *
 * Rotation-free inner products: a ciphertext of d (samples in coefficients 0..N-1) times the
 * plaintext x~ = x_0 - sum_{i>=1} x_i X^{N-i} (negacyclic reversal, X^N = -1) has
 * sum_i d_i x_i in coefficient 0. Features never change between epochs, so each feature chunk
 * is transformed to NTT form once (prepareFeature) and each incoming d chunk once per call; the
 * per-feature work is a pointwise multiply-accumulate, then one inverse NTT per feature.
 *
 * Privacy at the key holder. Before a result leaves a site it is (1) switched down to the
 * lowest level, which divides the data-dependent noise (products of encryption noise and x~) by
 * the dropped primes (~2^44) so what remains is modulus-switching rounding noise, and (2) masked:
 * a uniform R_0 mod t is added to coefficient 0 and only coefficient 0's share is sent (see
 * ./bfv-wire.ts). The key holder decrypts g + R_0 mod t, uniform whatever g is: perfect hiding.
 * BFV decryption is exact (rounding to the nearest multiple of q/t), so, unlike CKKS, a released
 * decryption carries no noise that depends on the secret key: the Li-Micciancio attack
 * (Eurocrypt 2021) on approximate decryptions does not apply.
 *
 * The trees' histogram kernel (docs/design/secureboost.md section 3) has its SEAL side here too
 * (maskedPrefixShares, decryptPrefix): the strided layout is ./bfv-histogram.ts, the products
 * ./ntt-wasm.ts (reference ./ntt-rns.ts), and so is each share's finish (the inverse NTT, the
 * switch to the lowest level, the fresh encryption of zero: WasmHistogramKernel.finishShare,
 * byte-equal to SEAL's path here for the same randomness); SEAL makes the keys, encrypts the
 * bank's chunks, transforms them to NTT form, and finishes a share no chunk touched.
 *
 * One file on purpose (over 400 lines): one class owning one SEAL context's WASM objects, whose
 * methods all share them; what needs no SEAL object is already apart (bfv-fixed, bfv-wire,
 * bfv-sampling, bfv-prepared, bfv-histogram, ntt-rns, ntt-wasm).
 */
import { isWasmTrap, made, sealRuntime } from './seal.js';
import type { CipherText, Decryptor, Encryptor, Evaluator, PlainText, PublicKey, SEALLibrary, SealContext, SealObject, SealRuntime, SecretKey } from './seal.js';
import type { ParmsIdType } from './seal.js';
import { centeredBinomial, decryptCoefficient0, residueWords, scaleAndRound, secretCoefficients, ternaryEntries, ternaryResidues } from './bfv-sampling.js';
import { BFV_PLAIN_MODULUS, BFV_POLY_DEGREE, negacyclicReverse } from './bfv-fixed.js';
import { BfvFormatError, nttCiphertextData, packCiphertext, packPrefixResidues, plaintextBytes, plaintextCoefficients, plaintextNttBytes, prefixResidues, residueWordsOf, sealCiphertextBytes, sealResidueWords, shareResidues, unpackCiphertext, unpackResidues } from './bfv-wire.js';
import { multiplyAccumulate, plaintextNtt, primeTables } from './ntt-rns.js';
import { WasmHistogramKernel } from './ntt-wasm.js';
import type { PrimeTables } from './ntt-rns.js';
import type { BfvLevel, BfvShape, WireKind } from './bfv-wire.js';
import { NttResidues, Prepared, ResidualChunks } from './bfv-prepared.js';
import { plaintextOfEntries } from './bfv-histogram.js';
import type { PreparedFeature, PreparedResidual } from './bfv-prepared.js';

/** A histogram plaintext: dense residues mod t, or its non-zeros (bfv-histogram.ts histogramEntries). */
export type HistogramPlain = Float64Array | Int32Array;

export type { PreparedFeature, PreparedResidual } from './bfv-prepared.js';

export { BfvFormatError } from './bfv-wire.js';

export { BFV_PLAIN_MODULUS, BFV_POLY_DEGREE, negacyclicReverse } from './bfv-fixed.js';

export interface BfvKeyMaterial {
  readonly publicKey: Uint8Array;
  /** Only the key holder ever has this. */
  readonly secretKey: Uint8Array;
}

interface Level extends BfvLevel {
  readonly id: ParmsIdType;
}

type Own = <O extends SealObject>(object: O) => O;

/** A fresh zero's randomness, given (tests): u as ternary residues mod t (n), errors e1 then e2 (2 n). */
export interface ZeroRandomness {
  readonly u: Float64Array;
  readonly e: Int8Array;
}

export class BfvCoeffContext {
  readonly shape: BfvShape;
  readonly plainModulus = BFV_PLAIN_MODULUS;
  readonly polyModulusDegree = BFV_POLY_DEGREE;
  readonly #runtime: SealRuntime;
  readonly #seal: SEALLibrary;
  readonly #context: SealContext;
  readonly #evaluator: Evaluator;
  readonly #levels: readonly Level[];
  #encryptor: Encryptor | undefined;
  #decryptor: Decryptor | undefined;
  #publicKey: PublicKey | undefined;
  /** The public key's first primes as a lowest-level NTT-form ciphertext: cheap fresh zeros. */
  #lowPublicKey: CipherText | undefined;
  /** Its NTT-form residues (u64), for the histogram kernel's WASM (#freshZeroLowest). */
  #lowPublicKeyData: Uint8Array | undefined;
  #secretKey: SecretKey | undefined;
  /** sigma_i with (c1 s)[0] = sum_i c1[i] sigma_i (negacyclic), for decrypting shares in JS. */
  #secretTerms: Int8Array | undefined;
  /** The secret key's coefficients (from #secretTerms), for the kernel's prefix decryption. */
  #secretCoefficients: Int8Array | undefined;
  #disposed = false;
  /** Per level, our NTT's twiddle tables (./ntt-rns.ts), made on first use. */
  readonly #nttTables: (readonly PrimeTables[] | undefined)[] = [];
  /** Per level, the WASM histogram kernel (./ntt-wasm.ts), made on first use. */
  readonly #wasmKernels: (WasmHistogramKernel | undefined)[] = [];

  private constructor(runtime: SealRuntime, context: SealContext, levels: Level[]) {
    this.#runtime = runtime;
    this.#seal = runtime.seal;
    this.#context = context;
    this.#levels = levels;
    this.shape = { polyModulusDegree: BFV_POLY_DEGREE, levels };
    this.#evaluator = this.#seal.Evaluator(context);
  }

  /** A context on this thread's SEAL instance, without keys yet. */
  static async create(): Promise<BfvCoeffContext> {
    const runtime = await sealRuntime();
    return runtime.run('create BFV context', (own) => {
      const seal = runtime.seal;
      const parms = own(seal.EncryptionParameters(seal.SchemeType.bfv));
      parms.setPolyModulusDegree(BFV_POLY_DEGREE);
      parms.setCoeffModulus(own(seal.CoeffModulus.BFVDefault(BFV_POLY_DEGREE, seal.SecurityLevel.tc128)));
      parms.setPlainModulus(own(seal.Modulus(BigInt(BFV_PLAIN_MODULUS))));
      let context: SealContext;
      try {
        context = seal.Context(parms, true, seal.SecurityLevel.tc128);
      } catch (e) {
        // node-seal throws a raw pointer here; translate it.
        throw new Error(`SEAL refused the BFV parameters: ${typeof e === 'number' ? seal.Exception.safe(e).message : String(e)}`);
      }
      const levels: Level[] = [];
      try {
        if (!context.parametersSet()) throw new Error('SEAL rejected the BFV parameters at 128-bit security; the parameter table is wrong');
        let data = own(context.firstContextData);
        for (;;) {
          const primes = [...own(data.parms).coeffModulus].map(Number);
          const id = data.parmsId;
          levels.push({ id, parmsId: parmsIdBytes(id.values), primes, widths: primes.map((q) => q.toString(2).length) });
          if (data.chainIndex === 0) break;
          data = own(data.nextContextData);
        }
        return new BfvCoeffContext(runtime, context, levels);
      } catch (e) {
        for (const level of levels) level.id.delete();
        context.delete();
        throw e;
      }
    });
  }

  /** Make the kernel's twiddle tables and WASM instances of every level below the top now (a job's start; bfv-worker.ts 'warm'). */
  warmKernels(): void {
    for (let level = 1; level < this.#levels.length; level++) this.#kernelAt(level);
  }

  get lastLevel(): number {
    return this.#levels.length - 1;
  }

  /** New keys, loaded into this context (the key holder's). */
  generateKeys(): BfvKeyMaterial {
    const keys = this.#run('generate keys', (own) => {
      const generator = own(this.#seal.KeyGenerator(this.#context));
      const none = this.#seal.ComprModeType.none;
      return { secretKey: own(generator.secretKey()).saveArray(none), publicKey: own(generator.createPublicKey()).saveArray(none) };
    });
    this.loadKeys(keys);
    return keys;
  }

  /** Load a public key (every party) and/or the secret key (the key holder only). */
  loadKeys(keys: Partial<BfvKeyMaterial>): void {
    this.#run('load keys', () => {
      if (keys.publicKey !== undefined) {
        const pk = this.#seal.PublicKey();
        this.#sealLoad(pk, keys.publicKey, 'public key');
        const low = this.#seal.CipherText();
        try {
          const last = this.#levels[this.lastLevel]!;
          const words = sealResidueWords(keys.publicKey, BFV_POLY_DEGREE, last.primes.length, 'public key');
          this.#sealLoad(low, sealCiphertextBytes(this.shape, this.lastLevel, words, true), 'public key (lowest level)');
        } catch (e) {
          pk.delete();
          low.delete();
          throw e;
        }
        this.#publicKey?.delete();
        this.#lowPublicKey?.delete();
        this.#encryptor?.delete();
        this.#publicKey = pk;
        this.#lowPublicKey = low;
        this.#lowPublicKeyData = undefined;
        this.#encryptor = this.#seal.Encryptor(this.#context, pk);
      }
      if (keys.secretKey !== undefined) {
        const sk = this.#seal.SecretKey();
        this.#sealLoad(sk, keys.secretKey, 'secret key');
        this.#secretKey?.delete();
        this.#decryptor?.delete();
        this.#secretKey = sk;
        this.#decryptor = this.#seal.Decryptor(this.#context, sk);
        this.#secretTerms = this.#extractSecretTerms(this.#decryptor);
        this.#secretCoefficients = undefined;
      }
    });
  }

  /** Encrypt a polynomial (residues mod t, at most N) and switch it down to `level`. */
  encrypt(coefficients: Float64Array, level: number): Uint8Array {
    this.#checkLevel(level);
    const encryptor = this.#need(this.#encryptor, 'encrypt', 'public key');
    return this.#run('encrypt', (own) => {
      const plain = own(this.#plain(coefficients));
      const ct = own(made(encryptor.encrypt(plain), 'encrypt'));
      return this.#save(this.#switchTo(ct, level, own), 'ciphertext');
    });
  }

  /** sum of ciphertexts (same level) plus an optional plaintext polynomial (residues mod t). */
  sum(ciphertexts: readonly Uint8Array[], addend?: Float64Array): Uint8Array {
    if (ciphertexts.length === 0) throw new RangeError('sum: no ciphertexts given');
    return this.#run('sum', (own) => {
      const acc = this.#load(ciphertexts[0]!, 'ciphertext 0', own, 'ciphertext');
      for (let i = 1; i < ciphertexts.length; i++) {
        const next = this.#load(ciphertexts[i]!, `ciphertext ${i}`, own, 'ciphertext');
        if (next.level !== acc.level) throw new RangeError(`sum: ciphertext ${i} is at level ${next.level}, ciphertext 0 at ${acc.level}; switch them to one level`);
        this.#evaluator.add(acc.ct, next.ct, acc.ct);
      }
      if (addend !== undefined) this.#evaluator.addPlain(acc.ct, own(this.#plain(addend)), acc.ct);
      return this.#save(acc.ct, 'ciphertext');
    });
  }

  /** x~ for one chunk of a feature column (residues mod t in sample order), in NTT form. */
  prepareFeature(column: Float64Array, level: number): PreparedFeature {
    this.#checkLevel(level);
    if (column.length > BFV_POLY_DEGREE) throw new RangeError(`a feature chunk holds at most ${BFV_POLY_DEGREE} samples, got ${column.length}`);
    const reversed = negacyclicReverse(column, this.plainModulus);
    if (reversed.every((c) => c === 0)) return new Prepared(level, undefined);
    return this.#run('prepare feature', (own) => {
      const plain = own(this.#plain(reversed));
      return new Prepared(level, made(this.#evaluator.plainTransformToNtt(plain, this.#levels[level]!.id), 'plainTransformToNtt'));
    });
  }

  /**
   * For each feature f: sum over chunks c of d_c * x~_{f,c}, switched to the lowest level, plus
   * masks[f] in coefficient 0, as a coefficient-0 share. `features[f][c]` pairs with `d[c]`.
   * `output: 'ciphertext'` returns the whole ciphertext instead (tests and noise diagnostics:
   * its other coefficients carry cross terms and must never be sent).
   */
  maskedInnerProducts(d: readonly Uint8Array[] | PreparedResidual, features: readonly (readonly PreparedFeature[])[], masks: Float64Array, output: WireKind = 'share'): Uint8Array[] {
    if (features.length !== masks.length) throw new RangeError(`${features.length} features but ${masks.length} masks; give one mask per feature`);
    if (!Array.isArray(d) && !(d instanceof ResidualChunks)) throw new TypeError('the residual must be ciphertext bytes or made by prepareResidual of this kernel');
    return this.#run('masked inner products', (own) => {
      const chunks = d instanceof ResidualChunks ? d.chunks : this.#residualNtt(d as readonly Uint8Array[], own);
      const product = own(this.#seal.CipherText());
      return features.map((chunkPlains, f) => {
        if (chunkPlains.length !== chunks.length) throw new RangeError(`feature ${f} has ${chunkPlains.length} chunks, the residual ${chunks.length}`);
        let acc: CipherText | undefined;
        chunkPlains.forEach((prepared, c) => {
          if (!(prepared instanceof Prepared)) throw new TypeError(`feature ${f} chunk ${c} was not made by prepareFeature of this kernel`);
          if (prepared.level !== chunks[c]!.level) throw new RangeError(`feature ${f} chunk ${c} is prepared at level ${prepared.level}, the residual is at ${chunks[c]!.level}`);
          if (prepared.plain === undefined) return;
          if (acc === undefined) {
            acc = own(made(this.#evaluator.multiplyPlain(chunks[c]!.ntt, prepared.plain), 'multiplyPlain'));
          } else {
            this.#evaluator.multiplyPlain(chunks[c]!.ntt, prepared.plain, product);
            this.#evaluator.add(acc, product, acc);
          }
        });
        const level = chunks[0]?.level ?? 0;
        const result = acc === undefined ? this.#encryptZero(level, own) : own(made(this.#evaluator.cipherTransformFromNtt(acc), 'cipherTransformFromNtt'));
        const low = this.#switchTo(result, this.lastLevel, own);
        this.#evaluator.addPlain(low, own(this.#plain(Float64Array.of(masks[f]!))), low);
        // Re-randomize: without it c1 = r x~_f for one residual r shared by every feature and
        // site, so the key holder could divide two results (or one by the intercept's known x~)
        // and recover feature polynomials. A fresh encryption of zero makes each c1 an
        // independent RLWE sample.
        this.#evaluator.add(low, this.#freshZeroLowest(own), low);
        return this.#save(low, output);
      });
    });
  }

  /**
   * The residual's chunks loaded and in NTT form, for several maskedInnerProducts calls on one
   * batch (a worker serves many feature groups of the same residual). Delete it.
   */
  prepareResidual(d: readonly Uint8Array[]): PreparedResidual {
    return this.#run('prepare residual', (own) => {
      const chunks: { level: number; ntt: CipherText }[] = [];
      try {
        d.forEach((bytes, c) => {
          const x = this.#load(bytes, `residual chunk ${c}`, own, 'ciphertext');
          chunks.push({ level: x.level, ntt: made(this.#evaluator.cipherTransformToNtt(x.ct), 'cipherTransformToNtt') });
        });
        return new ResidualChunks(chunks);
      } catch (e) {
        for (const chunk of chunks) chunk.ntt.delete();
        throw e;
      }
    });
  }

  /**
   * A chunk's NTT form as SEAL makes it (load, cipherTransformToNtt, the saved u64 residues):
   * what maskedPrefixShares reads, computed once per level for every thread (NttResidues).
   */
  nttChunkData(bytes: Uint8Array, via: 'own' | 'seal' = 'own'): { level: number; data: Uint8Array } {
    if (via === 'own') {
      // The kernel's forward NTT of each residue polynomial: the same bytes as SEAL's load,
      // cipherTransformToNtt and save (tests/crypto/share-finish.test.ts), without them.
      const { words, info } = unpackResidues(bytes, this.shape, 'ciphertext');
      const kernel = this.#kernelAt(info.level);
      return { level: info.level, data: kernel.transformCiphertext(words) };
    }
    return this.#run('chunk to NTT form', (own) => {
      const x = this.#load(bytes, 'histogram chunk', own, 'ciphertext');
      const ntt = own(made(this.#evaluator.cipherTransformToNtt(x.ct), 'cipherTransformToNtt'));
      return { level: x.level, data: nttCiphertextData(ntt.saveArray(this.#seal.ComprModeType.none), this.shape).data };
    });
  }

  #residualNtt(d: readonly Uint8Array[], own: Own): { level: number; ntt: CipherText }[] {
    return d.map((bytes, c) => {
      const x = this.#load(bytes, `residual chunk ${c}`, own, 'ciphertext');
      return { level: x.level, ntt: own(made(this.#evaluator.cipherTransformToNtt(x.ct), 'cipherTransformToNtt')) };
    });
  }

  /**
   * The histogram kernel (./bfv-histogram.ts; design section 3): for each bin group g of one
   * (node, feature), sum over the node's chunks c of d_c * x_{g,c} (plainsOf(c)[g], undefined =
   * no row of c in g), then as maskedInnerProducts: to the lowest level, masks[g s + k] added to
   * coefficient k < s, re-randomized, sent as a prefix share (wire kind 3) of s coefficients.
   * `ntt: 'own'` (default) transforms and multiplies in our WASM (./ntt-wasm.ts), 'js' the same
   * in plain JS (./ntt-rns.ts, the reference), 'seal' with SEAL's plainTransformToNtt and
   * multiplyPlain (the bench's comparison).
   */
  maskedPrefixShares(d: PreparedResidual, chunks: readonly number[], plainsOf: (chunk: number) => readonly (HistogramPlain | undefined)[], groups: number, stride: number, masks: Float64Array, ntt: 'own' | 'js' | 'seal' = 'own'): Uint8Array[] {
    if (!(d instanceof ResidualChunks) && !(d instanceof NttResidues)) throw new TypeError('the chunks must be made by prepareResidual of this kernel or be NttResidues');
    if (d instanceof NttResidues && ntt === 'seal') throw new TypeError('NttResidues carry no SEAL objects: use the own NTT');
    if (masks.length !== groups * stride) throw new RangeError(`${groups} groups of stride ${stride} need ${groups * stride} masks, got ${masks.length}`);
    const levelOf = (c: number): number | undefined => (d instanceof NttResidues ? d.levels[c] : d.chunks[c]?.level);
    for (const c of chunks) {
      // At the lowest level nothing divides a product's noise (encryption noise times the 0/1
      // plaintext) before the key holder decrypts it: it would carry the bin pattern.
      if (levelOf(c) === this.lastLevel) throw new RangeError(`histogram chunk ${c} is at the lowest level ${this.lastLevel}; chunks must be encrypted above it (WORK_LEVEL) so the share can be switched down`);
    }
    if (d instanceof NttResidues) {
      return this.#ownPrefixShares(d.levels.length, levelOf, (c) => d.residues[c]!, chunks, plainsOf, groups, stride, masks, ntt === 'js' ? 'js' : 'own');
    }
    if (ntt !== 'seal') {
      const cts = d.chunks;
      return this.#ownPrefixShares(cts.length, levelOf, (c) => (d.residues[c] ??= nttCiphertextData(this.#run('read NTT chunk', () => cts[c]!.ntt.saveArray(this.#seal.ComprModeType.none)), this.shape).data), chunks, plainsOf, groups, stride, masks, ntt);
    }
    return this.#run('masked prefix shares', (own) => {
      const cts = d.chunks;
      const acc: (CipherText | undefined)[] = new Array<CipherText | undefined>(groups).fill(undefined);
      const product = own(this.#seal.CipherText());
      for (const c of chunks) {
        const chunk = cts[c];
        if (chunk === undefined) throw new RangeError(`chunk ${c} is not among the ${cts.length} given`);
        const plains = plainsOf(c);
        for (let g = 0; g < groups; g++) {
          const plain = plains[g];
          if (plain === undefined) continue;
          const coefficients = plain instanceof Int32Array ? plaintextOfEntries(plain) : plain;
          const ntt = own(made(this.#evaluator.plainTransformToNtt(own(this.#plain(coefficients)), this.#levels[chunk.level]!.id), 'plainTransformToNtt'));
          const sum = acc[g];
          if (sum === undefined) acc[g] = own(made(this.#evaluator.multiplyPlain(chunk.ntt, ntt), 'multiplyPlain'));
          else {
            this.#evaluator.multiplyPlain(chunk.ntt, ntt, product);
            this.#evaluator.add(sum, product, sum);
          }
        }
      }
      const level = cts[chunks[0] ?? 0]?.level ?? this.lastLevel;
      return acc.map((sum, g) => this.#finishPrefix(sum === undefined ? undefined : own(made(this.#evaluator.cipherTransformFromNtt(sum), 'cipherTransformFromNtt')), level, masks.subarray(g * stride, (g + 1) * stride), own));
    });
  }

  /** `count` chunks; `levelOf(c)` and `dataOf(c)` (NTT-form u64 residues) for c < count. */
  #ownPrefixShares(count: number, levelOf: (c: number) => number | undefined, dataOf: (c: number) => Uint8Array, chunks: readonly number[], plainsOf: (chunk: number) => readonly (HistogramPlain | undefined)[], groups: number, stride: number, masks: Float64Array, impl: 'own' | 'js'): Uint8Array[] {
    const level = levelOf(chunks[0] ?? 0) ?? this.lastLevel;
    const tables = this.#tablesAt(level);
    const wasm = impl === 'own' ? this.#kernelAt(level) : undefined;
    wasm?.begin(groups);
    const size = 2 * tables.length * BFV_POLY_DEGREE;
    const acc: (Float64Array | undefined)[] = new Array<Float64Array | undefined>(groups).fill(undefined);
    for (const c of chunks) {
      const chunkLevel = c < count ? levelOf(c) : undefined;
      if (chunkLevel === undefined) throw new RangeError(`chunk ${c} is not among the ${count} given`);
      if (chunkLevel !== level) throw new RangeError(`chunk ${c} is at level ${chunkLevel}, chunk ${chunks[0]} at ${level}`);
      const data = dataOf(c);
      wasm?.chunk(data);
      const ct = wasm === undefined ? Float64Array.from(new BigUint64Array(data.buffer, data.byteOffset, data.length / 8), Number) : undefined;
      const plains = plainsOf(c);
      for (let g = 0; g < groups; g++) {
        const plain = plains[g];
        if (plain === undefined) continue;
        if (wasm !== undefined) {
          if (plain instanceof Int32Array) wasm.addEntries(g, plain);
          else wasm.add(g, plain);
        } else multiplyAccumulate((acc[g] ??= new Float64Array(size)), ct!, plaintextNtt(plain instanceof Int32Array ? plaintextOfEntries(plain) : plain, tables), tables);
      }
    }
    return this.#run('masked prefix shares', (own) =>
      acc.map((jsSum, g) => {
        const groupMasks = masks.subarray(g * stride, (g + 1) * stride);
        if (wasm?.touched(g) && level === this.lastLevel - 1) return this.#ownFinish(wasm, g, level, groupMasks, stride);
        const sum = wasm !== undefined ? wasm.result(g) : jsSum === undefined ? undefined : residueWordsOf(jsSum);
        let result: CipherText | undefined;
        if (sum !== undefined) {
          const ntt = own(this.#seal.CipherText());
          const words = new Uint32Array(sum.buffer, sum.byteOffset, sum.byteLength / 4);
          this.#sealLoad(ntt, sealCiphertextBytes(this.shape, level, words, true), 'accumulated histogram product');
          result = own(made(this.#evaluator.cipherTransformFromNtt(ntt), 'cipherTransformFromNtt'));
        }
        return this.#finishPrefix(result, level, groupMasks, own);
      }),
    );
  }

  /**
   * #finishPrefix in the kernel's WASM (WasmHistogramKernel.finishShare: inverse NTT, the switch
   * one level down, the fresh zero), then the masks scaled as SEAL's addPlain scales them,
   * round(Q m / t) at the lowest level's Q, and the wire format. The same bytes as the SEAL path
   * for the same u and errors (tests/crypto/share-finish.test.ts); a group no chunk touched
   * takes the SEAL path (a fresh encryption of zero switched down, so its noise looks like the
   * others').
   */
  #ownFinish(kernel: WasmHistogramKernel, g: number, level: number, masks: Float64Array, stride: number, randomness?: ZeroRandomness): Uint8Array {
    const low = level + 1;
    const n = BFV_POLY_DEGREE;
    const u = ternaryEntries(randomness?.u ?? ternaryResidues(n, this.plainModulus), this.plainModulus);
    let errors: Int8Array;
    if (randomness === undefined) errors = centeredBinomial(stride + n);
    else {
      errors = new Int8Array(stride + n);
      errors.set(randomness.e.subarray(0, stride));
      errors.set(randomness.e.subarray(n, 2 * n), stride);
    }
    const { c0, c1 } = kernel.finishShare(g, stride, this.#lowPublicKeyResidues(), u, errors);
    const primes = this.#levels[low]!.primes;
    const t = BigInt(this.plainModulus);
    const bigQ = primes.reduce((a, q) => a * BigInt(q), 1n);
    for (let k = 0; k < stride; k++) {
      if (masks[k] === 0) continue;
      const scaled = (bigQ * BigInt(masks[k]!) + (t + 1n) / 2n) / t;
      primes.forEach((q, j) => {
        c0[j * stride + k] = (c0[j * stride + k]! + Number(scaled % BigInt(q))) % q;
      });
    }
    return packPrefixResidues(this.shape, low, stride, c0, c1);
  }

  /**
   * Tests: one accumulated product (chunk data times a plaintext, through the kernel) finished
   * as a prefix share by the kernel's WASM or by SEAL, with the fresh zero's u and errors given.
   */
  prefixShareForTest(chunkData: Uint8Array, plain: Float64Array, level: number, masks: Float64Array, stride: number, via: 'own' | 'seal', randomness: ZeroRandomness): Uint8Array {
    const kernel = this.#kernelAt(level);
    kernel.begin(1);
    kernel.chunk(chunkData);
    kernel.add(0, plain);
    if (via === 'own') return this.#ownFinish(kernel, 0, level, masks, stride, randomness);
    return this.#run('test prefix share', (own) => {
      const sum = kernel.result(0)!;
      const ntt = own(this.#seal.CipherText());
      this.#sealLoad(ntt, sealCiphertextBytes(this.shape, level, new Uint32Array(sum.buffer, sum.byteOffset, sum.byteLength / 4), true), 'accumulated histogram product');
      return this.#finishPrefix(own(made(this.#evaluator.cipherTransformFromNtt(ntt), 'cipherTransformFromNtt')), level, masks, own, randomness);
    });
  }

  /** This thread's histogram kernel (WASM instance, twiddles) for a level, made on first use. */
  #kernelAt(level: number): WasmHistogramKernel {
    return (this.#wasmKernels[level] ??= new WasmHistogramKernel(this.#tablesAt(level), this.plainModulus));
  }

  #tablesAt(level: number): readonly PrimeTables[] {
    return (this.#nttTables[level] ??= this.#levels[level]!.primes.map((q) => primeTables(q)));
  }

  /** To the lowest level, masks on coefficients 0..s-1, re-randomized, as a prefix share. */
  #finishPrefix(result: CipherText | undefined, level: number, masks: Float64Array, own: Own, randomness?: ZeroRandomness): Uint8Array {
    const low = this.#switchTo(result ?? this.#encryptZero(level, own), this.lastLevel, own);
    this.#evaluator.addPlain(low, own(this.#plain(masks.slice())), low);
    this.#evaluator.add(low, this.#freshZeroLowest(own, randomness), low);
    return this.#save(low, 'prefix', masks.length);
  }

  /** Tests: SEAL's own NTT form of a plaintext at `level` (plainTransformToNtt), as SEAL saves it. */
  sealPlainNtt(coefficients: Float64Array, level: number): Uint8Array {
    this.#checkLevel(level);
    return this.#run('plain NTT', (own) => own(made(this.#evaluator.plainTransformToNtt(own(this.#plain(coefficients)), this.#levels[level]!.id), 'plainTransformToNtt')).saveArray(this.#seal.ComprModeType.none));
  }

  /** Tests: our NTT form of the same plaintext (WASM ./ntt-wasm.ts or JS ./ntt-rns.ts), as SEAL bytes. */
  ownPlainNtt(coefficients: Float64Array, level: number, impl: 'own' | 'js' = 'own'): Uint8Array {
    this.#checkLevel(level);
    const tables = this.#tablesAt(level);
    if (impl === 'js') return plaintextNttBytes(plaintextNtt(coefficients, tables), this.#levels[level]!.parmsId);
    const data = this.#kernelAt(level).transform(coefficients);
    return plaintextNttBytes(Float64Array.from(new BigUint64Array(data.slice().buffer), Number), this.#levels[level]!.parmsId);
  }

  /**
   * Key holder: the s residues (coefficients 0..s-1) of a prefix share: c0[k] + (c1 s)[k] per
   * prime, (c1 s)[k] from the kernel's WASM (WasmHistogramKernel.prefixProducts: c1's NTT times
   * the secret key's, the first s coefficients of the inverse), then SEAL's scale and round.
   * `viaSeal` decrypts with SEAL instead (tests).
   */
  decryptPrefix(bytes: Uint8Array, viaSeal = false): Float64Array {
    const decryptor = this.#need(this.#decryptor, 'decrypt', 'secret key (only the key holder decrypts)');
    const terms = this.#secretTerms;
    if (!viaSeal && terms !== undefined) {
      let parsed: ReturnType<typeof prefixResidues>;
      try {
        parsed = prefixResidues(bytes, this.shape);
      } catch (e) {
        if (e instanceof BfvFormatError) throw new BfvFormatError(`prefix share to decrypt: ${e.message}`);
        throw e;
      }
      const primes = this.#levels[parsed.level]!.primes;
      const stride = parsed.c0.length;
      this.#secretCoefficients ??= secretCoefficients(terms);
      const products = this.#kernelAt(parsed.level).prefixProducts(parsed.c1, this.#secretCoefficients, stride);
      return Float64Array.from(parsed.c0, (c0, k) => scaleAndRound(primes.map((q, j) => (c0[j]! + products[j * stride + k]!) % q), primes, this.plainModulus));
    }
    return this.#run('decrypt prefix share', (own) => {
      let unpacked: ReturnType<typeof unpackCiphertext>;
      try {
        unpacked = unpackCiphertext(bytes, this.shape, 'prefix');
      } catch (e) {
        if (e instanceof BfvFormatError) throw new BfvFormatError(`prefix share to decrypt: ${e.message}`);
        throw e;
      }
      const ct = own(this.#seal.CipherText());
      this.#sealLoad(ct, unpacked.sealBytes, 'prefix share');
      const plain = own(made(decryptor.decrypt(ct), 'decrypt'));
      return plaintextCoefficients(plain.saveArray(this.#seal.ComprModeType.none), unpacked.info.prefix);
    });
  }

  /** Switch to the lowest level and add a mask polynomial: what a site sends to be decrypted. */
  maskForDecryption(ciphertext: Uint8Array, mask: Float64Array): Uint8Array {
    return this.#run('mask for decryption', (own) => {
      const x = this.#load(ciphertext, 'ciphertext', own, 'ciphertext');
      const low = this.#switchTo(x.ct, this.lastLevel, own);
      this.#evaluator.addPlain(low, own(this.#plain(mask)), low);
      return this.#save(low, 'ciphertext');
    });
  }

  /**
   * Key holder: the first `count` coefficients (residues mod t) of a ciphertext or share.
   * Shares are decrypted in JS (m_0 = round(t/q (c0[0] + sum_i c1[i] sigma_i)) mod t, ~40x faster
   * than SEAL's full decryption) unless `viaSeal`.
   */
  decrypt(bytes: Uint8Array, count: number, viaSeal = false): Float64Array {
    if (!Number.isInteger(count) || count < 1 || count > BFV_POLY_DEGREE) throw new RangeError(`count must be an integer in 1..${BFV_POLY_DEGREE}, got ${count}`);
    const decryptor = this.#need(this.#decryptor, 'decrypt', 'secret key (only the key holder decrypts)');
    if (!viaSeal && count === 1 && this.#secretTerms !== undefined && bytes instanceof Uint8Array && bytes.length >= 8 && bytes[4] === 2) {
      return Float64Array.of(this.#decryptShare(bytes, this.#secretTerms));
    }
    return this.#run('decrypt', (own) => {
      const x = this.#load(bytes, 'ciphertext to decrypt', own);
      if (x.kind === 'share' && count !== 1) throw new RangeError('a share decrypts to coefficient 0 only; ask for count 1');
      if (x.kind === 'prefix') throw new RangeError('a prefix share decrypts with decryptPrefix');
      const plain = own(made(decryptor.decrypt(x.ct), 'decrypt'));
      return plaintextCoefficients(plain.saveArray(this.#seal.ComprModeType.none), count);
    });
  }

  /** Key holder, tests and diagnostics: bits of noise budget left (0 = no longer decrypts). */
  noiseBudget(bytes: Uint8Array): number {
    const decryptor = this.#need(this.#decryptor, 'measure noise', 'secret key');
    return this.#run('noise budget', (own) => decryptor.invariantNoiseBudget(this.#load(bytes, 'ciphertext', own).ct));
  }

  /** Free every SEAL object of this context. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    // The WASM histogram kernels hold up to ~100 MB of accumulators (stride 1, 255 bins): drop them now.
    this.#wasmKernels.length = 0;
    if (this.#runtime.aborted) return;
    for (const o of [this.#encryptor, this.#decryptor, this.#publicKey, this.#lowPublicKey, this.#secretKey, this.#evaluator]) o?.delete();
    for (const level of this.#levels) level.id.delete();
    this.#context.delete();
  }

  #run<T>(operation: string, fn: (own: Own) => T): T {
    if (this.#disposed) throw new Error(`cannot ${operation}: this BfvCoeffContext was disposed; create a new one`);
    return this.#runtime.run(operation, fn);
  }

  #plain(coefficients: Float64Array): PlainText {
    if (!(coefficients instanceof Float64Array)) throw new TypeError(`coefficients must be a Float64Array, got ${typeof coefficients}`);
    if (coefficients.length > BFV_POLY_DEGREE) throw new RangeError(`a polynomial has at most ${BFV_POLY_DEGREE} coefficients, got ${coefficients.length}`);
    const plain = this.#seal.PlainText();
    try {
      plain.loadArray(this.#context, plaintextBytes(coefficients.length === 0 ? new Float64Array(1) : coefficients, this.plainModulus));
    } catch (e) {
      plain.delete();
      throw e;
    }
    return plain;
  }

  #load(bytes: Uint8Array, what: string, own: Own, expect?: WireKind): { ct: CipherText; level: number; kind: WireKind } {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
    let unpacked: ReturnType<typeof unpackCiphertext>;
    try {
      unpacked = unpackCiphertext(bytes, this.shape, expect);
    } catch (e) {
      if (e instanceof BfvFormatError) throw new BfvFormatError(`${what}: ${e.message}`);
      throw e;
    }
    const ct = own(this.#seal.CipherText());
    this.#sealLoad(ct, unpacked.sealBytes, what);
    return { ct, level: unpacked.info.level, kind: unpacked.info.kind };
  }

  #sealLoad(target: { loadArray(context: SealContext, bytes: Uint8Array): void }, bytes: Uint8Array, what: string): void {
    try {
      target.loadArray(this.#context, bytes);
    } catch (e) {
      if (isWasmTrap(e)) throw e;
      throw new BfvFormatError(`${what}: SEAL refused it (${e instanceof Error ? e.message : String(e)}); was it made for this BFV context?`);
    }
  }

  #save(ct: CipherText, kind: WireKind, stride = 1): Uint8Array {
    return packCiphertext(ct.saveArray(this.#seal.ComprModeType.none), this.shape, kind, stride);
  }

  #switchTo(ct: CipherText, level: number, own: Own): CipherText {
    const id = parmsIdBytes(own(ct.parmsId).values);
    const current = this.#levels.findIndex((l) => l.parmsId.every((b, i) => b === id[i]));
    if (current === level) return ct;
    if (current > level) throw new RangeError(`cannot switch a level-${current} ciphertext up to level ${level}`);
    return own(made(this.#evaluator.cipherModSwitchTo(ct, this.#levels[level]!.id), 'cipherModSwitchTo'));
  }

  #encryptZero(level: number, own: Own): CipherText {
    const encryptor = this.#need(this.#encryptor, 'encrypt zero', 'public key');
    return this.#switchTo(own(made(encryptor.encryptZero(), 'encryptZero')), level, own);
  }

  /**
   * A fresh public-key encryption of zero directly at the lowest level, (pk0 u + e1, pk1 u + e2)
   * over the lowest level's primes: the textbook BFV encryption (Fan-Vercauteren, section 3),
   * at 2 of the key's 5 primes, so about a quarter of encryptZero() + two modulus switches.
   * u is uniform ternary, e1 and e2 centered binomial with eta = 21 (sigma 3.24, SEAL's 3.2).
   * pk u is computed by the histogram kernel's WASM (u's NTT and the pointwise product: the same
   * residues as SEAL's plainTransformToNtt and multiplyPlain, tests/crypto/ntt-rns.test.ts), in
   * about a third of their time; SEAL transforms the product back.
   */
  #freshZeroLowest(own: Own, randomness?: ZeroRandomness): CipherText {
    const level = this.#levels[this.lastLevel]!;
    const n = BFV_POLY_DEGREE;
    const u = randomness?.u ?? ternaryResidues(n, this.plainModulus);
    const kernel = this.#kernelAt(this.lastLevel);
    kernel.begin(1);
    kernel.chunk(this.#lowPublicKeyResidues());
    kernel.add(0, u);
    const pu = kernel.result(0)!;
    const product = own(this.#seal.CipherText());
    this.#sealLoad(product, sealCiphertextBytes(this.shape, this.lastLevel, new Uint32Array(pu.buffer, pu.byteOffset, pu.byteLength / 4), true), 'public key times u');
    const zero = own(made(this.#evaluator.cipherTransformFromNtt(product), 'cipherTransformFromNtt'));
    const words = residueWords(randomness?.e ?? centeredBinomial(2 * n), level.primes);
    const error = own(this.#seal.CipherText());
    this.#sealLoad(error, sealCiphertextBytes(this.shape, this.lastLevel, words, false), 'encryption error');
    this.#evaluator.add(zero, error, zero);
    return zero;
  }

  /** The public key at the lowest level in NTT form, as u64 residues (polynomial, prime, coefficient). */
  #lowPublicKeyResidues(): Uint8Array {
    const lowPk = this.#need(this.#lowPublicKey, 'encrypt zero', 'public key');
    return (this.#lowPublicKeyData ??= nttCiphertextData(lowPk.saveArray(this.#seal.ComprModeType.none), this.shape).data);
  }

  /**
   * The secret key's coefficients, read by decrypting the crafted ciphertext (0, Delta) at the
   * lowest level: c0 + c1 s = Delta s, which decrypts to s mod t. SEAL's secret keys are ternary;
   * anything else disables the JS path (undefined) rather than decrypting wrongly.
   */
  #extractSecretTerms(decryptor: Decryptor): Int8Array | undefined {
    return this.#run('read secret key', (own) => {
      const level = this.#levels[this.lastLevel]!;
      const n = BFV_POLY_DEGREE;
      const q = level.primes.reduce((p, v) => p * BigInt(v), 1n);
      const delta = q / BigInt(this.plainModulus);
      const k = level.primes.length;
      const words = new Uint32Array(2 * 2 * k * n);
      level.primes.forEach((p, j) => {
        const r = Number(delta % BigInt(p));
        const at = 2 * (k + j) * n; // polynomial 1, prime j, coefficient 0
        words[at] = r % 0x1_0000_0000;
        words[at + 1] = Math.floor(r / 0x1_0000_0000);
      });
      const ct = own(this.#seal.CipherText());
      this.#sealLoad(ct, sealCiphertextBytes(this.shape, this.lastLevel, words, false), 'secret key probe');
      const s = plaintextCoefficients(own(made(decryptor.decrypt(ct), 'decrypt')).saveArray(this.#seal.ComprModeType.none), n);
      const terms = new Int8Array(n);
      for (let i = 0; i < n; i++) {
        const v = s[i] === 0 ? 0 : s[i] === 1 ? 1 : s[i] === this.plainModulus - 1 ? -1 : undefined;
        if (v === undefined) return undefined;
        // (c1 s)[0] = c1[0] s[0] - sum_{i>=1} c1[i] s[N-i] in Z[X]/(X^N + 1).
        if (i === 0) terms[0] = v;
        else terms[n - i] = -v;
      }
      return terms;
    });
  }

  #decryptShare(bytes: Uint8Array, terms: Int8Array): number {
    let parsed: ReturnType<typeof shareResidues>;
    try {
      parsed = shareResidues(bytes, this.shape);
    } catch (e) {
      if (e instanceof BfvFormatError) throw new BfvFormatError(`share to decrypt: ${e.message}`);
      throw e;
    }
    return decryptCoefficient0(parsed.c0, parsed.c1, this.#levels[parsed.level]!.primes, terms, this.plainModulus);
  }

  #checkLevel(level: number): void {
    if (!Number.isInteger(level) || level < 0 || level > this.lastLevel) throw new RangeError(`level must be an integer in 0..${this.lastLevel}, got ${level}`);
  }

  #need<T>(value: T | undefined, operation: string, what: string): T {
    if (this.#disposed) throw new Error(`cannot ${operation}: this BfvCoeffContext was disposed; create a new one`);
    if (value === undefined) throw new Error(`cannot ${operation}: this context has no ${what}; call loadKeys() first`);
    return value;
  }
}

function parmsIdBytes(words: BigUint64Array): Uint8Array {
  const out = new Uint8Array(words.length * 8);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setBigUint64(8 * i, w, true));
  return out;
}
