/**
 * What the scoring parties agree on besides the proto messages (docs/scoring.md): the
 * requester's signed sealing key, the per-site explanation record and its sealed-box binding
 * (sealed and opened in scoring/sealed-explanation.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { verifySignature, type Identity } from '../crypto/identity.js';
import { hashLeaf } from '../log/merkle.js';
import { canonicalJson } from '../log/entries.js';
import type { SealedBoxBinding } from '../crypto/sealed-box.js';

const SEALING_KEY_TAG = 'fedcredit requester sealing key v1';
const utf8 = new TextEncoder();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The bytes a requester signs to vouch for its X25519 sealing key. */
export function sealingKeyMessage(requesterName: string, identityKey: Uint8Array | string, sealingKey: Uint8Array): Uint8Array {
  const id = typeof identityKey === 'string' ? identityKey : hex(identityKey);
  return utf8.encode(`${SEALING_KEY_TAG}\n${requesterName}\n${id}\n${hex(sealingKey)}`);
}

export function signSealingKey(identity: Identity, requesterName: string, sealingKey: Uint8Array): Uint8Array {
  return identity.sign(sealingKeyMessage(requesterName, identity.publicKey, sealingKey));
}

export function sealingKeyValid(requesterName: string, identityKeyHex: string, sealingKey: Uint8Array, signature: Uint8Array): boolean {
  if (sealingKey.length !== 32 || signature.length !== 64) return false;
  // A requester sends the same signed sealing key with every query: verified once, remembered
  // (valid ones only, bounded; cleared when full).
  const id = `${requesterName}\n${identityKeyHex}\n${hex(sealingKey)}\n${hex(signature)}`;
  if (validSealingKeys.has(id)) return true;
  if (!verifySignature(Buffer.from(identityKeyHex, 'hex'), sealingKeyMessage(requesterName, identityKeyHex, sealingKey), signature)) return false;
  if (validSealingKeys.size >= 10_000) validSealingKeys.clear();
  validSealingKeys.add(id);
  return true;
}

const validSealingKeys = new Set<string>();

/** One reason: a feature's name and which way it pushed the score; never its value. */
export interface ExplanationReason {
  readonly feature: string;
  readonly direction: 'increases-risk';
  readonly rank: number;
}

export interface SiteExplanation {
  readonly v: 1;
  readonly site: string;
  readonly queryId: string;
  readonly model: string;
  /** false: the site has no records of the enterprise and answered its population baseline. */
  readonly covered: boolean;
  readonly reasons: readonly ExplanationReason[];
}

/** Reasons per site: the largest risk-increasing contributions. */
export const TOP_REASONS = 3;

export function explanationBinding(site: string, requesterName: string, logIndex: number, queryId: string): SealedBoxBinding {
  return { purpose: 'score/explanation', sender: site, recipient: requesterName, extra: `${logIndex}\n${queryId}` };
}

// Sealing and opening an explanation (fixed length, authenticated by the site): scoring/sealed-explanation.ts.

/**
 * The registrar keys a party trusts to bind enterprise keys to credit codes: hex Ed25519 keys,
 * one per line (# comments), from `<data>/trusted-registrars`, plus FEDCREDIT_TRUSTED_REGISTRARS
 * (comma-separated). Without any, every consent is refused as UNKNOWN_ENTERPRISE.
 */
export const TRUSTED_REGISTRARS_FILE = 'trusted-registrars';
export const TRUSTED_REGISTRARS_ENV = 'FEDCREDIT_TRUSTED_REGISTRARS';

export function loadTrustedRegistrars(dataDir: string): string[] {
  const file = path.join(dataDir, TRUSTED_REGISTRARS_FILE);
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
  const fromEnv = (process.env[TRUSTED_REGISTRARS_ENV] ?? '').split(',');
  const keys = [...lines, ...fromEnv].map((l) => l.replace(/#.*/, '').trim().toLowerCase()).filter((l) => l.length > 0);
  for (const k of keys) if (!/^[0-9a-f]{64}$/.test(k)) throw new Error(`${file}: '${k.slice(0, 20)}' is not a hex Ed25519 public key`);
  return [...new Set(keys)];
}

export function writeTrustedRegistrars(dataDir: string, keys: readonly (string | Uint8Array)[]): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dataDir, TRUSTED_REGISTRARS_FILE), `# registrar keys trusted to bind enterprise keys (hex Ed25519)\n${keys.map((k) => (typeof k === 'string' ? k : hex(k))).join('\n')}\n`);
}

/**
 * A score receipt as `fedcredit score --out` writes it and `fedcredit audit receipt` checks it:
 * the logged query entry, its RFC 9162 inclusion proof, and the cosigned checkpoint the proof
 * leads to. The answer is kept beside it for the requester's records; the log holds no score.
 */
export interface ScoreReceiptFile {
  readonly v: 1;
  readonly kind: 'fedcredit-score-receipt';
  readonly queryId: string;
  readonly requester: string;
  readonly enterprise: string;
  readonly answer: {
    readonly points: number; readonly grade: string; readonly warning: string; readonly model: string;
    readonly coverage: readonly { readonly site: string; readonly covered: boolean }[];
    /** Hex Ed25519 signature by the coordinator's log key over answerStatement. */
    readonly signature: string;
  };
  readonly logIndex: number;
  /** Base64 of the exact entry bytes (canonical JSON). */
  readonly entry: string;
  readonly treeSize: number;
  /** Base64 hashes, RFC 9162 order. */
  readonly inclusionProof: readonly string[];
  /** The cosigned checkpoint note text. */
  readonly checkpoint: string;
}

/** What the coordinator signs about an answer: the query, its logged entry, and what it answered. */
export interface SignedAnswerFields {
  readonly queryId: string;
  readonly logIndex: number;
  /** The logged query entry's exact bytes (its RFC 9162 leaf hash is signed). */
  readonly entry: Uint8Array;
  readonly points: number;
  readonly grade: string;
  readonly warning: string;
  readonly model: string;
  readonly coverage: readonly { readonly site: string; readonly covered: boolean }[];
}

const ANSWER_TAG = 'fedcredit score answer v1';

/** The bytes the coordinator signs with its log key over an answer. */
export function answerStatement(a: SignedAnswerFields): Uint8Array {
  return new TextEncoder().encode(`${ANSWER_TAG}\n${canonicalJson({
    queryId: a.queryId, logIndex: a.logIndex, entryLeafHash: Buffer.from(hashLeaf(a.entry)).toString('hex'),
    points: a.points, grade: a.grade, warning: a.warning, model: a.model,
    coverage: a.coverage.map((c) => ({ site: c.site, covered: c.covered })),
  })}`);
}
