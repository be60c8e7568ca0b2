/**
 * The leaf chain's scoring context (docs/design/secureboost.md 7.1, 7.3): BFV with *batching*
 * (slot-wise plaintext arithmetic mod a prime t_s = 1 mod 2N), over node-seal 6.0.3 / SEAL 4.1.
 *
 * Operations, in the chain's order: the bank encrypts its values (fixed point, signed mod t_s)
 * under its per-model scoring key; each passive multiplies by its own 0/1 indicator
 * (`multiplyIndicator`, a plaintext multiply); the last passive adds a uniform mask rho per slot,
 * a fresh encryption of zero (re-randomizes c1, which otherwise is the bank's own c1 times the
 * passives' plaintexts, readable by the bank) and flooding noise on c0 (`finish`); the bank
 * decrypts (`decrypt`).
 *
 * t_s: one 29-bit prime for every ring degree, 536641537 = 1 + 16377 x 2^15 (SEAL's
 * `PlainModulus.Batching(16384, 29)`), so it batches at N = 8192 and N = 16384 alike and the
 * secure aggregation's lane (scoring/secure-aggregation.ts) has one modulus whatever the key.
 *
 * Noise (7.3), a worst-case bound from the parameters, never measured: with B = 6 sigma
 * (sigma 3.2, SEAL's), a fresh ciphertext's noise is at most v0 = B (1 + 2N) (e0 + e u + e1 s,
 * ternary u and s). A plaintext multiply by p (coefficients centered mod t, |p|inf <= t/2) maps
 * v to v N t / 2 plus the term (q mod t) * r with |r|inf <= N t / 4 from Delta m p wrapping mod
 * t: v_{k+1} = v_k N t / 2 + N t^2 / 4. The last passive adds a fresh zero (v0) and floods with
 * a uniform integer in [-2^(e+40), 2^(e+40)), e = ceil(log2 v): statistical distance at most
 * 2^-40 between the decrypted noise for any two indicator patterns. Decryption needs
 * v + 2^(e+40) < Delta / 2 = q / (2 t). At N = 8192 (q: 174 data bits, Delta/2 ~ 2^144) the bound
 * allows ONE passive (v ~ 2^69, flooding 2^110); two passives give v ~ 2^110, flooding 2^151, too
 * much. The design's section 7.1 estimated 2^94 for two passives (average case, not worst case):
 * here the ring degree is chosen from the worst-case bound (`ringDegreeFor`), so 3 sites (2
 * passives) already take N = 16384 (q: 389 data bits), which holds up to 6 passives.
 */
import crypto from 'node:crypto';
import { made, sealRuntime } from './seal.js';
import type { CipherText, Decryptor, Encryptor, Evaluator, PlainText, PublicKey, SEALLibrary, SealContext, SealRuntime } from './seal.js';
import type { BatchEncoder } from 'node-seal/implementation/batch-encoder.js';
import { plaintextCoefficients } from './bfv-wire.js';

/** The chain's plain modulus and the secure aggregation lane's modulus. */
export const CHAIN_PLAIN_MODULUS = 536641537;
/** Fixed-point fraction bits of a slot value: round(w 2^16) mod t_s. */
export const CHAIN_FRACTION_BITS = 16;
/**
 * The lane's range in logit units: |whole logit| x 2^16 < t_s / 2 (2^28). Half of it is the
 * slots' (models/fusion/part.ts bounds a card's tree terms by it), half the sites' own terms
 * outside the slots (scoring/leaf-chain.ts ownTermResidue).
 */
export const CHAIN_SUM_LIMIT = 4096;
/** Statistical security of the flooding (7.3). */
export const FLOOD_SECURITY_BITS = 40;
const SIGMA_BOUND = 6 * 3.2;
/** SEAL's BFVDefault data bits (all primes but the special one), 128-bit security. */
const DATA_BITS: Readonly<Record<number, number>> = { 8192: 174, 16384: 389 };

export type RingDegree = 8192 | 16384;

/** log2 of the worst-case noise bound after `passives` plaintext multiplies plus a fresh zero (see header). */
export function noiseBoundBits(n: number, passives: number, t = CHAIN_PLAIN_MODULUS): number {
  const v0 = SIGMA_BOUND * (1 + 2 * n);
  // In log2 to stay finite: v_{k+1} = v_k N t / 2 + N t^2 / 4.
  let lv = Math.log2(v0);
  const lmul = Math.log2(n * t / 2);
  const lwrap = Math.log2(n) + 2 * Math.log2(t) - 2;
  const addLog = (a: number, b: number) => Math.max(a, b) + Math.log2(1 + 2 ** -Math.abs(a - b));
  for (let k = 0; k < passives; k++) lv = addLog(lv + lmul, lwrap);
  return addLog(lv, Math.log2(v0));
}

