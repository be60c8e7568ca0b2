/**
 * Transparency log checkpoints (c2sp.org/tlog-checkpoint) and Ed25519 witness cosignatures
 * (c2sp.org/tlog-cosignature, cosignature/v1, signature type 0x04), both as signed notes
 * (crypto/signed-note.ts).
 *
 * A checkpoint body is `origin\nsize\nbase64(root)\n` plus optional non-empty extension lines.
 * A cosignature signs `cosignature/v1\ntime <t>\n` + that body and carries its timestamp,
 * so a witness's statement "this is the largest consistent tree I had seen at time t" cannot
 * be replayed for another checkpoint or passed off as a plain note signature.
 */
import {
  SIG_TYPE_COSIGNATURE_V1,
  checkKeyName,
  decodeBase64Strict,
  ed25519NoteVerifier,
  encodeBase64,
  formatSignatureLine,
  keyIdFor,
  parseNote,
  signNote,
  verifyNote,
  ed25519NoteSigner,
} from '../crypto/signed-note.js';
import type { Ed25519Identity, Note, NoteErrorCode, NoteSigner, NoteVerifier } from '../crypto/signed-note.js';
import { verifySignature } from '../crypto/identity.js';
import { HASH_SIZE } from './merkle.js';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Opaque extension lines (without newlines); not auditable, so the log writes none. */
  readonly extensions: readonly string[];
}

/** A public key the verifier trusts, with the name it signs under. */
export interface TrustedKey {
  readonly name: string;
  readonly publicKey: Uint8Array;
}

export type CheckpointParse = { readonly ok: true; readonly checkpoint: Checkpoint } | { readonly ok: false; readonly reason: string };

export type CheckpointErrorCode = NoteErrorCode | 'MALFORMED_CHECKPOINT' | 'WRONG_ORIGIN';

export type CheckpointVerdict =
  | { readonly ok: true; readonly checkpoint: Checkpoint; readonly note: Note }
  | { readonly ok: false; readonly code: CheckpointErrorCode; readonly reason: string };

/** The highest timestamp tlog-cosignature allows (2^63 - 1). */
const MAX_COSIGNATURE_TIME = (1n << 63n) - 1n;
const utf8 = new TextEncoder();

export function formatCheckpoint(cp: Checkpoint): string {
  if (typeof cp.origin !== 'string' || cp.origin.length === 0 || /[\n\u0000-\u001f]/.test(cp.origin)) {
    throw new RangeError('checkpoint origin must be a non-empty single line');
  }
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new RangeError(`checkpoint size ${cp.size} is not a non-negative safe integer`);
  if (!(cp.rootHash instanceof Uint8Array) || cp.rootHash.length !== HASH_SIZE) throw new RangeError(`checkpoint root must be ${HASH_SIZE} bytes`);
  for (const ext of cp.extensions) {
    if (ext.length === 0 || /[\n\u0000-\u001f]/.test(ext)) throw new RangeError('checkpoint extension lines must be non-empty single lines');
  }
  return [cp.origin, String(cp.size), encodeBase64(cp.rootHash), ...cp.extensions].map((l) => `${l}\n`).join('');
}

/** Parses a checkpoint body (the note text, not the signatures). */
export function parseCheckpoint(text: string): CheckpointParse {
  if (typeof text !== 'string') return { ok: false, reason: 'checkpoint text must be a string' };
  if (!text.endsWith('\n')) return { ok: false, reason: 'checkpoint text does not end with a newline' };
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return { ok: false, reason: `checkpoint has ${lines.length} lines, want at least origin, size and root` };
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) return { ok: false, reason: 'checkpoint origin line is empty' };
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) return { ok: false, reason: `checkpoint size ${JSON.stringify(sizeLine)} is not a decimal without leading zeroes` };
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) return { ok: false, reason: `checkpoint size ${sizeLine} is beyond 2^53 - 1, which this log does not support` };
  const rootHash = decodeBase64Strict(rootLine);
  if (!rootHash) return { ok: false, reason: 'checkpoint root line is not canonical standard base64' };
  if (rootHash.length !== HASH_SIZE) return { ok: false, reason: `checkpoint root is ${rootHash.length} bytes, want ${HASH_SIZE}` };
  const emptyExt = extensions.findIndex((e) => e.length === 0);
  if (emptyExt >= 0) return { ok: false, reason: `checkpoint extension line ${emptyExt + 1} is empty` };
  return { ok: true, checkpoint: { origin, size, rootHash, extensions } };
}

/** Signs a checkpoint with the log's key; the key name should be the origin. */
export function signCheckpoint(cp: Checkpoint, log: Ed25519Identity | NoteSigner): string {
  const signer = 'keyId' in log ? log : ed25519NoteSigner(log);
  return signNote(formatCheckpoint(cp), [signer]);
}

/**
 * Verifies the log's signature on a checkpoint note and parses it. Cosignature lines from
 * other keys are ignored here (see verifyCosignatures).
 */
