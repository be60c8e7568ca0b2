/**
 * The keys of one CkksContext (bench/ckks/ckks.ts): SEAL key objects, the Encryptor and Decryptor
 * built on them, generation, and loading from bytes.
 *
 * Keys are generated in SEAL's seeded ("Serializable") form, which replaces one polynomial of
 * each key by the seed of the PRNG that made it: half the bytes on the wire. A key holder then
 * loads its own serialized keys back, so it computes with exactly what the other parties get.
 * A load is all-or-nothing: a bad key leaves the keys loaded before in place.
 */
import { CkksFormatError } from './params.js';
import type { CkksKeyMaterial, CkksKeyOptions, CkksParamSet } from './params.js';
import { made } from '../../crypto/seal.js';
import { loadSealBytes } from './params.js';
import type { CKKSEncoder, ComprMode, Decryptor, Encryptor, GaloisKeys, Own, PublicKey, RelinKeys, SEALLibrary, SealContext, SealObject, SecretKey } from '../../crypto/seal.js';
import { checkSealHeader } from './wire.js';

export interface KeyringSetup {
  readonly seal: SEALLibrary;
  readonly context: SealContext;
  readonly encoder: CKKSEncoder;
  readonly paramSet: CkksParamSet;
  readonly acceptCompressed: boolean;
}

export class CkksKeyring {
  publicKey: PublicKey | undefined;
  secretKey: SecretKey | undefined;
  relinKeys: RelinKeys | undefined;
  galoisKeys: GaloisKeys | undefined;
  encryptor: Encryptor | undefined;
  decryptor: Decryptor | undefined;

  constructor(private readonly setup: KeyringSetup) {}

  /** Fresh keys, serialized; the caller loads them with load(). */
  generate(options: CkksKeyOptions, mode: ComprMode, own: Own): CkksKeyMaterial {
    const { seal, context, paramSet } = this.setup;
    // sumSlots rotates by 1, 2, 4, ..., slots/2: only those Galois keys, about half of SEAL's default set.
    const steps = Int32Array.from({ length: Math.log2(paramSet.slots) }, (_, i) => 2 ** i);
    const generator = own(seal.KeyGenerator(context));
    return {
      secretKey: own(generator.secretKey()).saveArray(mode),
      publicKey: own(generator.createPublicKeySerializable()).saveArray(mode),
      ...(options.relinKeys ?? true ? { relinKeys: own(generator.createRelinKeysSerializable()).saveArray(mode) } : {}),
      ...(options.galoisKeys ?? true ? { galoisKeys: own(generator.createGaloisKeysSerializable(steps)).saveArray(mode) } : {}),
    };
  }

  /**
   * Load any subset of keys, replacing those loaded before. If a public and a secret key are
   * both present afterwards, they must be a pair: checked by a test encryption.
   */
  load(keys: Partial<CkksKeyMaterial>, own: Own): void {
    const { seal, context } = this.setup;
    const fresh: SealObject[] = [];
    const track = <O extends SealObject>(object: O): O => {
      fresh.push(object);
      return object;
    };
    try {
      const publicKey = this.#parse('public key', keys.publicKey, () => track(seal.PublicKey()));
      const secretKey = this.#parse('secret key', keys.secretKey, () => track(seal.SecretKey()));
      const relinKeys = this.#parse('relinearization keys', keys.relinKeys, () => track(seal.RelinKeys()));
      const galoisKeys = this.#parse('Galois keys', keys.galoisKeys, () => track(seal.GaloisKeys()));
      const encryptor = publicKey && track(seal.Encryptor(context, publicKey));
      const decryptor = secretKey && track(seal.Decryptor(context, secretKey));
      const pairEncryptor = encryptor ?? this.encryptor;
      const pairDecryptor = decryptor ?? this.decryptor;
      if ((encryptor || decryptor) && pairEncryptor && pairDecryptor) this.#checkPair(pairEncryptor, pairDecryptor, own);
      // Nothing below throws: swap the new keys in.
      if (publicKey) this.publicKey = replace(this.publicKey, publicKey);
      if (secretKey) this.secretKey = replace(this.secretKey, secretKey);
      if (relinKeys) this.relinKeys = replace(this.relinKeys, relinKeys);
      if (galoisKeys) this.galoisKeys = replace(this.galoisKeys, galoisKeys);
      if (encryptor) this.encryptor = replace(this.encryptor, encryptor);
      if (decryptor) this.decryptor = replace(this.decryptor, decryptor);
    } catch (e) {
      for (const object of fresh) object.delete();
      throw e;
    }
  }

  dispose(): void {
    for (const object of [this.encryptor, this.decryptor, this.publicKey, this.secretKey, this.relinKeys, this.galoisKeys]) object?.delete();
    this.encryptor = this.decryptor = this.publicKey = this.secretKey = this.relinKeys = this.galoisKeys = undefined;
  }

  #parse<K extends SealObject & { loadArray(context: SealContext, bytes: Uint8Array): void }>(
    what: string,
    bytes: Uint8Array | undefined,
    make: () => K,
  ): K | undefined {
    if (bytes === undefined) return undefined;
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
    const check = checkSealHeader(bytes, this.setup.acceptCompressed);
    if (!check.ok) throw new CkksFormatError(`${what}: ${check.reason}`);
    const key = make();
    loadSealBytes(key, this.setup.context, bytes, `${what} (was it made for ${this.setup.paramSet.name}?)`);
    return key;
  }

  #checkPair(encryptor: Encryptor, decryptor: Decryptor, own: Own): void {
    const { encoder, paramSet } = this.setup;
    const probe = Float64Array.of(1, -2, 3);
    const plain = own(made(encoder.encode(probe, 2 ** paramSet.scaleBits), 'encode'));
    const back = encoder.decode(own(made(decryptor.decrypt(own(made(encryptor.encrypt(plain), 'encrypt'))), 'decrypt')));
    if (probe.some((v, i) => Math.abs(back[i]! - v) > 1e-2)) {
      throw new CkksFormatError('public key and secret key are not a pair: load the public key generated with this secret key');
    }
  }
}

function replace<T extends SealObject>(old: T | undefined, next: T): T {
  old?.delete();
  return next;
}
