/**
 * `fedcredit audit receipt FILE`: checks a score receipt offline (scoring/protocol.ts
 * ScoreReceiptFile), with the keys the auditor trusts (a --trust file, or the keys pinned in
 * an `audit verify` state file):
 *   - the entry is a well-formed `query` entry for the receipt's query id and requester, or a
 *     `rescore` entry (post-loan monitoring) whose subject ends the receipt's `runId:subject` id;
 *   - the checkpoint is signed by the log's key and carries a quorum of witness cosignatures;
 *   - the RFC 9162 inclusion proof leads from the entry's leaf hash to the checkpoint's root;
 *   - the answer (points, grade, warning, model, coverage) carries the coordinator's signature,
 *     by the log key, over it, the query id and the entry: the receipt proves what was answered.
 */
import fs from 'node:fs';
import { openCheckpoint, verifyCosignatures, type TrustedKey } from '../checkpoint.js';
import { hashLeaf, verifyInclusion } from '../merkle.js';
import { decodeEntry, entryProblem } from '../entries.js';
import { FedcreditError } from '../../lib/errors.js';
import { answerStatement, type ScoreReceiptFile } from '../../scoring/protocol.js';
import { verifySignature } from '../../crypto/identity.js';
import { loadState, loadTrustFile, witnessKeys } from './trust.js';

export interface ReceiptTrust {
  readonly origin: string;
  readonly logKey: Uint8Array;
  readonly witnesses: readonly TrustedKey[];
}

export interface ReceiptCheck {
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly queryId?: string;
  readonly logIndex?: number;
  readonly treeSize?: number;
  readonly cosignedBy: readonly string[];
  readonly entry?: unknown;
}

export function trustFrom(opts: { trustFile?: string; stateFile?: string }): ReceiptTrust {
  if (opts.trustFile) {
    const t = loadTrustFile(opts.trustFile);
    return { origin: t.origin, logKey: Buffer.from(t.logKey, 'hex'), witnesses: t.witnesses.map((w) => ({ name: w.name, publicKey: Buffer.from(w.key, 'hex') })) };
  }
  const s = opts.stateFile ? loadState(opts.stateFile) : undefined;
  if (!s) throw new FedcreditError('BAD_REQUEST', 'give --trust FILE or --state FILE (from `audit verify`): the log and witness keys to check the receipt against');
  return { origin: s.origin, logKey: Buffer.from(s.logKey, 'hex'), witnesses: witnessKeys(s) };
}

const b64 = (s: unknown): Uint8Array | undefined => (typeof s === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(s) ? Buffer.from(s, 'base64') : undefined);

