/**
 * CKKS (Cheon, Kim, Kim, Song, Asiacrypt 2017) over node-seal 6.0.3 / Microsoft SEAL 4.1: the
 * homomorphic layer of vertical federated LR, where the coordinator holds the secret key (FATE's
 * "arbiter") and the sites compute on ciphertexts under its public key.
 *
 * Everything crosses this API as bytes: a ciphertext is one SEAL-serialized Uint8Array holding
 * up to `slotCount` values; a longer vector is split into consecutive ciphertexts
 * (`encryptVector`), the last zero-padded. No SEAL object escapes a call, and each call deletes
 * what it allocated (SealRuntime.run), so a worker can run for days without growing its heap.
 * One CkksContext per parameter set per worker thread; workers exchange bytes only.
 *
 * Scale management: multiplyPlain encodes its multiplier at the scale of the prime that the
 * following rescale removes, so results keep the nominal scale exactly and can be added to fresh
 * ciphertexts (the lower-level operand is switched down automatically).
 *
 * Decrypted values that leave the key holder must go through prepareForRelease (Li and
 * Micciancio, Eurocrypt 2021); see release.ts.
 *
 * Not part of the product: the federation trains over BFV (crypto/bfv-coeff.ts). This CKKS stack
 * stays, under bench/, so the BFV choice can be checked again: bench/ckks/bench.ts compares the
 * two and tests/crypto/ckks*.test.ts keep it working.
 */
import { CkksKeyring } from './keys.js';
import { CKKS_PARAM_SETS, CkksFormatError } from './params.js';
import type { CkksCompression, CkksContextOptions, CkksKeyMaterial, CkksKeyOptions, CkksParamSet, CkksParamSetName } from './params.js';
import { isWasmTrap, made, sealRuntime } from '../../crypto/seal.js';
import { loadSealBytes } from './params.js';
import type { CipherText, CKKSEncoder, ComprMode, Evaluator, Own, ParmsIdType, PlainText, SEALLibrary, SealContext, SealRuntime } from '../../crypto/seal.js';
import { checkCiphertextBytes, parmsIdToHex } from './wire.js';
import type { CiphertextInfo, CiphertextShape, SealLevel, WireCheck } from './wire.js';

export { CKKS_PARAM_SETS, CkksFormatError, publicKeyMaterial } from './params.js';
export type { CkksCompression, CkksContextOptions, CkksKeyMaterial, CkksKeyOptions, CkksParamSet, CkksParamSetName, CkksPublicKeyMaterial } from './params.js';
export { floodNoise, prepareForRelease, roundForRelease } from './release.js';
export type { ReleaseOptions } from './release.js';
export { SealAbortedError } from '../../crypto/seal.js';
export type { CiphertextInfo, WireCheck } from './wire.js';

interface Level extends SealLevel {
  readonly parmsId: ParmsIdType;
  /** The prime a rescale at this level removes, as a double (as SEAL divides the scale). */
  readonly lastPrime: number;
}

interface Loaded {
  readonly ct: CipherText;
  readonly level: number;
}

export class CkksContext {
  readonly paramSet: CkksParamSet;
  readonly compression: CkksCompression;
  readonly #runtime: SealRuntime;
  readonly #seal: SEALLibrary;
  readonly #context: SealContext;
  readonly #encoder: CKKSEncoder;
  readonly #evaluator: Evaluator;
  readonly #levels: readonly Level[];
  readonly #shape: CiphertextShape;
  readonly #keys: CkksKeyring;
  #disposed = false;

  private constructor(runtime: SealRuntime, paramSet: CkksParamSet, compression: CkksCompression, context: SealContext, levels: Level[]) {
    this.#runtime = runtime;
    this.#seal = runtime.seal;
    this.paramSet = paramSet;
    this.compression = compression;
    this.#context = context;
    this.#levels = levels;
    this.#shape = { polyModulusDegree: paramSet.polyModulusDegree, levels, acceptCompressed: compression !== 'none' };
    this.#encoder = this.#seal.CKKSEncoder(context);
    this.#evaluator = this.#seal.Evaluator(context);
    this.#keys = new CkksKeyring({ seal: this.#seal, context, encoder: this.#encoder, paramSet, acceptCompressed: this.#shape.acceptCompressed });
  }

