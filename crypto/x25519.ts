/**
 * X25519 key agreement (RFC 7748 §5, §6.1) on node:crypto, and the pairwise seeds that
 * secure-aggregation masks grow from.
 *
 * Keys travel as raw 32-byte strings. A shared secret of all zeros (the peer sent a low-order
 * point, RFC 7748 §6.1) is refused: it would make the "secret" public.
 * Pairwise seeds are HKDF-SHA256 (RFC 5869) over the X25519 secret, salted with both public
 * keys in a fixed order so both ends derive the same seed, and bound to a caller context so a
 * seed for one job is never reused for another.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hashWithDomain } from './hash.js';

export const X25519_KEY_BYTES = 32;

/** DER prefix for raw X25519 private keys in PKCS#8 (RFC 8410 §7). */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

const PAIRWISE_SEED_DOMAIN = 'fedcredit/pairwise-seed/v1';
export const PAIRWISE_SEED_BYTES = 32;

export interface X25519KeyPair {
  /** Raw 32-byte public key (u-coordinate, RFC 7748 §5). */
  readonly publicKey: Uint8Array;
  /** Raw 32-byte private scalar; keep it secret. */
  readonly privateKey: Uint8Array;
}

export function generateX25519KeyPair(): X25519KeyPair {
  const { privateKey } = crypto.generateKeyPairSync('x25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const raw = new Uint8Array(pkcs8.subarray(PKCS8_PREFIX.length));
  return { privateKey: raw, publicKey: x25519PublicKey(raw) };
}

/**
 * A fresh key pair as a KeyObject and the raw public key, for one-shot use (a sealed box's
 * ephemeral key): no round trip of the private key through raw bytes.
 *
 * The public key is computed as X25519(e, 9) rather than exported from the generated key: a
 * JWK export of a generateKeyPairSync key can deadlock in Node 20 (the export holds the key's
 * mutex while allocating; a GC finalising the same key's generation job takes that mutex; see
 * alignment/psi-x25519.ts), and a DER export is slow. diffieHellman allocates nothing on the V8
 * heap while it holds the key.
 */
export function generateEphemeralX25519(): { privateKey: crypto.KeyObject; publicKey: Uint8Array } {
  const { privateKey } = crypto.generateKeyPairSync('x25519');
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}

/** The public key of a raw private key (RFC 7748 §6.1: X25519(a, 9)). */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  return publicKeyOf(privateKeyObject(privateKey));
}

/** RFC 7748 §6.1: the public key is X25519(a, 9), the base point's u-coordinate being 9. */
const BASE_POINT = new Uint8Array(X25519_KEY_BYTES);
BASE_POINT[0] = 9;

function publicKeyOf(privateKey: crypto.KeyObject): Uint8Array {
  return new Uint8Array(crypto.diffieHellman({ privateKey, publicKey: publicKeyObject(BASE_POINT) }));
}

/**
 * The raw 32-byte X25519 shared secret. Throws RangeError if the peer key is a low-order point
 * (the result would be all zeros). Callers must not use it as a key directly: derive with HKDF.
 */
export function x25519SharedSecret(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  const priv = privateKeyObject(privateKey);
  const pub = publicKeyObject(peerPublicKey);
  let secret: Buffer;
  try {
    secret = crypto.diffieHellman({ privateKey: priv, publicKey: pub });
  } catch (e) {
    // OpenSSL refuses all-zero outputs itself (RFC 7748 §6.1); report it in our terms.
    throw new RangeError(`X25519 with this peer key failed (${(e as Error).message}): the peer sent a low-order point; refuse the peer`);
  }
  if (secret.every((b) => b === 0)) {
    throw new RangeError('X25519 shared secret is all zeros: the peer sent a low-order point; refuse the peer');
  }
  return new Uint8Array(secret);
}

/**
 * A 32-byte seed shared by the owners of two X25519 keys and nobody else:
 *
 *   HKDF-SHA256(ikm = X25519(my, peer), salt = H(domain, lo(pkA, pkB), hi(pkA, pkB)),
 *               info = H(domain, context))
 *
 * `context` names what the seed is for (e.g. `score-mask/<modelId>`); per-query masks are then
 * expanded from the seed and the query id by the caller.
 */