export function verifyReceipt(input: unknown, trust: ReceiptTrust, quorum = trust.witnesses.length): ReceiptCheck {
  const problems: string[] = [];
  const r = input as Partial<ScoreReceiptFile> | null;
  if (typeof r !== 'object' || r === null || r.kind !== 'fedcredit-score-receipt' || r.v !== 1) {
    return { ok: false, problems: ['not a fedcredit score receipt (version 1)'], cosignedBy: [] };
  }
  const entryBytes = b64(r.entry);
  const proof = Array.isArray(r.inclusionProof) ? r.inclusionProof.map(b64) : [undefined];
  if (!entryBytes || proof.some((h) => !h || h.length !== 32) || !Number.isSafeInteger(r.logIndex) || !Number.isSafeInteger(r.treeSize) || typeof r.checkpoint !== 'string') {
    return { ok: false, problems: ['the receipt is missing or has malformed fields (entry, inclusionProof, logIndex, treeSize, checkpoint)'], cosignedBy: [] };
  }
  const decoded = decodeEntry(entryBytes);
  let entry: unknown;
  if (!decoded.ok) problems.push(`the entry is not a log entry: ${decoded.reason}`);
  else {
    entry = decoded.entry;
    const p = entryProblem(decoded.entry);
    if (p) problems.push(`the entry is not well-formed: ${p}`);
    // A monitoring re-score (docs/design/monitoring.md 3.3) is receipted as a query: its id is
    // `runId:subject` (the entry names the run by index, so only the subject part is checked
    // here; the answer signature binds the whole id to the entry's leaf hash).
    const kind = decoded.entry.kind;
    if (kind !== 'query' && kind !== 'rescore') problems.push(`the entry is a ${kind}, not a query or a rescore`);
    if (kind === 'query' && decoded.entry.body['queryId'] !== r.queryId) problems.push(`the entry is query ${String(decoded.entry.body['queryId'])}, the receipt says ${String(r.queryId)}`);
    if (kind === 'rescore' && (typeof r.queryId !== 'string' || !r.queryId.endsWith(`:${String(decoded.entry.body['subject'])}`))) {
      problems.push(`the entry re-scores ${String(decoded.entry.body['subject'])}, the receipt's id ${String(r.queryId)} is not runId:${String(decoded.entry.body['subject'])}`);
    }
    if (r.requester !== undefined && decoded.entry.body['requester'] !== r.requester) problems.push(`the entry's requester is ${String(decoded.entry.body['requester'])}, the receipt says ${r.requester}`);
    if (r.enterprise !== undefined && decoded.entry.body['subject'] !== r.enterprise) problems.push(`the entry is about ${String(decoded.entry.body['subject'])}, the receipt says ${r.enterprise}`);
  }
  // The answer: signed by the coordinator's log key over the query, its logged entry and what it answered.
  const a = r.answer;
  const signature = typeof a?.signature === 'string' && /^[0-9a-f]{128}$/.test(a.signature) ? Buffer.from(a.signature, 'hex') : undefined;
  if (!a || !signature || !Array.isArray(a.coverage)) problems.push('the receipt carries no signed answer (answer.signature)');
  else {
    let statement: Uint8Array | undefined;
    try {
      statement = answerStatement({ queryId: String(r.queryId), logIndex: r.logIndex!, entry: entryBytes, points: a.points, grade: a.grade, warning: a.warning, model: a.model, coverage: a.coverage });
    } catch {
      statement = undefined;
    }
    if (!statement || !verifySignature(trust.logKey, statement, signature)) problems.push('the answer (points, grade, warning, model, coverage) is not what the coordinator signed for this query');
  }
  const opened = openCheckpoint(r.checkpoint, { origin: trust.origin, key: { name: trust.origin, publicKey: trust.logKey } });
  let cosignedBy: string[] = [];
  if (!opened.ok) problems.push(`the checkpoint is not signed by the trusted log key for ${trust.origin}: ${opened.reason}`);
  else {
    const cp = opened.checkpoint;
    if (cp.size !== r.treeSize) problems.push(`the checkpoint is for tree size ${cp.size}, the proof for ${r.treeSize}`);
    const inclusion = verifyInclusion(hashLeaf(entryBytes), r.logIndex!, r.treeSize!, proof as Uint8Array[], cp.rootHash);
    if (!inclusion.ok) problems.push(`the inclusion proof does not verify: ${inclusion.reason}`);
    const cos = verifyCosignatures(r.checkpoint, trust.witnesses);
    cosignedBy = cos.valid.map((v) => v.name).sort();
    for (const bad of cos.invalid) problems.push(bad.reason);
    if (cosignedBy.length < quorum) problems.push(`the checkpoint has ${cosignedBy.length} valid witness cosignatures, ${quorum} required`);
  }
  return { ok: problems.length === 0, problems, queryId: String(r.queryId), logIndex: r.logIndex!, treeSize: r.treeSize!, cosignedBy, entry };
}

export function verifyReceiptFile(file: string, opts: { trustFile?: string; stateFile?: string; quorum?: number }): ReceiptCheck {
  let input: unknown;
  try {
    input = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    return { ok: false, problems: [`${file} is not readable JSON: ${(err as Error).message}`], cosignedBy: [] };
  }
  const trust = trustFrom(opts);
  return verifyReceipt(input, trust, opts.quorum ?? trust.witnesses.length);
}
