/**
 * Sealed boxes: encrypt to a recipient's X25519 public key so that only the recipient can
 * read the payload, whoever relays it (ECIES / HPKE base mode in spirit, RFC 9180 §5.1.1).
 *
 * Used so the coordinator can relay node-to-node payloads it must not read, and so per-site
 * explanations reach only the requester (PIPL Art. 24).
 *
 * Format (version 1):
 *
 *   0x01 || ephemeral X25519 public key (32) || AES-256-GCM ciphertext || tag (16)
 *
 * key || nonce = HKDF-SHA256(ikm = X25519(eph, recipient), salt = eph || recipient,
 *                            info = domain, 44 bytes)
 * AAD          = version || eph || H(domain, purpose, sender, recipient, extra)
 *
 * The ephemeral key is fresh per box, so each (key, nonce) pair is used once; the binding in
 * the AAD means a box made for one purpose, sender, recipient or query cannot be replayed as
 * another. A box is not authenticated to the sender by itself: sign it if that matters.
 *
 * Version 2 (BoxSealer, BoxOpener) is for a sender that seals many small boxes to the same
 * recipient, such as a node's explanations to one requester bank: it reuses one ephemeral key
 * per recipient for a while, so a box costs one AES-GCM instead of a key generation, two X25519
 * and an HKDF, and the recipient derives each ephemeral key's AES key once.
 *
 *   0x02 || ephemeral public key (32) || nonce (12, random) || AES-256-GCM ciphertext || tag (16)
 *
 * key = HKDF-SHA256(ikm = X25519(eph, recipient), salt = eph || recipient, info = v2 domain, 32)
 * AAD = version || eph || nonce || H(domain, purpose, sender, recipient, extra)
 *
 * An ephemeral key seals at most 2^20 boxes, or for ten minutes, then is replaced: random 96-bit
 * nonces under one key stay far inside NIST SP 800-38D's 2^32 bound. Only the recipient's
 * private key opens a v2 box, as with v1; boxes from one sealer to one recipient share the
 * ephemeral key, so a relay can tell they come from the same sealer (it knows that anyway
 * when the sender is named beside the box, as explanations are).
 */
import crypto from 'node:crypto';
import { hashWithDomain, utf8Bytes } from './hash.js';
import { generateEphemeralX25519, privateKeyObject, publicKeyObject, uncachedPublicKeyObject, x25519PublicKey, X25519_KEY_BYTES } from './x25519.js';

const VERSION = 0x01;
const VERSION_REUSED_KEY = 0x02;
const HKDF_INFO = Buffer.from('fedcredit/sealed-box/v1', 'ascii');
const HKDF_INFO_V2 = Buffer.from('fedcredit/sealed-box/v2', 'ascii');
const HEADER_BYTES_V2 = 1 + X25519_KEY_BYTES + 12;
/** Boxes one v2 ephemeral key seals at most, and for how long. */
const V2_BOXES_PER_KEY = 2 ** 20;
const V2_KEY_LIFETIME_MS = 10 * 60_000;
const V2_CACHE_LIMIT = 1024;
const BINDING_DOMAIN = 'fedcredit/sealed-box-binding/v1';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + X25519_KEY_BYTES;
/** The smallest box: header and tag around an empty payload. */
export const SEALED_BOX_OVERHEAD = HEADER_BYTES + TAG_BYTES;
/** The same for a v2 box: a v2 box is its plaintext's length plus this, whatever the plaintext. */
export const SEALED_BOX_V2_OVERHEAD = HEADER_BYTES_V2 + TAG_BYTES;

/** What a box is bound to; open() must be given the same values or it fails. */
export interface SealedBoxBinding {
  /** What the payload is, e.g. 'lr/encrypted-partial' or 'score/explanation'. */
  readonly purpose: string;
  /** Who sealed it (a party name or key id). */
  readonly sender: string;
  /** Who may open it (a party name or key id). */
  readonly recipient: string;
  /** Anything else the payload belongs to, e.g. a job or query id. */
  readonly extra?: string | Uint8Array;
}