  /** A context for `name` on this thread's SEAL instance, without keys yet. */
  static async create(name: CkksParamSetName, options: CkksContextOptions = {}): Promise<CkksContext> {
    const paramSet = Object.hasOwn(CKKS_PARAM_SETS, name) ? CKKS_PARAM_SETS[name] : undefined;
    if (paramSet === undefined) throw new RangeError(`unknown CKKS parameter set ${JSON.stringify(name)}; use one of ${Object.keys(CKKS_PARAM_SETS).join(', ')}`);
    const compression = options.compression ?? 'none';
    if (compression !== 'none' && compression !== 'zstd') throw new RangeError(`compression must be 'none' or 'zstd', got ${JSON.stringify(compression)}`);
    const runtime = await sealRuntime();
    return runtime.run(`create ${name}`, (own) => {
      const seal = runtime.seal;
      const parms = own(seal.EncryptionParameters(seal.SchemeType.ckks));
      parms.setPolyModulusDegree(paramSet.polyModulusDegree);
      parms.setCoeffModulus(own(seal.CoeffModulus.Create(paramSet.polyModulusDegree, Int32Array.from(paramSet.coeffModulusBits))));
      const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
      const levels: Level[] = [];
      try {
        if (!context.parametersSet()) throw new Error(`SEAL rejected the ${name} parameters at 128-bit security; the parameter table is wrong`);
        let data = own(context.firstContextData);
        for (;;) {
          const primes = own(data.parms).coeffModulus;
          const parmsId = data.parmsId;
          levels.push({
            parmsId, parmsIdHex: parmsIdToHex(parmsId.values), primeCount: primes.length,
            totalBits: [...primes].reduce((sum, q) => sum + q.toString(2).length, 0), lastPrime: Number(primes[primes.length - 1]!),
          });
          if (data.chainIndex === 0) break;
          data = own(data.nextContextData);
        }
        return new CkksContext(runtime, paramSet, compression, context, levels);
      } catch (e) {
        for (const level of levels) level.parmsId.delete();
        context.delete();
        throw e;
      }
    });
  }

  get slotCount(): number {
    return this.paramSet.slots;
  }
  get hasPublicKey(): boolean {
    return this.#keys.publicKey !== undefined;
  }
  get hasSecretKey(): boolean {
    return this.#keys.secretKey !== undefined;
  }
  get hasGaloisKeys(): boolean {
    return this.#keys.galoisKeys !== undefined;
  }
  get hasRelinKeys(): boolean {
    return this.#keys.relinKeys !== undefined;
  }

  /** New keys for this parameter set, loaded into this context (the key holder's). */
  generateKeys(options: CkksKeyOptions = {}): CkksKeyMaterial {
    const material = this.#run('generate keys', (own) => this.#keys.generate(options, this.#comprMode(), own));
    this.loadKeys(material);
    return material;
  }

  /**
   * Load any subset of keys: a party other than the key holder loads the public part only
   * (publicKeyMaterial). Replaces keys loaded before; a public and a secret key loaded together
   * or one after the other must be a pair. All or nothing: on error the old keys stay.
   */
  loadKeys(keys: Partial<CkksKeyMaterial>): void {
    if (typeof keys !== 'object' || keys === null) throw new TypeError('keys must be an object { publicKey?, secretKey?, relinKeys?, galoisKeys? }');
    this.#run('load keys', (own) => this.#keys.load(keys, own));
  }

  /** Encrypt up to slotCount values (fewer are zero-padded) into one ciphertext. */
  encrypt(values: Float64Array): Uint8Array {
    this.#requireValues(values, 'values to encrypt');
    if (values.length === 0) throw new RangeError('nothing to encrypt: values is empty');
    const encryptor = this.#need(this.#keys.encryptor, 'encrypt', 'public key');
    return this.#run('encrypt', (own) => this.#save(own(made(encryptor.encrypt(own(this.#encode(values, this.#scale))), 'encrypt'))));
  }