export function openCheckpoint(input: string | Uint8Array, log: { readonly origin: string; readonly key: TrustedKey | NoteVerifier }): CheckpointVerdict {
  const verifier = 'keyId' in log.key ? log.key : ed25519NoteVerifier(log.key.name, log.key.publicKey);
  const verdict = verifyNote(input, [verifier]);
  if (!verdict.ok) return verdict;
  const parsed = parseCheckpoint(verdict.note.text);
  if (!parsed.ok) return { ok: false, code: 'MALFORMED_CHECKPOINT', reason: parsed.reason };
  if (parsed.checkpoint.origin !== log.origin) {
    return { ok: false, code: 'WRONG_ORIGIN', reason: `checkpoint origin ${JSON.stringify(parsed.checkpoint.origin)} is not the expected ${JSON.stringify(log.origin)}` };
  }
  return { ok: true, checkpoint: parsed.checkpoint, note: verdict.note };
}

/** The message an Ed25519 cosignature signs (tlog-cosignature §Ed25519 signed message). */
export function cosignatureMessage(checkpointText: string, timestamp: bigint): Uint8Array {
  return utf8.encode(`cosignature/v1\ntime ${timestamp.toString()}\n${checkpointText}`);
}

export function cosignatureKeyId(name: string, publicKey: Uint8Array): number {
  return keyIdFor(name, SIG_TYPE_COSIGNATURE_V1, publicKey);
}

/** Splits a cosignature's bytes after the key ID into its u64 timestamp and signature. */
export function splitCosignature(sig: Uint8Array): { timestamp: bigint; signature: Uint8Array } | undefined {
  if (sig.length !== 8 + 64) return undefined;
  const timestamp = new DataView(sig.buffer, sig.byteOffset, 8).getBigUint64(0);
  return { timestamp, signature: sig.subarray(8) };
}

/** A note verifier for a witness's cosignatures; it ignores the witness's plain signatures. */
export function cosignatureVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  const badName = checkKeyName(name);
  if (badName) throw new RangeError(badName);
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) throw new RangeError('Ed25519 public key must be a 32-byte Uint8Array');
  const key = new Uint8Array(publicKey);
  return {
    name,
    keyId: cosignatureKeyId(name, publicKey),
    verify: (text, sig) => {
      const parts = splitCosignature(sig);
      if (!parts || parts.timestamp > MAX_COSIGNATURE_TIME) return false;
      const message = cosignatureMessage(new TextDecoder().decode(text), parts.timestamp);
      // libsodium, as for the log's own signature (crypto/signed-note.ts ed25519NoteVerifier).
      return verifySignature(key, message, parts.signature);
    },
  };
}

/**
 * A witness's cosignature line over a checkpoint body, at `timestamp` (POSIX seconds). Only a
 * witness that has checked consistency should call this (log/witness.ts does).
 */
export function cosignatureLine(checkpointText: string, witness: Ed25519Identity, timestamp: bigint): string {
  const badName = checkKeyName(witness.name);
  if (badName) throw new RangeError(badName);
  if (timestamp < 0n || timestamp > MAX_COSIGNATURE_TIME) throw new RangeError(`cosignature time ${timestamp} is outside 0..2^63-1`);
  const sig = witness.sign(cosignatureMessage(checkpointText, timestamp));
  if (sig.length !== 64) throw new Error(`witness ${witness.name} returned ${sig.length} bytes, want a 64-byte Ed25519 signature`);
  const body = new Uint8Array(72);
  new DataView(body.buffer).setBigUint64(0, timestamp);
  body.set(sig, 8);
  return formatSignatureLine({ name: witness.name, keyId: cosignatureKeyId(witness.name, witness.publicKey), signature: body });
}

export interface CosignatureReport {
  /** Witnesses whose cosignature verified, once each, with the time they stated. */
  readonly valid: readonly { readonly name: string; readonly timestamp: bigint }[];
  /** Known witnesses whose line is present but does not verify. */
  readonly invalid: readonly { readonly name: string; readonly reason: string }[];
  /** Set when the note itself could not be parsed; then nothing else was checked. */
  readonly malformed?: string;
}

/**
 * Checks every cosignature from `witnesses` on a checkpoint note. Unknown keys are ignored, as
 * the signed-note spec requires; a witness counts once however many lines it has.
 */
export function verifyCosignatures(input: string | Uint8Array, witnesses: readonly TrustedKey[]): CosignatureReport {
  const parsed = parseNote(input);
  if (!parsed.ok) return { valid: [], invalid: [], malformed: parsed.reason };
  const text = utf8.encode(parsed.note.text);
  const verifiers = witnesses.map((w) => ({ witness: w, verifier: cosignatureVerifier(w.name, w.publicKey) }));
  const valid = new Map<string, bigint>();
  const invalid: { name: string; reason: string }[] = [];
  for (const sig of parsed.note.signatures) {
    const match = verifiers.find((v) => v.verifier.name === sig.name && v.verifier.keyId === sig.keyId);
    if (!match) continue;
    if (!match.verifier.verify(text, sig.signature)) {
      invalid.push({ name: sig.name, reason: `cosignature by ${sig.name} does not verify` });
      continue;
    }
    if (!valid.has(sig.name)) valid.set(sig.name, splitCosignature(sig.signature)!.timestamp);
  }
  return { valid: [...valid].map(([name, timestamp]) => ({ name, timestamp })), invalid };
}