export type SealedBoxErrorCode = 'MALFORMED' | 'UNSUPPORTED_VERSION' | 'AUTHENTICATION_FAILED';

/** Thrown by openSealedBox when a box cannot be opened; `code` says why. */
export class SealedBoxError extends Error {
  override readonly name = 'SealedBoxError';
  constructor(readonly code: SealedBoxErrorCode, message: string) {
    super(message);
  }
}

/** Seal `plaintext` so that only the holder of `recipientPublicKey`'s private key can read it. */
export function sealToRecipient(recipientPublicKey: Uint8Array, plaintext: Uint8Array, binding: SealedBoxBinding): Uint8Array {
  if (!(plaintext instanceof Uint8Array)) throw new TypeError(`sealed box plaintext must be a Uint8Array, got ${typeof plaintext}`);
  const ephemeral = ephemeralAgreement(recipientPublicKey);
  const { key, nonce } = deriveKeyAndNonce(ephemeral.shared, ephemeral.publicKey, recipientPublicKey);
  const header = new Uint8Array(HEADER_BYTES);
  header[0] = VERSION;
  header.set(ephemeral.publicKey, 1);
  return gcmSeal(key, nonce, header, binding, plaintext);
}

/** A fresh ephemeral key and its X25519 secret with the recipient's key (refused if low-order). */
function ephemeralAgreement(recipientPublicKey: Uint8Array): { publicKey: Uint8Array; shared: Buffer } {
  const recipient = publicKeyObject(recipientPublicKey);
  const ephemeral = generateEphemeralX25519();
  try {
    return { publicKey: ephemeral.publicKey, shared: crypto.diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient }) };
  } catch (e) {
    throw new RangeError(`cannot seal to this recipient key (${(e as Error).message}): it is a low-order point; get the recipient's real key`);
  }
}

/** header || AES-256-GCM(plaintext, AAD = header || binding digest) || tag. */
function gcmSeal(key: Uint8Array, nonce: Uint8Array, header: Uint8Array, binding: SealedBoxBinding, plaintext: Uint8Array): Uint8Array {
  const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(associatedData(header, binding));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const out = new Uint8Array(header.length + body.length + TAG_BYTES);
  out.set(header, 0);
  out.set(body, header.length);
  out.set(cipher.getAuthTag(), header.length + body.length);
  return out;
}

/** The plaintext of a box gcmSeal made with this key, nonce and binding (its digest); SealedBoxError otherwise. */
function gcmOpen(key: Uint8Array, nonce: Uint8Array, headerBytes: number, bindingDigest: Uint8Array, box: Uint8Array): Uint8Array {
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.concat([box.subarray(0, headerBytes), bindingDigest]));
  decipher.setAuthTag(box.subarray(box.length - TAG_BYTES));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(box.subarray(headerBytes, box.length - TAG_BYTES)), decipher.final()]));
  } catch {
    throw new SealedBoxError(
      'AUTHENTICATION_FAILED',
      'sealed box failed authentication: it was altered in transit, sealed to another key, or sealed for a different purpose/sender/recipient',
    );
  }
}

/**
 * Open a box sealed to the public key of `recipientPrivateKey`. Throws SealedBoxError if the box
 * is malformed, of an unknown version, or was altered, sealed to another key, or sealed with a
 * different binding (GCM does not tell these apart, by design). Wrong argument types throw
 * TypeError / RangeError as usual.
 */
