/**
 * What an auditor trusts and remembers between runs, in one JSON state file:
 *   - the log's origin and checkpoint key, and the witnesses' cosigning keys, pinned the first
 *     time the auditor sees them (trust on first use, as SSH does) unless `--trust FILE` gives
 *     them explicitly; a later change of a pinned key is refused, never followed;
 *   - the last checkpoint it verified (c2sp.org/tlog-checkpoint body) and that tree's compact
 *     range frontier (RFC 9162 §2.1 perfect subtree roots, at most log2(size) hashes), so the
 *     next run checks only the new entries and still recomputes the new root exactly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FedcreditError } from '../../lib/errors.js';
import { TRUSTED_REGISTRARS_ENV } from '../../scoring/protocol.js';
import { decodeBase64Strict, encodeBase64 } from '../../crypto/signed-note.js';
import { parseCheckpoint } from '../checkpoint.js';
import type { Checkpoint, TrustedKey } from '../checkpoint.js';
import type { RecordChainHead } from '../served-record.js';
import type { ConsentAuditState } from './consent-audit.js';
import type { IdentityAuditState } from './identity-audit.js';
import type { MonitoringAuditState } from './monitoring-audit.js';

export interface PinnedWitness {
  readonly site: string;
  /** Hex Ed25519 public key. */
  readonly key: string;
}

export interface AuditorState {
  readonly version: 1;
  readonly origin: string;
  /** Hex Ed25519 key of the log (its note key name is the origin). */
  readonly logKey: string;
  /** Witness key name -> pinned site and key. */
  readonly witnesses: Readonly<Record<string, PinnedWitness>>;
  /** Body of the last verified checkpoint, if any. */
  readonly checkpoint?: string;
  /** Base64 frontier hashes of that tree (CompactRange.fromFrontier). */
  readonly frontier?: readonly string[];
  /** Per site, where the node's served-record chain was verified up to. */
  readonly records?: Readonly<Record<string, RecordChainHead>>;
  /** Key bindings, and uses and revocations per consent, replayed so far (log/audit/consent-audit.ts). */
  readonly consentAudit?: ConsentAuditState;
  /** Each site's identity keys, replayed so far (log/audit/identity-audit.ts). */
  readonly identities?: IdentityAuditState;
  /** Portfolios, items, consent months and runs of post-loan monitoring, replayed so far (log/audit/monitoring-audit.ts). */
  readonly monitoringAudit?: MonitoringAuditState;
  readonly verifiedAt?: string;
}

/** `--trust FILE`: the keys to trust, given by the operator instead of learned on first use. */
export interface TrustFile {
  readonly origin: string;
  readonly logKey: string;
  readonly witnesses: readonly { readonly name: string; readonly site: string; readonly key: string }[];
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new FedcreditError('BAD_REQUEST', `${what} ${file} is not readable JSON: ${(err as Error).message}`);
  }
}

const HEX32 = /^[0-9a-f]{64}$/;

export function loadState(file: string): AuditorState | undefined {
  if (!fs.existsSync(file)) return undefined;
  const s = readJson(file, 'audit state file') as Partial<AuditorState>;
  if (s.version !== 1 || typeof s.origin !== 'string' || typeof s.logKey !== 'string' || !HEX32.test(s.logKey) || typeof s.witnesses !== 'object' || s.witnesses === null) {
    throw new FedcreditError('BAD_REQUEST', `audit state file ${file} is not a fedcredit audit state (version 1); move it away to start over`);
  }
  return s as AuditorState;
}

export function loadTrustFile(file: string): TrustFile {
  const t = readJson(file, 'trust file') as Partial<TrustFile>;
  if (typeof t.origin !== 'string' || typeof t.logKey !== 'string' || !HEX32.test(t.logKey) || !Array.isArray(t.witnesses) ||
    !t.witnesses.every((w) => typeof w?.name === 'string' && typeof w.site === 'string' && typeof w.key === 'string' && HEX32.test(w.key))) {
    throw new FedcreditError('BAD_REQUEST', `trust file ${file} must be {"origin", "logKey": hex, "witnesses": [{"name", "site", "key": hex}]}`);
  }
  return t as TrustFile;
}

/**
 * `--registrars FILE` plus FEDCREDIT_TRUSTED_REGISTRARS: the registrar keys the auditor trusts
 * to bind enterprise keys, in the format of the parties' `trusted-registrars` file (hex Ed25519
 * keys, one a line, # comments). Not pinned on first use: a binding is anyone's signature
 * until the operator says whose counts.
 */
export function loadTrustedRegistrarsFile(file: string | undefined): string[] {
  let lines: string[] = [];
  if (file !== undefined) {
    try {
      lines = fs.readFileSync(file, 'utf8').split('\n');
    } catch (err) {
      throw new FedcreditError('BAD_REQUEST', `registrars file ${file} is not readable: ${(err as Error).message}`);
    }
  }
  const keys = [...lines, ...(process.env[TRUSTED_REGISTRARS_ENV] ?? '').split(',')].map((l) => l.replace(/#.*/, '').trim().toLowerCase()).filter((l) => l.length > 0);
  const bad = keys.find((k) => !HEX32.test(k));
  if (bad !== undefined) throw new FedcreditError('BAD_REQUEST', `registrar key '${bad.slice(0, 20)}' (${file ?? TRUSTED_REGISTRARS_ENV}) is not a hex Ed25519 public key; give 64 hex digits a line`);
  return [...new Set(keys)];
}

/** Writes the state atomically (rename), so a crash never leaves half a file. */
export function saveState(file: string, state: AuditorState): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function trustedCheckpoint(state: AuditorState | undefined): Checkpoint | undefined {
  if (!state?.checkpoint) return undefined;
  const parsed = parseCheckpoint(state.checkpoint);
  if (!parsed.ok) throw new FedcreditError('BAD_REQUEST', `the checkpoint in the audit state file is damaged: ${parsed.reason}`);
  return parsed.checkpoint;
}

export function frontierHashes(state: AuditorState | undefined): Uint8Array[] {
  return (state?.frontier ?? []).map((h) => {
    const bytes = decodeBase64Strict(h);
    if (!bytes || bytes.length !== 32) throw new FedcreditError('BAD_REQUEST', 'the frontier in the audit state file is damaged');
    return bytes;
  });
}

export const encodeFrontier = (hashes: readonly Uint8Array[]): string[] => hashes.map(encodeBase64);

export function witnessKeys(state: Pick<AuditorState, 'witnesses'>): TrustedKey[] {
  return Object.entries(state.witnesses).map(([name, w]) => ({ name, publicKey: Buffer.from(w.key, 'hex') }));
}
