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
 */
import crypto from 'node:crypto';
import { hashWithDomain, utf8Bytes } from './hash.js';
import { generateEphemeralX25519, privateKeyObject, publicKeyObject, uncachedPublicKeyObject, x25519PublicKey, X25519_KEY_BYTES } from './x25519.js';

const VERSION = 0x01;
const HKDF_INFO = Buffer.from('fedcredit/sealed-box/v1', 'ascii');
const BINDING_DOMAIN = 'fedcredit/sealed-box-binding/v1';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + X25519_KEY_BYTES;
/** The smallest box: header and tag around an empty payload. */
export const SEALED_BOX_OVERHEAD = HEADER_BYTES + TAG_BYTES;

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
  const recipient = publicKeyObject(recipientPublicKey);
  const ephemeral = generateEphemeralX25519();
  let shared: Buffer;
  try {
    shared = crypto.diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
  } catch (e) {
    throw new RangeError(`cannot seal to this recipient key (${(e as Error).message}): it is a low-order point; get the recipient's real key`);
  }
  const { key, nonce } = deriveKeyAndNonce(shared, ephemeral.publicKey, recipientPublicKey);
  const header = new Uint8Array(HEADER_BYTES);
  header[0] = VERSION;
  header.set(ephemeral.publicKey, 1);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(associatedData(header, binding));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const out = new Uint8Array(HEADER_BYTES + body.length + TAG_BYTES);
  out.set(header, 0);
  out.set(body, HEADER_BYTES);
  out.set(cipher.getAuthTag(), HEADER_BYTES + body.length);
  return out;
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
  const header = box.subarray(0, HEADER_BYTES);
  const ephemeralPublic = box.subarray(1, HEADER_BYTES);
  let shared: Buffer;
  try {
    shared = crypto.diffieHellman({ privateKey: recipientPrivate, publicKey: uncachedPublicKeyObject(ephemeralPublic) });
  } catch {
    // A low-order ephemeral key gives no secret: nobody honest made this box.
    throw new SealedBoxError('MALFORMED', 'sealed box ephemeral key is a low-order point: the box was forged or corrupted');
  }
  const { key, nonce } = deriveKeyAndNonce(shared, ephemeralPublic, x25519PublicKey(recipientPrivateKey));
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.concat([header, aadCheck]));
  decipher.setAuthTag(box.subarray(box.length - TAG_BYTES));
  try {
    const body = box.subarray(HEADER_BYTES, box.length - TAG_BYTES);
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch {
    throw new SealedBoxError(
      'AUTHENTICATION_FAILED',
      'sealed box failed authentication: it was altered in transit, sealed to another key, or sealed for a different purpose/sender/recipient',
    );
  }
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
