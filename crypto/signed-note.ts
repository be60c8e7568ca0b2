/**
 * C2SP signed note (c2sp.org/signed-note, v1.0.0): text ending in a newline, a blank line,
 * then one or more lines `— <key name> base64(key ID || signature)`, with Ed25519 signatures
 * (signature type 0x01). Checkpoints and witness cosignatures (log/checkpoint.ts) are
 * notes with a fixed text and their own signature types.
 *
 * Parsing is strict because a note is untrusted input: anything the spec forbids is refused
 * with a reason, never thrown, so a peer can be told what it sent wrong.
 */
import { createHash, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { verifySignature } from './identity.js';

/** Signature type bytes assigned by c2sp.org/signed-note §Signature types. */
export const SIG_TYPE_ED25519 = 0x01;
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;

/** The spec asks verifiers to cap signatures and accept at least 16. */
export const MAX_SIGNATURES = 100;
/** Bounds work on hostile input; a checkpoint with 100 cosignatures is ~12 KB. */
export const MAX_NOTE_BYTES = 64 * 1024;

const EM_DASH = '\u2014';
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface NoteSignature {
  readonly name: string;
  /** uint32 key ID, the first four bytes of the decoded signature, big-endian. */
  readonly keyId: number;
  /** The bytes after the key ID. */
  readonly signature: Uint8Array;
}

export interface Note {
  /** The signed text, including its final newline but not the blank separator line. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** Checks one signature type for one key; the (name, keyId) pair selects it. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/** Produces the bytes after the key ID for one key and signature type. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(text: Uint8Array): Uint8Array;
}

/**
 * An Ed25519 identity as the rest of the system hands it in: a name, the raw 32-byte public
 * key and a signing function, so this module never touches key files.
 */
export interface Ed25519Identity {
  readonly name: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export type NoteErrorCode = 'MALFORMED_NOTE' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE';

export type NoteParse = { readonly ok: true; readonly note: Note } | { readonly ok: false; readonly reason: string };

export type NoteVerdict =
  | { readonly ok: true; readonly note: Note; readonly verified: readonly NoteSignature[] }
  | { readonly ok: false; readonly code: NoteErrorCode; readonly reason: string };

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Standard base64 (RFC 4648 §4) with padding, decoded only if it re-encodes identically. */
export function decodeBase64Strict(s: string): Uint8Array | undefined {
  if (s.length === 0 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64');
  // Non-canonical encodings (stray bits in the last character) would let one signature have
  // many spellings; refuse them.
  if (bytes.toString('base64') !== s) return undefined;
  return new Uint8Array(bytes);
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Key names: non-empty, no Unicode space, no '+' (c2sp.org/signed-note §Format). */
export function checkKeyName(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'key name is empty';
  if (/[\s\p{Zs}+]/u.test(name)) return `key name ${JSON.stringify(name)} contains a space or '+'`;
  if (/[\u0000-\u001f\p{Cs}]/u.test(name)) return `key name ${JSON.stringify(name)} contains a control character`;
  return undefined;
}

/** key ID = SHA-256(key name || 0x0A || signature type || public key)[:4], big-endian. */
export function keyIdFor(name: string, sigType: number, publicKey: Uint8Array): number {
  const digest = createHash('sha256')
    .update(utf8.encode(name))
    .update(new Uint8Array([0x0a, sigType]))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

function describeChar(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Parses a signed note without verifying anything. */
export function parseNote(input: string | Uint8Array): NoteParse {
  let s: string;
  if (input instanceof Uint8Array) {
    if (input.length > MAX_NOTE_BYTES) return { ok: false, reason: `note is ${input.length} bytes, limit ${MAX_NOTE_BYTES}` };
    try {
      s = strictUtf8.decode(input);
    } catch {
      return { ok: false, reason: 'note is not valid UTF-8' };
    }
  } else if (typeof input === 'string') {
    if (/\p{Cs}/u.test(input)) return { ok: false, reason: 'note contains a lone surrogate (not valid UTF-8)' };
    s = input;
    if (utf8.encode(s).length > MAX_NOTE_BYTES) return { ok: false, reason: `note is larger than ${MAX_NOTE_BYTES} bytes` };
  } else {
    return { ok: false, reason: 'note must be a string or bytes' };
  }
  const control = /[\u0000-\u0009\u000b-\u001f]/.exec(s);
  if (control) return { ok: false, reason: `control character ${describeChar(control[0])} at offset ${control.index}` };
  if (!s.endsWith('\n')) return { ok: false, reason: 'note does not end with a newline' };

  // The text ends at the last blank line; everything after it must be signature lines.
  const sep = s.lastIndexOf('\n\n');
  if (sep < 0) return { ok: false, reason: 'no blank line separating the text from signature lines' };
  const text = s.slice(0, sep + 1);
  const lines = s.slice(sep + 2, -1).split('\n');
  if (lines.length === 1 && lines[0] === '') return { ok: false, reason: 'note has no signature lines' };
  if (lines.length > MAX_SIGNATURES) return { ok: false, reason: `note has ${lines.length} signatures, limit ${MAX_SIGNATURES}` };

  const signatures: NoteSignature[] = [];
  for (let i = 0; i < lines.length; i++) {
    const parsed = parseSignatureLine(lines[i]!);
    if (typeof parsed === 'string') return { ok: false, reason: `signature line ${i + 1}: ${parsed}` };
    signatures.push(parsed);
  }
  return { ok: true, note: { text, signatures } };
}

/** One `— <name> <base64>` line, without its newline; a string result is the reason it is bad. */
export function parseSignatureLine(line: string): NoteSignature | string {
  if (!line.startsWith(`${EM_DASH} `)) return 'does not start with an em dash (U+2014) and a space';
  const parts = line.slice(2).split(' ');
  if (parts.length !== 2) return 'want exactly "— <key name> <base64 signature>"';
  const [name, b64] = parts as [string, string];
  const badName = checkKeyName(name);
  if (badName) return badName;
  const raw = decodeBase64Strict(b64);
  if (!raw) return `signature of ${name} is not canonical standard base64`;
  if (raw.length < 5) return `signature of ${name} is ${raw.length} bytes, shorter than a key ID and a signature`;
  const keyId = Buffer.from(raw.buffer, raw.byteOffset, 4).readUInt32BE(0);
  return { name, keyId, signature: raw.slice(4) };
}

export function formatSignatureLine(sig: NoteSignature): string {
  const raw = new Uint8Array(4 + sig.signature.length);
  new DataView(raw.buffer).setUint32(0, sig.keyId >>> 0);
  raw.set(sig.signature, 4);
  return `${EM_DASH} ${sig.name} ${encodeBase64(raw)}\n`;
}

export function formatNote(note: Note): string {
  return `${note.text}\n${note.signatures.map(formatSignatureLine).join('')}`;
}

/** Checks that `text` can be the text of a note, so signing never produces an unparseable one. */
export function checkNoteText(text: string): string | undefined {
  if (typeof text !== 'string') return 'note text must be a string';
  if (!text.endsWith('\n')) return 'note text must end with a newline';
  if (/[\u0000-\u0009\u000b-\u001f\p{Cs}]/u.test(text)) return 'note text contains a control character or lone surrogate';
  return undefined;
}

/** Signs `text` with each signer and returns the whole note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  const bad = checkNoteText(text);
  if (bad) throw new RangeError(bad);
  if (signers.length === 0) throw new RangeError('a note needs at least one signer');
  const bytes = utf8.encode(text);
  const signatures = signers.map((s) => ({ name: s.name, keyId: s.keyId, signature: s.sign(bytes) }));
  return formatNote({ text, signatures });
}

/** Adds signature lines (e.g. witness cosignatures) to an already signed note. */
export function addSignatureLines(note: string, lines: readonly string[]): string {
  const parsed = parseNote(note);
  if (!parsed.ok) throw new RangeError(`cannot add signatures to a malformed note: ${parsed.reason}`);
  const added: NoteSignature[] = [];
  for (const line of lines) {
    const sig = parseSignatureLine(line.endsWith('\n') ? line.slice(0, -1) : line);
    if (typeof sig === 'string') throw new RangeError(`cannot add signature line: ${sig}`);
    added.push(sig);
  }
  return formatNote({ text: parsed.note.text, signatures: [...parsed.note.signatures, ...added] });
}

/**
 * Verifies a note against known keys (c2sp.org/signed-note §Signatures): signatures from
 * unknown (name, key ID) pairs are ignored, a known key's bad signature rejects the whole
 * note, and at least one known key must have signed.
 */
export function verifyNote(input: string | Uint8Array, verifiers: readonly NoteVerifier[]): NoteVerdict {
  const parsed = parseNote(input);
  if (!parsed.ok) return { ok: false, code: 'MALFORMED_NOTE', reason: parsed.reason };
  const { note } = parsed;
  const text = utf8.encode(note.text);
  const verified: NoteSignature[] = [];
  for (const sig of note.signatures) {
    const verifier = verifiers.find((v) => v.name === sig.name && v.keyId === sig.keyId);
    if (!verifier) continue;
    if (!verifier.verify(text, sig.signature)) {
      return { ok: false, code: 'BAD_SIGNATURE', reason: `signature by ${sig.name} does not verify` };
    }
    verified.push(sig);
  }
  if (verified.length === 0) {
    const seen = note.signatures.map((s) => s.name).join(', ');
    return { ok: false, code: 'UNKNOWN_KEY', reason: `no signature from a known key (signed by: ${seen})` };
  }
  return { ok: true, note, verified };
}

/**
 * KeyObjects of recently used public keys. A node opens the coordinator's checkpoint with every
 * share batch, and importing the same log key each time cost about a tenth of a node's CPU per
 * query (profiled in the scoring bench). KeyObjects are immutable, so sharing one is safe.
 */
const publicKeyObjects = new Map<string, KeyObject>();
const PUBLIC_KEY_OBJECTS_MAX = 256;

/** A KeyObject for a raw 32-byte Ed25519 public key (RFC 8032 encoding). */
export function ed25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  if (!(publicKey instanceof Uint8Array)) throw new TypeError('Ed25519 public key must be a Uint8Array');
  if (publicKey.length !== 32) throw new RangeError(`Ed25519 public key is ${publicKey.length} bytes, want 32`);
  const hex = Buffer.from(publicKey).toString('hex');
  const known = publicKeyObjects.get(hex);
  if (known) return known;
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  if (publicKeyObjects.size >= PUBLIC_KEY_OBJECTS_MAX) publicKeyObjects.delete(publicKeyObjects.keys().next().value!);
  publicKeyObjects.set(hex, key);
  return key;
}

/** A KeyObject for a raw 32-byte Ed25519 private seed. */
export function ed25519PrivateKeyObject(seed: Uint8Array): KeyObject {
  if (!(seed instanceof Uint8Array)) throw new TypeError('Ed25519 seed must be a Uint8Array');
  if (seed.length !== 32) throw new RangeError(`Ed25519 seed is ${seed.length} bytes, want 32`);
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** Ed25519 verification that answers false, never throws, on a malformed signature. */
export function ed25519Verify(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  return nodeVerify(null, message, key, signature);
}

/** An identity from a raw seed, for simulations and tests; production passes its own `sign`. */
export function ed25519IdentityFromSeed(name: string, seed: Uint8Array): Ed25519Identity {
  const privateKey = ed25519PrivateKeyObject(seed);
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return { name, publicKey, sign: (message) => new Uint8Array(nodeSign(null, message, privateKey)) };
}

/** Verifier for plain Ed25519 note signatures (type 0x01), e.g. a log's checkpoint key. */
export function ed25519NoteVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  const badName = checkKeyName(name);
  if (badName) throw new RangeError(badName);
  // Checked now, as building a KeyObject used to: a malformed key fails here, not per note.
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) throw new RangeError('Ed25519 public key must be a 32-byte Uint8Array');
  const key = new Uint8Array(publicKey);
  return {
    name,
    keyId: keyIdFor(name, SIG_TYPE_ED25519, publicKey),
    // libsodium (crypto/identity.ts): about half OpenSSL's CPU per verification, and stricter
    // (small-order keys and R refused). A node verifies a checkpoint with every share batch.
    verify: (text, signature) => verifySignature(key, text, signature),
  };
}

/** Signer for plain Ed25519 note signatures (type 0x01). */
export function ed25519NoteSigner(identity: Ed25519Identity): NoteSigner {
  const badName = checkKeyName(identity.name);
  if (badName) throw new RangeError(badName);
  if (identity.publicKey.length !== 32) throw new RangeError('Ed25519 public key must be 32 bytes');
  return {
    name: identity.name,
    keyId: keyIdFor(identity.name, SIG_TYPE_ED25519, identity.publicKey),
    sign: (text) => {
      const sig = identity.sign(text);
      if (sig.length !== 64) throw new Error(`signer ${identity.name} returned ${sig.length} bytes, want a 64-byte Ed25519 signature`);
      return sig;
    },
  };
}