  /** Encrypt a vector of any length as ceil(length / slotCount) ciphertexts, in order. */
  encryptVector(values: Float64Array): Uint8Array[] {
    this.#requireValues(values, 'values to encrypt', Number.POSITIVE_INFINITY);
    const out: Uint8Array[] = [];
    for (let i = 0; i < values.length; i += this.slotCount) out.push(this.encrypt(values.subarray(i, i + this.slotCount)));
    return out;
  }

  /** Decrypt one ciphertext to its first `length` slots (default all). Key holder only. */
  decrypt(ciphertext: Uint8Array, length = this.slotCount): Float64Array {
    if (!Number.isInteger(length) || length < 0 || length > this.slotCount) throw new RangeError(`length must be an integer in 0..${this.slotCount}, got ${length}`);
    const decryptor = this.#need(this.#keys.decryptor, 'decrypt', 'secret key (only the key holder decrypts)');
    return this.#run('decrypt', (own) => {
      const { ct } = this.#load(ciphertext, 'ciphertext to decrypt', own);
      return this.#encoder.decode(own(made(decryptor.decrypt(ct), 'decrypt'))).slice(0, length);
    });
  }

  /** Decrypt the output of encryptVector back to `length` values. */
  decryptVector(ciphertexts: readonly Uint8Array[], length: number): Float64Array {
    const expected = Math.ceil(length / this.slotCount);
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`length must be a non-negative integer, got ${length}`);
    if (ciphertexts.length !== expected) throw new RangeError(`${length} values take ${expected} ciphertexts of ${this.slotCount} slots; got ${ciphertexts.length}`);
    const out = new Float64Array(length);
    ciphertexts.forEach((ct, i) => out.set(this.decrypt(ct, Math.min(this.slotCount, length - i * this.slotCount)), i * this.slotCount));
    return out;
  }

  add(a: Uint8Array, b: Uint8Array): Uint8Array {
    return this.#combine('add', a, b);
  }

  sub(a: Uint8Array, b: Uint8Array): Uint8Array {
    return this.#combine('sub', a, b);
  }

  /** ciphertext + plaintext vector (slot-wise; a shorter vector is zero-padded). */
  addPlain(ciphertext: Uint8Array, values: Float64Array): Uint8Array {
    this.#requireValues(values, 'values to add');
    return this.#run('addPlain', (own) => {
      const x = this.#load(ciphertext, 'ciphertext', own);
      const plain = own(this.#encode(values, x.ct.scale, x.level));
      return this.#save(own(made(this.#evaluator.addPlain(x.ct, plain), 'addPlain')));
    });
  }

  /** ciphertext x plaintext vector (slot-wise), rescaled: uses one level of depth. */
  multiplyPlain(ciphertext: Uint8Array, values: Float64Array): Uint8Array {
    this.#requireValues(values, 'multiplier');
    return this.#run('multiplyPlain', (own) => this.#save(this.#multiplyPlain(this.#load(ciphertext, 'ciphertext', own), values, own).ct));
  }

  /** ciphertext x scalar, rescaled: uses one level of depth. */
  multiplyScalar(ciphertext: Uint8Array, scalar: number): Uint8Array {
    if (typeof scalar !== 'number') throw new TypeError(`scalar must be a number, got ${typeof scalar}`);
    return this.multiplyPlain(ciphertext, new Float64Array(this.slotCount).fill(scalar));
  }

  /**
   * ciphertext x ciphertext, relinearized and rescaled (needs relinearization keys). The result's
   * scale is s_a s_b / q rather than the nominal one: add it only to results of the same kind.
   */
  multiply(a: Uint8Array, b: Uint8Array): Uint8Array {
    const relinKeys = this.#need(this.#keys.relinKeys, 'multiply ciphertexts', 'relinearization keys');
    return this.#run('multiply', (own) => {
      const [x, y] = this.#align(this.#load(a, 'first ciphertext', own), this.#load(b, 'second ciphertext', own), own);
      this.#requireDepth(x.level, 'multiply');
      const product = own(made(this.#evaluator.multiply(x.ct, y.ct), 'multiply'));
      const relinearized = own(made(this.#evaluator.relinearize(product, relinKeys), 'relinearize'));
      return this.#save(own(made(this.#evaluator.rescaleToNext(relinearized), 'rescale')));
    });
  }

  /** Every slot of the result holds the sum of all slots (log2(slots) rotations; Galois keys). */
  sumSlots(ciphertext: Uint8Array): Uint8Array {
    return this.#run('sumSlots', (own) => this.#save(this.#sumSlots(this.#load(ciphertext, 'ciphertext', own).ct, own)));
  }

  /** sum_i ct[i] * values[i], in every slot: multiplyPlain then sumSlots in one pass. */
  innerProductPlain(ciphertext: Uint8Array, values: Float64Array): Uint8Array {
    this.#requireValues(values, 'multiplier');
    return this.#run('innerProductPlain', (own) => {
      const product = this.#multiplyPlain(this.#load(ciphertext, 'ciphertext', own), values, own);
      return this.#save(this.#sumSlots(product.ct, own));
    });
  }

  /**
   * Switch a ciphertext to the last level before sending it to the decryptor: no more
   * arithmetic is possible on it, but it is a third the size for ckks-8192 (131 KB vs 393 KB).
   */
  compactForDecryption(ciphertext: Uint8Array): Uint8Array {
    return this.#run('compactForDecryption', (own) => {
      const x = this.#load(ciphertext, 'ciphertext', own);
      const last = this.#levels.length - 1;
      return this.#save(x.level === last ? x.ct : own(made(this.#evaluator.cipherModSwitchTo(x.ct, this.#levels[last]!.parmsId), 'modSwitch')));
    });
  }

  /** Check bytes against this context without SEAL: a result, never a throw. */
  checkCiphertext(ciphertext: Uint8Array): WireCheck<CiphertextInfo> {
    return checkCiphertextBytes(ciphertext, this.#shape);
  }

  /** Free every SEAL object of this context. Idempotent; the context is unusable afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#runtime.aborted) return; // deleting in an aborted heap could trap again
    this.#keys.dispose();
    this.#evaluator.delete();
    this.#encoder.delete();
    for (const level of this.#levels) level.parmsId.delete();
    this.#context.delete();
  }

  get #scale(): number {
    return 2 ** this.paramSet.scaleBits;
  }

  #run<T>(operation: string, fn: (own: Own) => T): T {
    if (this.#disposed) throw new Error(`cannot ${operation}: this CkksContext was disposed; create a new one`);
    return this.#runtime.run(operation, fn);
  }

  #comprMode(): ComprMode {
    const modes = this.#seal.ComprModeType;
    return this.compression === 'zstd' ? modes.zstd : modes.none;
  }

  #save(ct: CipherText): Uint8Array {
    return ct.saveArray(this.#comprMode());
  }

  #load(bytes: Uint8Array, what: string, own: Own): Loaded {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
    const check = checkCiphertextBytes(bytes, this.#shape);
    if (!check.ok) throw new CkksFormatError(`${what}: ${check.reason}`);
    const ct = own(this.#seal.CipherText());
    loadSealBytes(ct, this.#context, bytes, what);
    const parmsId = own(ct.parmsId);
    const level = this.#levels.findIndex((l) => l.parmsIdHex === parmsIdToHex(parmsId.values));
    if (level < 0) throw new CkksFormatError(`${what}: its parms_id matches no level of ${this.paramSet.name}`);
    return { ct, level };
  }

  /** Encode at `scale`, switched down to `level`. The caller owns the result. */
  #encode(values: Float64Array, scale: number, level = 0): PlainText {
    const plain = made(this.#encoder.encode(values, scale), 'encode');
    if (level === 0) return plain;
    try {
      return made(this.#evaluator.plainModSwitchTo(plain, this.#levels[level]!.parmsId), 'plainModSwitchTo');
    } finally {
      plain.delete();
    }
  }

  #multiplyPlain(x: Loaded, values: Float64Array, own: Own): Loaded {
    this.#requireDepth(x.level, 'multiplyPlain');
    // Encoded at the scale of the prime the rescale drops, so the result keeps x's scale.
    const plain = own(this.#encode(values, this.#levels[x.level]!.lastPrime, x.level));
    // An all-zero plaintext would give a "transparent" ciphertext, which SEAL refuses to produce.
    if (plain.isZero) return this.#encryptZero(x.level + 1, x.ct.scale, own);
    const product = own(made(this.#evaluator.multiplyPlain(x.ct, plain), 'multiplyPlain'));
    return { ct: own(made(this.#evaluator.rescaleToNext(product), 'rescale')), level: x.level + 1 };
  }

  #sumSlots(ct: CipherText, own: Own): CipherText {
    const galoisKeys = this.#need(this.#keys.galoisKeys, 'sum slots', 'Galois keys');
    const acc = own(ct.clone());
    const rotated = own(this.#seal.CipherText());
    for (let step = 1; step < this.slotCount; step *= 2) {
      this.#evaluator.rotateVector(acc, step, galoisKeys, rotated);
      this.#evaluator.add(acc, rotated, acc);
    }
    return acc;
  }

  #combine(op: 'add' | 'sub', a: Uint8Array, b: Uint8Array): Uint8Array {
    return this.#run(op, (own) => {
      const [x, y] = this.#align(this.#load(a, 'first ciphertext', own), this.#load(b, 'second ciphertext', own), own);
      try {
        return this.#save(own(made(op === 'add' ? this.#evaluator.add(x.ct, y.ct) : this.#evaluator.sub(x.ct, y.ct), op)));
      } catch (e) {
        // x - x (or x + (-x)) cancels to a transparent ciphertext: return a fresh encryption of 0.
        if (!isWasmTrap(e) && e instanceof Error && /transparent/.test(e.message)) return this.#save(this.#encryptZero(x.level, x.ct.scale, own).ct);
        throw e;
      }
    });
  }

  /** Switch the higher-level operand down to the other's level; scales must then agree. */
  #align(x: Loaded, y: Loaded, own: Own): [Loaded, Loaded] {
    const down = (z: Loaded, level: number): Loaded =>
      z.level === level ? z : { ct: own(made(this.#evaluator.cipherModSwitchTo(z.ct, this.#levels[level]!.parmsId), 'modSwitch')), level };
    const level = Math.max(x.level, y.level);
    const [p, q] = [down(x, level), down(y, level)];
    if (Math.abs(p.ct.scale - q.ct.scale) > 1e-9 * Math.max(p.ct.scale, q.ct.scale)) {
      throw new Error(
        `scale mismatch (2^${Math.log2(p.ct.scale).toFixed(3)} vs 2^${Math.log2(q.ct.scale).toFixed(3)}): only ciphertexts with the same multiply() history can be combined`,
      );
    }
    return [p, q];
  }

  #encryptZero(level: number, scale: number, own: Own): Loaded {
    const encryptor = this.#need(this.#keys.encryptor, 'encrypt a zero result', 'public key');
    let ct = own(made(encryptor.encrypt(own(this.#encode(new Float64Array(this.slotCount), this.#scale))), 'encrypt'));
    if (level > 0) ct = own(made(this.#evaluator.cipherModSwitchTo(ct, this.#levels[level]!.parmsId), 'modSwitch'));
    ct.setScale(scale);
    return { ct, level };
  }

  #requireDepth(level: number, operation: string): void {
    if (level >= this.#levels.length - 1) {
      throw new Error(`cannot ${operation}: the ciphertext has used all ${this.paramSet.depth} levels of ${this.paramSet.name} (or was compacted); plan fewer multiplications or use ckks-8192`);
    }
  }

  #requireValues(values: Float64Array, what: string, maxLength = this.slotCount): void {
    if (!(values instanceof Float64Array)) throw new TypeError(`${what} must be a Float64Array, got ${values === null ? 'null' : typeof values}`);
    if (values.length > maxLength) throw new RangeError(`${what} has ${values.length} values; a ciphertext has ${this.slotCount} slots (encryptVector splits longer vectors)`);
    const limit = this.paramSet.maxAbsValue;
    const bad = values.findIndex((v) => !(Math.abs(v) <= limit));
    if (bad >= 0) throw new RangeError(`${what}[${bad}] is ${values[bad]}; ${this.paramSet.name} needs finite values with |v| <= ${limit}`);
  }

  #need<T>(value: T | undefined, operation: string, what: string): T {
    if (this.#disposed) throw new Error(`cannot ${operation}: this CkksContext was disposed; create a new one`);
    if (value === undefined) throw new Error(`cannot ${operation}: this context has no ${what}; call loadKeys() first`);
    return value;
  }
}
