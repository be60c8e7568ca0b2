/**
 * Ed25519 identities (RFC 8032) for every party. Keys are node:crypto KeyObjects (PEM and
 * PKCS#8 files); signing and verifying run on libsodium (sodium-native), which on this machine
 * signs in 26 us and verifies in 68 us against OpenSSL's 58 and 165 (pure JS: about 1 ms). A
 * scoring query is verified by the coordinator and by every node, so this is on the hot path.
 * Ed25519 signatures are deterministic: both libraries make the same bytes.
 *
 * A party's identity key lives in one PEM file (PKCS#8, RFC 8410) with owner-only permissions;
 * its public half is the raw 32-byte key that registrations, signed notes and consents carry.
 *
 * Verification is RFC 8032 §5.1.7 (libsodium: canonical S, no small-order R) plus public keys of
 * small order (or outside the prime-order subgroup) refused here before libsodium sees them. With A = identity, R = identity, S = 0 the check [S]B = R + [k]A holds for
 * every message, so such a "key" would sign anything (we checked: node:crypto accepts it).
 * The key id is a SHA-256 prefix of the raw key; C2SP signed notes use their own key hash
 * (see signed-note.ts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sodium from 'sodium-native';

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SEED_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

/** DER prefixes that turn raw 32-byte Ed25519 keys into SPKI / PKCS#8 structures (RFC 8410 §4, §7). */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Bytes of SHA-256 kept in a key id: 128 bits, so no one can grind two keys onto one id. */
const KEY_ID_BYTES = 16;

export interface Identity {
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** keyId(publicKey), for logs and lookups. */
  readonly keyId: string;
  sign(message: Uint8Array): Uint8Array;
  /** The PKCS#8 PEM of the private key, for writing to the party's key file. */
  toPem(): string;
  /** The PKCS#8 DER of the private key. */
  toPkcs8(): Uint8Array;
  /** The raw 32-byte RFC 8032 secret seed. */
  toSeed(): Uint8Array;
}

class Ed25519Identity implements Identity {
  readonly publicKey: Uint8Array;
  readonly keyId: string;
  /** libsodium's secret key: the RFC 8032 seed followed by the public key. */
  readonly #sodiumKey: Buffer;

  constructor(private readonly privateKey: crypto.KeyObject) {
    const spki = crypto.createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    this.publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
    this.keyId = keyId(this.publicKey);
    this.#sodiumKey = Buffer.concat([this.toSeed(), this.publicKey]);
  }