/** The flooding width e + 40 (log2 of its half-range) for this many passives. */
export function floodBits(n: number, passives: number): number {
  return Math.ceil(noiseBoundBits(n, passives)) + FLOOD_SECURITY_BITS;
}

/** Whether decryption stays correct: noise + flooding under Delta / 2 with a bit to spare. */
export function budgetHolds(n: number, passives: number): boolean {
  const data = DATA_BITS[n];
  if (data === undefined) return false;
  const half = data - Math.log2(CHAIN_PLAIN_MODULUS) - 1;
  return floodBits(n, passives) + 1 < half;
}

/** The smallest ring degree whose noise budget holds for this many passive sites (header). */
export function ringDegreeFor(passives: number): RingDegree {
  if (budgetHolds(8192, passives)) return 8192;
  if (budgetHolds(16384, passives)) return 16384;
  throw new RangeError(`the leaf chain's noise budget does not hold for ${passives} passive sites even at N = 16384; at most 6 are supported`);
}

export interface ChainKeys {
  readonly n: RingDegree;
  readonly publicKey: Uint8Array;
  /** The bank's only. */
  readonly secretKey?: Uint8Array;
}

/** SEAL's 'none' ciphertext layout: header, meta (parms id, NTT flag, 5 u64 + a double), array header and count. */
const DATA_OFFSET = 16 + (32 + 1 + 8 * 5) + 16 + 8;

export class BfvBatchContext {
  readonly n: RingDegree;
  readonly slots: number;
  readonly plainModulus = CHAIN_PLAIN_MODULUS;
  readonly #runtime: SealRuntime;
  readonly #seal: SEALLibrary;
  readonly #context: SealContext;
  readonly #evaluator: Evaluator;
  readonly #encoder: BatchEncoder;
  readonly #primes: readonly bigint[];
  #publicKey: PublicKey | undefined;
  #encryptor: Encryptor | undefined;
  #decryptor: Decryptor | undefined;
  #secret: Int8Array | undefined;

  private constructor(runtime: SealRuntime, context: SealContext, n: RingDegree, primes: bigint[]) {
    this.#runtime = runtime;
    this.#seal = runtime.seal;
    this.#context = context;
    this.n = n;
    this.slots = n;
    this.#primes = primes;
    this.#evaluator = this.#seal.Evaluator(context);
    this.#encoder = this.#seal.BatchEncoder(context);
  }

  static async create(n: RingDegree): Promise<BfvBatchContext> {
    const runtime = await sealRuntime();
    return runtime.run('create BFV batching context', (own) => {
      const seal = runtime.seal;
      const parms = own(seal.EncryptionParameters(seal.SchemeType.bfv));
      parms.setPolyModulusDegree(n);
      parms.setCoeffModulus(own(seal.CoeffModulus.BFVDefault(n, seal.SecurityLevel.tc128)));
      parms.setPlainModulus(own(seal.Modulus(BigInt(CHAIN_PLAIN_MODULUS))));
      const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
      if (!context.parametersSet()) throw new Error(`SEAL rejected the batching parameters at N = ${n}`);
      const data = own(context.firstContextData);
      const primes = [...own(data.parms).coeffModulus].map((q) => BigInt(q));
      return new BfvBatchContext(runtime, context, n, primes);
    });
  }

