/**
 * The blinding operation of ECDH-PSI: X25519(k, u) (RFC 7748 §5) with Node's native OpenSSL
 * implementation, applied to flat arrays of 32-byte u-coordinates.
 *
 * Why X25519 commutes, so that k1(k2 P) = k2(k1 P) for the fixed scalars a site holds:
 * X25519 clamps k to c = 2^254 + 8 k' and returns u([c] P). Scalar multiplication in one group
 * commutes, and the x-only ladder is well defined on +-P, so
 * X25519(a, X25519(b, u)) = u([c_a c_b] P) = X25519(b, X25519(a, u)) for every u, on the curve
 * or on its twist. The product c_a c_b is not itself a clamped scalar, which is why keys are
 * applied one after another and never multiplied together. Inputs come from
 * {@link ./psi-hash.ts} and lie on the curve; the factor 8 in every clamped scalar kills the
 * small-order component, so every blinded value lies in the prime-order subgroup where DDH is
 * assumed hard. A peer that sends a low-order u makes OpenSSL return all zeros and refuse; that
 * is reported with the element's index.
 *
 * Measured on this project's 2-core box (bench/psi.ts): building the peer "public key" object
 * from raw bytes through JWK costs ~13 us, through a DER/SPKI prefix ~150 us (OpenSSL 3
 * decoder), so JWK it is; the ladder itself ~45 us. Pure-JS X25519 and ristretto255
 * (@noble/curves) measured 30x slower.
 */
import crypto from 'node:crypto';
import { hashToCurve25519Batch, POINT_BYTES } from './psi-hash.js';

export const SCALAR_BYTES = 32;

/** PKCS#8 prefix for a raw X25519 private key (RFC 8410 §7); only used once per key. */
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** A fresh blinding key: 32 uniformly random bytes, clamped by X25519 itself. */
export function generateBlindingKey(): Uint8Array {
  return new Uint8Array(crypto.randomBytes(SCALAR_BYTES));
}

/**
 * Private key objects are costly to build (~1 ms); a site applies the same one or two keys to
 * every chunk, so cache a few. Keyed by the key bytes: the cache lives in the same process that
 * holds the key anyway, and is bounded.
 */
const keyCache = new Map<string, crypto.KeyObject>();
const KEY_CACHE_LIMIT = 16;

function privateKeyObject(key: Uint8Array): crypto.KeyObject {
  const id = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64');
  let keyObject = keyCache.get(id);
  if (keyObject === undefined) {
    keyObject = crypto.createPrivateKey({
      key: Buffer.concat([PKCS8_X25519_PREFIX, key]),
      format: 'der',
      type: 'pkcs8',
    });
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(id, keyObject);
  }
  return keyObject;
}

/** Forget cached key objects, e.g. when a PSI session ends. */
export function clearBlindingKeyCache(): void {
  keyCache.clear();
}

function checkKeys(keys: Uint8Array): number {
  if (!(keys instanceof Uint8Array)) throw new TypeError('blinding keys must be a Uint8Array');
  if (keys.length === 0 || keys.length % SCALAR_BYTES !== 0) {
    throw new RangeError(`blinding keys must be one or more ${SCALAR_BYTES}-byte scalars, got ${keys.length} bytes`);
  }
  return keys.length / SCALAR_BYTES;
}

export function checkPoints(points: Uint8Array, what = 'points'): number {
  if (!(points instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (points.length % POINT_BYTES !== 0) {
    throw new RangeError(`${what}: ${points.length} bytes is not a whole number of ${POINT_BYTES}-byte points`);
  }
  return points.length / POINT_BYTES;
}

/**
 * X25519(k_m, ... X25519(k_1, u) ...) for every u in `points`, where `keys` holds k_1..k_m back
 * to back. Returns a new array in the same order.
 */
export function blindPoints(keys: Uint8Array, points: Uint8Array): Uint8Array {
  const keyCount = checkKeys(keys);
  const count = checkPoints(points);
  const privateKeys: crypto.KeyObject[] = [];
  for (let k = 0; k < keyCount; k++) {
    privateKeys.push(privateKeyObject(keys.subarray(k * SCALAR_BYTES, (k + 1) * SCALAR_BYTES)));
  }
  const out = new Uint8Array(points.length);
  for (let i = 0; i < count; i++) {
    let u: Buffer = Buffer.from(points.subarray(i * POINT_BYTES, (i + 1) * POINT_BYTES));
    for (const privateKey of privateKeys) u = x25519(privateKey, u, i);
    out.set(u, i * POINT_BYTES);
  }
  return out;
}

function x25519(privateKey: crypto.KeyObject, u: Buffer, index: number): Buffer {
  const publicKey = crypto.createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: u.toString('base64url') },
    format: 'jwk',
  });
  try {
    return crypto.diffieHellman({ privateKey, publicKey });
  } catch (cause) {
    // OpenSSL refuses exactly when the result is all zeros, i.e. u has order dividing 8.
    throw new RangeError(
      `element ${index} is a low-order Curve25519 point (X25519 output would be all zeros); ` +
        'the sender did not follow the PSI protocol',
      { cause },
    );
  }
}

/** Domain of the padding points' hash_to_curve: never the DST that IDs are hashed under. */
export const PSI_PADDING_DST = 'FEDCREDIT-PSI-PADDING-V01-CS02-with-curve25519_XMD:SHA-512_ELL2_RO_';
const PADDING_SEED_BYTES = 32;

/**
 * `count` uniformly random elements of the prime-order subgroup: hash_to_curve (RFC 9380, RO
 * variant, so uniform in the subgroup) of fresh 32-byte random seeds under a padding-only DST.
 * They pad a set so that its size hides how many real elements it has, and must look exactly
 * like blinded hashes, which are also uniform subgroup elements (DDH). Random 32-byte strings
 * would not: 7/8 of them are not in the subgroup, which anyone can test. The seeds are never
 * kept or sent, and are not IDs (a different length and DST), so no party can relate a padding
 * point to anything.
 *
 * Not crypto.generateKeyPairSync('x25519') + export({ format: 'jwk' }), which this used before:
 * in Node 20 the JWK export holds the key's mutex while it allocates the result string; if that
 * allocation triggers a GC that finalises the (already garbage) key-generation job of the same
 * key, the job's destructor takes the same non-recursive mutex and the worker thread deadlocks
 * in a futex forever, with no error anywhere. Rare per call, so it hit the 250,000 padding
 * points of a 1M-ID alignment and not the 75,000 of a 300k one (gdb: KeyObjectHandle::ExportJWK
 * -> ExportJWKEdKey -> String::NewFromOneByte -> Heap::CollectGarbage ->
 * ~KeyGenJob -> uv_mutex_lock). No key objects at all here, hence no such lock.
 */
export function randomSubgroupPoints(count: number): Uint8Array {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`randomSubgroupPoints: count must be a non-negative integer, got ${count}`);
  }
  const seeds = crypto.randomBytes(count * PADDING_SEED_BYTES);
  return hashToCurve25519Batch(new Uint8Array(seeds.buffer, seeds.byteOffset, seeds.length), PADDING_SEED_BYTES, PSI_PADDING_DST);
}
