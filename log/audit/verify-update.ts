/**
 * Auditor's check of a transparency log update, transport-free: from a checkpoint it already
 * trusts to a new one, is the log append-only (RFC 9162 §2.1.4), did a quorum of witnesses
 * cosign (c2sp.org/tlog-cosignature), and are the new entries exactly what the new root
 * commits to (§2.1.3, or a full recomputation of §2.1.1)?
 *
 * It reports every problem it finds, not just the first, because an auditor's report is read
 * by people deciding what went wrong.
 */
import { CompactRange, bytesEqual, hashLeaf, verifyConsistency, verifyInclusion } from '../merkle.js';
import { openCheckpoint, verifyCosignatures } from '../checkpoint.js';
import type { Checkpoint, TrustedKey } from '../checkpoint.js';
import { encodeBase64 } from '../../crypto/signed-note.js';

export type AuditFindingCode =
  | 'BAD_CHECKPOINT'
  | 'QUORUM_NOT_MET'
  | 'BAD_COSIGNATURE'
  | 'ROLLBACK'
  | 'SPLIT_VIEW'
  | 'INCONSISTENT'
  | 'ENTRY_COUNT'
  | 'ENTRY_NOT_INCLUDED'
  | 'ROOT_MISMATCH'
  | 'BAD_ENTRY'
  | 'NO_ENTRY_EVIDENCE';

export interface AuditFinding {
  readonly code: AuditFindingCode;
  readonly message: string;
  /** The log index the finding is about, when it is about one entry. */
  readonly index?: number;
}

export interface AuditInput {
  /** The log: origin line and checkpoint key. */
  readonly log: { readonly origin: string; readonly key: TrustedKey };
  /** Last checkpoint the auditor verified; omit when auditing from the empty tree. */
  readonly trusted?: Checkpoint;
  /** The new checkpoint note, with the log signature and witness cosignature lines. */
  readonly newCheckpoint: string | Uint8Array;
  readonly witnesses: readonly TrustedKey[];
  /** How many distinct witnesses must have cosigned. */
  readonly quorum: number;
  /** Consistency proof from `trusted.size` to the new size. */
  readonly consistencyProof: readonly Uint8Array[];
  /**
   * Entries [start, newSize). With start 0 the root is recomputed from them all; otherwise
   * each needs an inclusion proof at the new size.
   */
  readonly entries: {
    readonly start: number;
    readonly items: readonly Uint8Array[];
    readonly inclusionProofs?: readonly (readonly Uint8Array[])[];
  };
  /** Optional content check per entry (e.g. decodes as a known entry kind); returns a problem. */
  readonly checkEntry?: (index: number, entry: Uint8Array) => string | undefined;
}

export interface AuditReport {
  readonly ok: boolean;
  /** The new checkpoint, when its log signature verified: the auditor's next `trusted`. */
  readonly checkpoint?: Checkpoint;
  readonly findings: readonly AuditFinding[];
}

const b64 = encodeBase64;

export function auditLog(input: AuditInput): AuditReport {
  const findings: AuditFinding[] = [];
  const opened = openCheckpoint(input.newCheckpoint, input.log);
  if (!opened.ok) {
    findings.push({ code: 'BAD_CHECKPOINT', message: `new checkpoint rejected: ${opened.code}: ${opened.reason}` });
    return { ok: false, findings };
  }
  const next = opened.checkpoint;

  checkWitnesses(input, findings);
  checkAppendOnly(input.trusted, next, input.consistencyProof, findings);
  checkEntries(input, next, findings);

  return { ok: findings.length === 0, checkpoint: next, findings };
}

function checkWitnesses(input: AuditInput, findings: AuditFinding[]): void {
  const report = verifyCosignatures(input.newCheckpoint, input.witnesses);
  for (const bad of report.invalid) findings.push({ code: 'BAD_COSIGNATURE', message: bad.reason });
  if (report.valid.length < input.quorum) {
    const who = report.valid.map((v) => v.name).join(', ') || 'none';
    findings.push({
      code: 'QUORUM_NOT_MET',
      message: `${report.valid.length} of ${input.quorum} required witness cosignatures verify (valid: ${who})`,
    });
  }
}