  sign(message: Uint8Array): Uint8Array {
    if (!(message instanceof Uint8Array)) throw new TypeError(`message to sign must be a Uint8Array, got ${typeof message}`);
    const signature = new Uint8Array(ED25519_SIGNATURE_BYTES);
    sodium.crypto_sign_detached(signature, message, this.#sodiumKey);
    return signature;
  }

  toPem(): string {
    return this.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  toPkcs8(): Uint8Array {
    return new Uint8Array(this.privateKey.export({ format: 'der', type: 'pkcs8' }));
  }

  toSeed(): Uint8Array {
    return this.toPkcs8().slice(PKCS8_PREFIX.length);
  }
}

export function generateIdentity(): Identity {
  return new Ed25519Identity(crypto.generateKeyPairSync('ed25519').privateKey);
}

/** An identity from a 32-byte RFC 8032 secret seed (test vectors, deterministic demo keys). */
export function identityFromSeed(seed: Uint8Array): Identity {
  if (!(seed instanceof Uint8Array)) throw new TypeError(`an Ed25519 seed must be a Uint8Array, got ${typeof seed}`);
  if (seed.length !== ED25519_SEED_BYTES) throw new RangeError(`an Ed25519 seed is 32 bytes, got ${seed.length}`);
  const key = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return new Ed25519Identity(key);
}

// No product caller (nor for publicKeyToPem, publicKeyFromPem): kept because tests/crypto/identity.test.ts checks key export round trips and small-order refusal through them.
/** An identity from a PKCS#8 DER private key. */
export function identityFromPkcs8(der: Uint8Array): Identity {
  if (!(der instanceof Uint8Array)) throw new TypeError(`a PKCS#8 key must be a Uint8Array, got ${typeof der}`);
  return new Ed25519Identity(requireEd25519(crypto.createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' })));
}

export function identityFromPem(pem: string): Identity {
  if (typeof pem !== 'string') throw new TypeError(`a PEM key must be a string, got ${typeof pem}`);
  return new Ed25519Identity(requireEd25519(crypto.createPrivateKey(pem)));
}

/**
 * Load the party's identity from `file`, creating it (mode 0600) on first start. A key file
 * readable by others is refused: it would let anyone on the machine act as this party.
 */
export function loadOrCreateIdentity(file: string): Identity {
  if (fs.existsSync(file)) {
    const mode = fs.statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0 && process.platform !== 'win32') {
      throw new Error(`identity key ${file} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it`);
    }
    return identityFromPem(fs.readFileSync(file, 'utf8'));
  }
  const identity = generateIdentity();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // 'wx' fails if another process created the file meanwhile, instead of overwriting its key.
  fs.writeFileSync(file, identity.toPem(), { mode: 0o600, flag: 'wx' });
  return identity;
}

/**
 * Verify an Ed25519 signature over `message` by the raw 32-byte `publicKey`. Garbage in (wrong
 * types or lengths, not a curve point, a small-order key) is `false`, never a throw.
 */
export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || !(message instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false;
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  if (!usableKey(publicKey)) return false;
  return sodium.crypto_sign_verify_detached(signature, message, publicKey);
}

/** true when `publicKey` is a canonical Ed25519 point of large order, i.e. usable as an identity. */
export function isValidPublicKey(publicKey: Uint8Array): boolean {
  return publicKey instanceof Uint8Array && publicKey.length === ED25519_PUBLIC_KEY_BYTES && usableKey(publicKey);
}

/** Printable id of a public key: the first 16 bytes of its SHA-256, lowercase hex. */
export function keyId(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array)) throw new TypeError(`public key must be a Uint8Array, got ${typeof publicKey}`);
  return crypto.createHash('sha256').update(publicKey).digest('hex').slice(0, 2 * KEY_ID_BYTES);
}

/** SPKI PEM of a raw public key, for configuration files and TLS tooling. */
export function publicKeyToPem(publicKey: Uint8Array): string {
  if (!isValidPublicKey(publicKey)) throw new RangeError('not a valid Ed25519 public key: expected 32 bytes encoding a point of large order');
  return crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
    .export({ format: 'pem', type: 'spki' }).toString();
}

/** Raw 32-byte public key from an SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
export function publicKeyFromPem(pem: string): Uint8Array {
  if (typeof pem !== 'string') throw new TypeError(`a PEM key must be a string, got ${typeof pem}`);
  const key = crypto.createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`expected an Ed25519 public key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  const raw = new Uint8Array(key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length));
  if (!isValidPublicKey(raw)) throw new RangeError('the PEM holds an Ed25519 key of small order, which can sign anything; refuse it');
  return raw;
}

function requireEd25519(key: crypto.KeyObject): crypto.KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`expected an Ed25519 private key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/**
 * Whether a key is a canonical point in the prime-order subgroup (so neither of small order
 * nor with a small-order component), by hex: libsodium's crypto_core_ed25519_is_valid_point,
 * ~37 us where @noble's decompression and order check took ~127 (pure JS). Every honest key
 * is [s]B, in that subgroup. Every party pays it once per new enterprise key (each consent's
 * first query), so on the scoring bench's cold queries it was ~0.5 ms per query across the four
 * parties. The cache is cleared when full rather than evicting one by one: a refill is cheap.
 */
const usableKeys = new Map<string, boolean>();
const USABLE_KEY_CACHE_LIMIT = 4096;

function usableKey(publicKey: Uint8Array): boolean {
  const hex = Buffer.from(publicKey).toString('hex');
  const cached = usableKeys.get(hex);
  if (cached !== undefined) return cached;
  // Refuses non-canonical encodings, points off the curve, of small order or outside the main subgroup.
  const usable = sodium.crypto_core_ed25519_is_valid_point(publicKey);
  if (usableKeys.size >= USABLE_KEY_CACHE_LIMIT) usableKeys.clear();
  usableKeys.set(hex, usable);
  return usable;
}