export function openSealedBox(recipientPrivateKey: Uint8Array, box: Uint8Array, binding: SealedBoxBinding): Uint8Array {
  const recipientPrivate = privateKeyObject(recipientPrivateKey);
  if (!(box instanceof Uint8Array)) throw new TypeError(`sealed box must be a Uint8Array, got ${typeof box}`);
  const aadCheck = bindingDigest(binding);
  if (box.length < SEALED_BOX_OVERHEAD) {
    throw new SealedBoxError('MALFORMED', `sealed box is ${box.length} bytes, shorter than the ${SEALED_BOX_OVERHEAD}-byte minimum: it was truncated`);
  }
  if (box[0] !== VERSION) {
    throw new SealedBoxError('UNSUPPORTED_VERSION', `sealed box version ${box[0]} is not supported (expected ${VERSION}); upgrade the reader or the sender`);
  }
  const ephemeralPublic = box.subarray(1, HEADER_BYTES);
  let shared: Buffer;
  try {
    shared = crypto.diffieHellman({ privateKey: recipientPrivate, publicKey: uncachedPublicKeyObject(ephemeralPublic) });
  } catch {
    // A low-order ephemeral key gives no secret: nobody honest made this box.
    throw new SealedBoxError('MALFORMED', 'sealed box ephemeral key is a low-order point: the box was forged or corrupted');
  }
  const { key, nonce } = deriveKeyAndNonce(shared, ephemeralPublic, x25519PublicKey(recipientPrivateKey));
  return gcmOpen(key, nonce, HEADER_BYTES, aadCheck, box);
}

/** Seals v2 boxes (see the header), reusing one ephemeral key per recipient for a while. */
export class BoxSealer {
  readonly #keys = new Map<string, { header: Uint8Array; key: Buffer; boxes: number; until: number }>();
  readonly #now: () => number;
  /**
   * Random nonces drawn from the CSPRNG 4 KiB at a time and used once each: one randomFillSync
   * per 12-byte nonce was a fifth of a sealed explanation's cost (a monitoring batch seals 4,096).
   */
  readonly #noncePool = Buffer.alloc(NONCE_BYTES * 341);
  #nonceAt = this.#noncePool.length;

  /** `now`: the clock that ages ephemeral keys (tests pass their own). */
  constructor(opts: { now?: () => number } = {}) {
    this.#now = opts.now ?? Date.now;
  }