  /** A new per-model scoring key (the bank at model finish), loaded here. */
  generateKeys(): Required<ChainKeys> {
    const keys = this.#runtime.run('generate scoring keys', (own) => {
      const generator = own(this.#seal.KeyGenerator(this.#context));
      const z = this.#seal.ComprModeType.zstd;
      return { n: this.n, secretKey: own(generator.secretKey()).saveArray(z), publicKey: own(generator.createPublicKey()).saveArray(z) };
    });
    this.loadKeys(keys);
    return keys;
  }

  loadKeys(keys: ChainKeys): void {
    if (keys.n !== this.n) throw new RangeError(`a scoring key for N = ${keys.n} loaded into an N = ${this.n} context`);
    this.#runtime.run('load scoring keys', () => {
      const pk = this.#seal.PublicKey();
      pk.loadArray(this.#context, keys.publicKey);
      this.#publicKey?.delete();
      this.#encryptor?.delete();
      this.#publicKey = pk;
      this.#encryptor = this.#seal.Encryptor(this.#context, pk);
      if (keys.secretKey !== undefined) {
        const sk = this.#seal.SecretKey();
        try {
          sk.loadArray(this.#context, keys.secretKey);
          this.#decryptor?.delete();
          this.#decryptor = this.#seal.Decryptor(this.#context, sk);
          this.#secret = undefined;
        } finally {
          sk.delete();
        }
      }
    });
  }

  /** Bank: encrypt slot values (integers, signed; |v| < t_s / 2), zero-padded to N slots. */
  encryptValues(values: Int32Array): Uint8Array {
    const encryptor = this.#need(this.#encryptor, 'encrypt', 'public');
    if (values.length > this.slots) throw new RangeError(`${values.length} values for ${this.slots} slots`);
    return this.#runtime.run('encrypt chain values', (own) => {
      const padded = new Int32Array(this.slots);
      padded.set(values);
      const plain = own(made(this.#encoder.encode(padded), 'batch encode'));
      return this.#save(own(made(encryptor.encrypt(plain), 'encrypt')));
    });
  }

  /** Passive: the ciphertext times its 0/1 indicator, slot-wise. */
  multiplyIndicator(ciphertext: Uint8Array, indicator: Uint8Array): Uint8Array {
    if (indicator.length > this.slots) throw new RangeError(`${indicator.length} indicator slots for ${this.slots}`);
    return this.#runtime.run('multiply by indicator', (own) => {
      const x = new Int32Array(this.slots);
      x.set(indicator);
      // SEAL refuses a product with the zero plaintext (a "transparent" ciphertext): a fresh zero is the same value.
      if (!x.some((v) => v !== 0)) return this.#save(this.#freshZero(own));
      const ct = this.#load(ciphertext, own);
      const plain = own(made(this.#encoder.encode(x), 'batch encode'));
      this.#evaluator.multiplyPlain(ct, plain, ct);
      return this.#save(ct);
    });
  }

  /**
   * Last passive: add rho (residues mod t_s, one per slot), a fresh encryption of zero and
   * flooding noise of half-width 2^floodBits on c0 (coefficient form): what leaves here is
   * independent of every indicator pattern but for the slot values.
   */
  finish(ciphertext: Uint8Array, rho: Uint32Array, passives: number): Uint8Array {
    const bits = floodBits(this.n, passives);
    if (!budgetHolds(this.n, passives)) throw new RangeError(`N = ${this.n} cannot hold ${passives} passives' noise; the scoring key was made for fewer`);
    return this.#runtime.run('finish chain', (own) => {
      const ct = this.#load(ciphertext, own);
      const r = new Uint32Array(this.slots);
      r.set(rho);
      this.#evaluator.addPlain(ct, own(made(this.#encoder.encode(r), 'batch encode')), ct);
      this.#evaluator.add(ct, this.#freshZero(own), ct);
      const bytes = ct.saveArray(this.#seal.ComprModeType.none);
      this.#flood(bytes, bits);
      const flooded = own(this.#seal.CipherText());
      flooded.loadArray(this.#context, bytes);
      return this.#save(flooded);
    });
  }

  /** Bank: the slot values, residues in [0, t_s). */
  decrypt(ciphertext: Uint8Array): Uint32Array {
    const decryptor = this.#need(this.#decryptor, 'decrypt', 'secret');
    return this.#runtime.run('decrypt chain', (own) => {
      const ct = this.#load(ciphertext, own);
      const plain = own(made(decryptor.decrypt(ct), 'decrypt'));
      return Uint32Array.from(this.#encoder.decode(plain, false));
    });
  }

  /**
   * TEST AND DIAGNOSTICS: the decrypted noise (c0 + c1 s - Delta m)[i] mod q, centered, at the
   * given coefficients (the flooding test compares its distribution between indicator patterns).
   */
  noiseAt(ciphertext: Uint8Array, indexes: readonly number[]): bigint[] {
    const decryptor = this.#need(this.#decryptor, 'read noise', 'secret');
    const sigma = this.#secret ??= this.#secretCoefficients(decryptor);
    return this.#runtime.run('noise sample', (own) => {
      const ct = this.#load(ciphertext, own);
      const m = plaintextCoefficients(own(made(decryptor.decrypt(ct), 'decrypt')).saveArray(this.#seal.ComprModeType.none), this.n);
      const bytes = ct.saveArray(this.#seal.ComprModeType.none);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const k = this.#primes.length;
      const n = this.n;
      const primes = this.#primes.slice(0, k);
      const bigQ = primes.reduce((a, b) => a * b, 1n);
      const delta = bigQ / BigInt(CHAIN_PLAIN_MODULUS);
      const word = (poly: number, j: number, i: number) => Number(view.getBigUint64(DATA_OFFSET + 8 * ((poly * k + j) * n + i), true));
      return indexes.map((idx) => {
        const residues = primes.map((qb, j) => {
          const q = Number(qb);
          let pos = word(0, j, idx);
          let neg = 0;
          for (let a = 0; a < n; a++) {
            // (c1 s)[idx] = sum_a c1[a] s[idx - a], with X^N = -1 for idx - a < 0.
            const b = idx - a;
            const sv = b >= 0 ? sigma[b]! : -sigma[b + n]!;
            if (sv === 0) continue;
            const v = word(1, j, a);
            if (sv > 0) pos += v; else neg += v;
            if ((a & 127) === 127) { pos %= q; neg %= q; }
          }
          return BigInt((((pos % q) - (neg % q)) % q + q) % q);
        });
        let x = 0n;
        primes.forEach((q, j) => {
          const rest = bigQ / q;
          x += residues[j]! * rest * modInverse(rest % q, q);
        });
        let v = (((x - delta * BigInt(m[idx]!)) % bigQ) + bigQ) % bigQ;
        if (v > bigQ / 2n) v -= bigQ;
        return v;
      });
    });
  }

  /** The secret key's coefficients (ternary), read by decrypting c = (0, Delta): m = s. */
  #secretCoefficients(decryptor: Decryptor): Int8Array {
    return this.#runtime.run('read secret key', (own) => {
      const probe = own(made(this.#encryptor!.encrypt(own(made(this.#encoder.encode(new Int32Array(this.slots)), 'encode'))), 'encrypt'));
      const bytes = probe.saveArray(this.#seal.ComprModeType.none);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const k = this.#primes.length;
      const primes = this.#primes.slice(0, k);
      const delta = primes.reduce((a, b) => a * b, 1n) / BigInt(CHAIN_PLAIN_MODULUS);
      for (let w = DATA_OFFSET; w < bytes.length; w += 8) view.setBigUint64(w, 0n, true);
      primes.forEach((q, j) => view.setBigUint64(DATA_OFFSET + 8 * ((k + j) * this.n), delta % q, true));
      const ct = own(this.#seal.CipherText());
      ct.loadArray(this.#context, bytes);
      const s = plaintextCoefficients(own(made(decryptor.decrypt(ct), 'decrypt')).saveArray(this.#seal.ComprModeType.none), this.n);
      const out = new Int8Array(this.n);
      for (let i = 0; i < this.n; i++) out[i] = s[i] === 0 ? 0 : s[i] === 1 ? 1 : s[i] === CHAIN_PLAIN_MODULUS - 1 ? -1 : 2;
      if (out.some((v) => v === 2)) throw new Error('the secret key is not ternary: reading the noise needs SEAL\'s default key distribution');
      return out;
    });
  }

  dispose(): void {
    this.#publicKey?.delete();
    this.#encryptor?.delete();
    this.#decryptor?.delete();
    this.#encoder.delete();
    this.#evaluator.delete();
    this.#context.delete();
  }

  #freshZero(own: <O extends { delete(): void }>(o: O) => O): CipherText {
    const encryptor = this.#need(this.#encryptor, 'encrypt zero', 'public');
    const zero = own(made(this.#encoder.encode(new Int32Array(this.slots)), 'batch encode'));
    return own(made(encryptor.encrypt(zero), 'encrypt zero'));
  }

  /** Adds a uniform integer in [-2^bits, 2^bits) to every c0 coefficient, in place in SEAL 'none' bytes (coefficient form). */
  #flood(bytes: Uint8Array, bits: number): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint8(16 + 32) !== 0) throw new Error('flooding expects a BFV ciphertext in coefficient form');
    const k = this.#primes.length;
    const n = this.n;
    const byteCount = Math.ceil((bits + 1) / 8);
    const random = crypto.randomBytes(byteCount * n);
    const top = (bits + 1) % 8;
    const offset = 1n << BigInt(bits);
    for (let i = 0; i < n; i++) {
      const chunk = random.subarray(i * byteCount, (i + 1) * byteCount);
      if (top !== 0) chunk[0]! &= (1 << top) - 1;
      const r = BigInt(`0x${chunk.toString('hex')}`) - offset;
      for (let j = 0; j < k; j++) {
        const q = this.#primes[j]!;
        const at = DATA_OFFSET + 8 * (j * n + i);
        let v = (view.getBigUint64(at, true) + (r % q)) % q;
        if (v < 0n) v += q;
        view.setBigUint64(at, v, true);
      }
    }
  }

  #load(bytes: Uint8Array, own: <O extends { delete(): void }>(o: O) => O): CipherText {
    const ct = own(this.#seal.CipherText());
    try {
      ct.loadArray(this.#context, bytes);
    } catch (e) {
      throw new Error(`not a leaf-chain ciphertext for N = ${this.n}: ${typeof e === 'number' ? this.#seal.Exception.safe(e).message : String(e)}`);
    }
    return ct;
  }

  /** Uncompressed on purpose: a compressed ciphertext's size varies from one to the next (hundreds of bytes), a side channel the relay would see; 'none' is one size per ring degree. */
  #save(ct: CipherText): Uint8Array {
    return ct.saveArray(this.#seal.ComprModeType.none);
  }

  #need<T>(value: T | undefined, op: string, key: string): T {
    if (value === undefined) throw new Error(`cannot ${op}: no ${key} scoring key loaded`);
    return value;
  }
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [((a % m) + m) % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

export type { PlainText };