export function pairwiseSeed(myPrivateKey: Uint8Array, peerPublicKey: Uint8Array, context: string | Uint8Array): Uint8Array {
  const contextBytes = typeof context === 'string' ? new TextEncoder().encode(context) : context;
  if (!(contextBytes instanceof Uint8Array)) throw new TypeError(`pairwise seed context must be a string or Uint8Array, got ${typeof context}`);
  if (contextBytes.length === 0) throw new RangeError('pairwise seed context is empty: name what the seed is for, e.g. "score-mask/model-7"');
  const mine = x25519PublicKey(myPrivateKey);
  const shared = x25519SharedSecret(myPrivateKey, peerPublicKey);
  if (Buffer.compare(mine, peerPublicKey) === 0) {
    throw new RangeError('pairwise seed with one\'s own public key: the peer key must be another party\'s');
  }
  // Sorting the two public keys makes the derivation symmetric: A->B and B->A agree.
  const [lo, hi] = Buffer.compare(mine, peerPublicKey) < 0 ? [mine, peerPublicKey] : [peerPublicKey, mine];
  const salt = hashWithDomain(PAIRWISE_SEED_DOMAIN, lo, hi);
  const info = hashWithDomain(PAIRWISE_SEED_DOMAIN, contextBytes);
  return new Uint8Array(crypto.hkdfSync('sha256', shared, salt, info, PAIRWISE_SEED_BYTES));
}

/**
 * KeyObjects for raw keys, cached. OpenSSL 3's DER decoder makes an import cost 0.1-0.5 ms
 * here, more than the X25519 itself, and a party uses few keys many times (its own sealing key,
 * its peers', a requester's). Public keys are imported through JWK, several times cheaper than
 * DER. Each cache is cleared when full rather than evicting one by one: a refill is one import.
 */
const KEY_CACHE_LIMIT = 1024;
const privateKeys = new Map<string, crypto.KeyObject>();
const publicKeys = new Map<string, crypto.KeyObject>();

function cached(cache: Map<string, crypto.KeyObject>, id: string, make: () => crypto.KeyObject): crypto.KeyObject {
  const hit = cache.get(id);
  if (hit) return hit;
  const key = make();
  if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
  cache.set(id, key);
  return key;
}

export function privateKeyObject(privateKey: Uint8Array): crypto.KeyObject {
  requireKeyBytes(privateKey, 'X25519 private key');
  // Keyed by a hash, so the cache's keys are not copies of the secrets.
  const id = crypto.createHash('sha256').update(privateKey).digest('base64');
  return cached(privateKeys, id, () => crypto.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, privateKey]), format: 'der', type: 'pkcs8' }));
}

/** A peer's public key as a KeyObject, cached (see above). */
export function publicKeyObject(publicKey: Uint8Array): crypto.KeyObject {
  requireKeyBytes(publicKey, 'X25519 public key');
  const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64url');
  return cached(publicKeys, x, () => importPublicKey(x));
}

/** A public key seen once (e.g. a box's ephemeral key): imported, not cached. */
export function uncachedPublicKeyObject(publicKey: Uint8Array): crypto.KeyObject {
  requireKeyBytes(publicKey, 'X25519 public key');
  return importPublicKey(Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64url'));
}

function importPublicKey(x: string): crypto.KeyObject {
  return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
}

function requireKeyBytes(key: Uint8Array, what: string): void {
  if (!(key instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array, got ${key === null ? 'null' : typeof key}`);
  if (key.length !== X25519_KEY_BYTES) throw new RangeError(`${what} must be 32 bytes, got ${key.length}`);
}

/**
 * Load a party's X25519 sealing key pair from `file` (raw 32-byte private key, owner-only),
 * creating it on first start. Peers seal node-to-node payloads to its public half.
 */
export function loadOrCreateX25519KeyPair(file: string): X25519KeyPair {
  if (fs.existsSync(file)) {
    const stat = fs.statSync(file);
    if ((stat.mode & 0o077) !== 0 && process.platform !== 'win32') {
      throw new Error(`sealing key ${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); run chmod 600 on it`);
    }
    const raw = new Uint8Array(fs.readFileSync(file));
    if (raw.length !== X25519_KEY_BYTES) throw new RangeError(`sealing key ${file} is ${raw.length} bytes, expected ${X25519_KEY_BYTES}`);
    return { privateKey: raw, publicKey: x25519PublicKey(raw) };
  }
  const pair = generateX25519KeyPair();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // 'wx': never overwrite a key another process just created.
  fs.writeFileSync(file, pair.privateKey, { mode: 0o600, flag: 'wx' });
  return pair;
}