  seal(recipientPublicKey: Uint8Array, plaintext: Uint8Array, binding: SealedBoxBinding): Uint8Array {
    if (!(plaintext instanceof Uint8Array)) throw new TypeError(`sealed box plaintext must be a Uint8Array, got ${typeof plaintext}`);
    // A new recipient's key is checked (type, length, low order) by ephemeralAgreement; a cached one was.
    const id = Buffer.from(recipientPublicKey).toString('base64');
    let current = this.#keys.get(id);
    const now = this.#now();
    if (!current || current.boxes >= V2_BOXES_PER_KEY || now >= current.until) {
      const ephemeral = ephemeralAgreement(recipientPublicKey);
      if (this.#keys.size >= V2_CACHE_LIMIT) this.#keys.clear();
      const header = new Uint8Array(1 + X25519_KEY_BYTES);
      header[0] = VERSION_REUSED_KEY;
      header.set(ephemeral.publicKey, 1);
      current = { header, key: deriveV2Key(ephemeral.shared, ephemeral.publicKey, recipientPublicKey), boxes: 0, until: now + V2_KEY_LIFETIME_MS };
      this.#keys.set(id, current);
    }
    current.boxes++;
    const header = new Uint8Array(HEADER_BYTES_V2);
    header.set(current.header, 0);
    if (this.#nonceAt + NONCE_BYTES > this.#noncePool.length) {
      crypto.randomFillSync(this.#noncePool);
      this.#nonceAt = 0;
    }
    header.set(this.#noncePool.subarray(this.#nonceAt, this.#nonceAt + NONCE_BYTES), 1 + X25519_KEY_BYTES);
    this.#noncePool.fill(0, this.#nonceAt, this.#nonceAt + NONCE_BYTES);
    this.#nonceAt += NONCE_BYTES;
    return gcmSeal(current.key, header.subarray(1 + X25519_KEY_BYTES), header, binding, plaintext);
  }
}

/** Opens v1 and v2 boxes sealed to one private key, deriving each v2 ephemeral key's AES key once. */
export class BoxOpener {
  readonly #privateKey: Uint8Array;
  readonly #keys = new Map<string, Buffer>();

  constructor(recipientPrivateKey: Uint8Array) {
    privateKeyObject(recipientPrivateKey); // checks the key now, not at the first box
    this.#privateKey = recipientPrivateKey;
  }

  /** As openSealedBox: throws SealedBoxError when the box does not open with this key and binding. */
  open(box: Uint8Array, binding: SealedBoxBinding): Uint8Array {
    if (!(box instanceof Uint8Array)) throw new TypeError(`sealed box must be a Uint8Array, got ${typeof box}`);
    if (box[0] !== VERSION_REUSED_KEY) return openSealedBox(this.#privateKey, box, binding);
    const aadCheck = bindingDigest(binding);
    if (box.length < HEADER_BYTES_V2 + TAG_BYTES) {
      throw new SealedBoxError('MALFORMED', `sealed box is ${box.length} bytes, shorter than the ${HEADER_BYTES_V2 + TAG_BYTES}-byte minimum: it was truncated`);
    }
    const ephemeralPublic = box.subarray(1, 1 + X25519_KEY_BYTES);
    const id = Buffer.from(ephemeralPublic).toString('base64');
    let key = this.#keys.get(id);
    if (!key) {
      let shared: Buffer;
      try {
        shared = crypto.diffieHellman({ privateKey: privateKeyObject(this.#privateKey), publicKey: uncachedPublicKeyObject(ephemeralPublic) });
      } catch {
        throw new SealedBoxError('MALFORMED', 'sealed box ephemeral key is a low-order point: the box was forged or corrupted');
      }
      key = deriveV2Key(shared, ephemeralPublic, x25519PublicKey(this.#privateKey));
      if (this.#keys.size >= V2_CACHE_LIMIT) this.#keys.clear();
      this.#keys.set(id, key);
    }
    return gcmOpen(key, box.subarray(1 + X25519_KEY_BYTES, HEADER_BYTES_V2), HEADER_BYTES_V2, aadCheck, box);
  }
}

function deriveV2Key(shared: Uint8Array, ephemeralPublic: Uint8Array, recipientPublic: Uint8Array): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', shared, Buffer.concat([ephemeralPublic, recipientPublic]), HKDF_INFO_V2, KEY_BYTES));
}

function deriveKeyAndNonce(shared: Uint8Array, ephemeralPublic: Uint8Array, recipientPublic: Uint8Array): { key: Buffer; nonce: Buffer } {
  const salt = Buffer.concat([ephemeralPublic, recipientPublic]);
  const okm = Buffer.from(crypto.hkdfSync('sha256', shared, salt, HKDF_INFO, KEY_BYTES + NONCE_BYTES));
  return { key: okm.subarray(0, KEY_BYTES), nonce: okm.subarray(KEY_BYTES) };
}

function associatedData(header: Uint8Array, binding: SealedBoxBinding): Buffer {
  return Buffer.concat([header, bindingDigest(binding)]);
}

function bindingDigest(binding: SealedBoxBinding): Uint8Array {
  if (typeof binding !== 'object' || binding === null) throw new TypeError('sealed box binding must be an object { purpose, sender, recipient, extra? }');
  const field = (name: 'purpose' | 'sender' | 'recipient'): Uint8Array => {
    const value = binding[name];
    if (typeof value !== 'string') throw new TypeError(`sealed box binding.${name} must be a string, got ${typeof value}`);
    if (value.length === 0) throw new RangeError(`sealed box binding.${name} is empty: say who or what the box is for`);
    return utf8Bytes(value);
  };
  const extra = binding.extra === undefined ? new Uint8Array(0) : typeof binding.extra === 'string' ? utf8Bytes(binding.extra) : binding.extra;
  if (!(extra instanceof Uint8Array)) throw new TypeError(`sealed box binding.extra must be a string or Uint8Array, got ${typeof binding.extra}`);
  return hashWithDomain(BINDING_DOMAIN, field('purpose'), field('sender'), field('recipient'), extra);
}
