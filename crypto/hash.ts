/**
 * SHA-256 helpers (FIPS 180-4), HMAC-SHA256 (RFC 2104) and domain-separated hashing on
 * node:crypto.
 *
 * `hashWithDomain` is the one way this project hashes structured values: every input is
 * length-prefixed, so ("ab", "c") and ("a", "bc") can never collide, and a domain tag names
 * the purpose, so a consent digest can never be replayed as, say, a log leaf (the same idea as
 * the tuple hashing of NIST SP 800-185 §2.3 and TupleHash). RFC 9162 leaf/node hashing keeps its
 * own 0x00/0x01 prefixes and lives in merkle.ts, not here.
 */
import crypto from 'node:crypto';

const UTF8 = new TextEncoder();

/** Domain tags are short printable ASCII constants such as `fedcredit/consent/v1`. */
const DOMAIN_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** SHA-256 of the concatenation of `parts` (plain concatenation: use hashWithDomain for tuples). */
export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const h = crypto.createHash('sha256');
  for (const [i, part] of parts.entries()) h.update(requireBytes(part, `sha256 part ${i}`));
  return new Uint8Array(h.digest());
}

// No product caller (nor for hmacSha256, constantTimeEqual): kept because tests/crypto/hash.test.ts states its vectors with them.
export function sha256Hex(...parts: readonly Uint8Array[]): string {
  return Buffer.from(sha256(...parts)).toString('hex');
}

/**
 * SHA-256 over an unambiguous encoding of (domain, parts):
 *
 *   u8(len(domain)) || domain || for each part: u64be(len(part)) || part
 *
 * The encoding is injective, so two different tuples (or the same tuple under two domains)
 * never hash the same input. The domain must be 1-255 printable ASCII characters: it is a
 * constant of the code, never user input.
 */
export function hashWithDomain(domain: string, ...parts: readonly Uint8Array[]): Uint8Array {
  const tag = encodeDomain(domain);
  let total = tag.length;
  for (const [i, part] of parts.entries()) total += 8 + (part instanceof Uint8Array ? part : requireBytes(part, `hashWithDomain part ${i}`)).length;
  if (total > ONE_SHOT_BYTES) return hashWithDomainStreamed(tag, parts);
  // Small inputs (a sealed box's binding and MAC, a leaf's fields): the encoding in one buffer
  // and one native call; a Hash object and an update per length and part cost more than the
  // hashing (~5 % of a node's CPU in a monitoring run, 4,096 boxes a batch).
  const buf = Buffer.allocUnsafe(total);
  buf.set(tag, 0);
  let at = tag.length;
  for (const part of parts) {
    // u64be of the length, without a BigInt per part (lengths are below 2^53).
    buf.writeUInt32BE(Math.floor(part.length / 2 ** 32), at);
    buf.writeUInt32BE(part.length >>> 0, at + 4);
    buf.set(part, at + 8);
    at += 8 + part.length;
  }
  return new Uint8Array(crypto.hash('sha256', buf, 'buffer'));
}

/** Inputs up to this many encoded bytes are copied into one buffer and hashed in one call. */
const ONE_SHOT_BYTES = 64 * 1024;

function hashWithDomainStreamed(tag: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  const h = crypto.createHash('sha256');
  h.update(tag);
  const len = Buffer.alloc(8);
  for (const part of parts) {
    len.writeUInt32BE(Math.floor(part.length / 2 ** 32), 0);
    len.writeUInt32BE(part.length >>> 0, 4);
    h.update(len);
    h.update(part);
  }
  return new Uint8Array(h.digest());
}

/** HMAC-SHA256 (RFC 2104) of the concatenation of `parts` under `key`. */
export function hmacSha256(key: Uint8Array, ...parts: readonly Uint8Array[]): Uint8Array {
  requireBytes(key, 'HMAC key');
  // RFC 2104 §3: keys shorter than the output weaken the MAC; an empty key is always a bug.
  if (key.length === 0) throw new RangeError('HMAC key is empty: pass a secret of at least 32 bytes');
  const h = crypto.createHmac('sha256', key);
  for (const [i, part] of parts.entries()) h.update(requireBytes(part, `HMAC part ${i}`));
  return new Uint8Array(h.digest());
}

/**
 * Constant-time equality of two byte strings (MACs, tags, secrets). Lengths are not secret:
 * different lengths return false at once. Anything that is not a Uint8Array is unequal.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) return false;
  if (a.length !== b.length) return false;
  return crypto.timingSafeEqual(a, b);
}

/**
 * UTF-8 bytes of a string for hashing. Lone surrogates are refused: TextEncoder would turn
 * each into U+FFFD, so two different strings would hash the same.
 */
export function utf8Bytes(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`expected a string, got ${typeof text}`);
  // Node 20 has String.prototype.isWellFormed (ES2024); the lib setting predates it.
  if ((text as unknown as { isWellFormed(): boolean }).isWellFormed()) return encodeUtf8(text);
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(text);
  if (lone) {
    throw new RangeError(`string has a lone UTF-16 surrogate at index ${lone.index}: it has no UTF-8 encoding; fix the input`);
  }
  return encodeUtf8(text);
}

/**
 * Short strings (names, ids, indices: most of what is hashed per query, eight per sealed
 * explanation) through Buffer.from, about four times faster here than TextEncoder.encode,
 * copied out of Buffer's shared pool so the caller owns its bytes; long ones by TextEncoder.
 */
function encodeUtf8(text: string): Uint8Array {
  return text.length <= 128 ? new Uint8Array(Buffer.from(text, 'utf8')) : UTF8.encode(text);
}

function encodeDomain(domain: string): Uint8Array {
  const known = domainTags.get(domain);
  if (known !== undefined) return known;
  if (typeof domain !== 'string') throw new TypeError(`hash domain must be a string, got ${typeof domain}`);
  if (!DOMAIN_PATTERN.test(domain)) {
    throw new RangeError(`hash domain ${JSON.stringify(domain)} must be 1-255 printable ASCII characters without spaces, e.g. 'fedcredit/consent/v1'`);
  }
  const out = new Uint8Array(1 + domain.length);
  out[0] = domain.length;
  for (let i = 0; i < domain.length; i++) out[1 + i] = domain.charCodeAt(i);
  // Domains are constants of the code, a few dozen: kept (never handed out, so never changed).
  if (domainTags.size < 256) domainTags.set(domain, out);
  return out;
}

const domainTags = new Map<string, Uint8Array>();

function requireBytes(value: Uint8Array, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${what} must be a Uint8Array, got ${value === null ? 'null' : typeof value}`);
  }
  return value;
}