function checkAppendOnly(trusted: Checkpoint | undefined, next: Checkpoint, proof: readonly Uint8Array[], findings: AuditFinding[]): void {
  if (!trusted || trusted.size === 0) return;
  if (next.size < trusted.size) {
    findings.push({ code: 'ROLLBACK', message: `new checkpoint size ${next.size} is smaller than the trusted size ${trusted.size}` });
    return;
  }
  if (next.size === trusted.size) {
    if (!bytesEqual(next.rootHash, trusted.rootHash)) {
      findings.push({
        code: 'SPLIT_VIEW',
        message: `same size different root: split view (size ${next.size}: trusted root ${b64(trusted.rootHash)}, new root ${b64(next.rootHash)})`,
      });
    }
    return;
  }
  const verdict = verifyConsistency(trusted.size, next.size, trusted.rootHash, next.rootHash, proof);
  if (!verdict.ok) {
    findings.push({
      code: 'INCONSISTENT',
      message: `inconsistent checkpoint: size ${next.size} root ${b64(next.rootHash)} does not extend size ${trusted.size} root ${b64(trusted.rootHash)} (${verdict.reason})`,
    });
  }
}

function checkEntries(input: AuditInput, next: Checkpoint, findings: AuditFinding[]): void {
  const { start, items, inclusionProofs } = input.entries;
  const expected = next.size - start;
  if (!Number.isSafeInteger(start) || start < 0 || start > next.size) {
    findings.push({ code: 'ENTRY_COUNT', message: `entries start at ${start}, outside the new tree of size ${next.size}` });
    return;
  }
  if (items.length !== expected) {
    findings.push({
      code: 'ENTRY_COUNT',
      message: `expected ${expected} entries [${start}, ${next.size}), got ${items.length}`,
    });
  }
  if (input.checkEntry) {
    items.forEach((entry, i) => {
      const problem = input.checkEntry!(start + i, entry);
      if (problem) findings.push({ code: 'BAD_ENTRY', index: start + i, message: `entry ${start + i}: ${problem}` });
    });
  }

  if (start === 0) {
    recomputeRoots(input.trusted, next, items, findings);
    return;
  }
  if (items.length === 0) return;
  if (!inclusionProofs || inclusionProofs.length !== items.length) {
    findings.push({
      code: 'NO_ENTRY_EVIDENCE',
      message: `entries from ${start} need one inclusion proof each (got ${inclusionProofs?.length ?? 0} for ${items.length})`,
    });
    return;
  }
  items.forEach((entry, i) => {
    const index = start + i;
    const verdict = verifyInclusion(hashLeaf(entry), index, next.size, inclusionProofs[i]!, next.rootHash);
    if (!verdict.ok) {
      findings.push({ code: 'ENTRY_NOT_INCLUDED', index, message: `entry ${index} is not in the tree of size ${next.size}: ${verdict.reason}` });
    }
  });
}

/** Rebuilds the tree from every entry: the root at the trusted size and at the new size must match. */
function recomputeRoots(trusted: Checkpoint | undefined, next: Checkpoint, items: readonly Uint8Array[], findings: AuditFinding[]): void {
  const range = CompactRange.empty();
  const checkTrustedAt = trusted && trusted.size <= next.size ? trusted.size : -1;
  for (let i = 0; i <= items.length; i++) {
    if (range.size === checkTrustedAt && trusted && trusted.size > 0) {
      const root = range.root();
      if (!bytesEqual(root, trusted.rootHash)) {
        findings.push({
          code: 'ROOT_MISMATCH',
          message: `entries [0, ${trusted.size}) hash to root ${b64(root)}, but the trusted checkpoint says ${b64(trusted.rootHash)}`,
        });
      }
    }
    if (i < items.length) range.append(hashLeaf(items[i]!));
  }
  if (items.length !== next.size) return; // already reported as ENTRY_COUNT; a root would only repeat it
  const root = range.root();
  if (!bytesEqual(root, next.rootHash)) {
    findings.push({
      code: 'ROOT_MISMATCH',
      message: `entries [0, ${next.size}) hash to root ${b64(root)}, but the new checkpoint says ${b64(next.rootHash)}`,
    });
  }
}
