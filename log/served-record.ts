/**
 * A data node's own signed record of a request it served: what, for whom, under which
 * transparency log entry (index and RFC 9162 §2.1.1 leaf hash). The node writes these
 * (log/served-book.ts); auditors read them over gRPC and cross-check them against the log,
 * so a coordinator that drops or rewrites an entry is contradicted by a key it does not hold.
 *
 * Records form a hash chain (`prev` is SHA-256 of the previous record's bytes, `seq` counts
 * from 0), so a node cannot quietly drop one from the middle either. Each record is canonical
 * JSON (log/entries.ts) signed with Ed25519 over a domain-separated message.
 *
 * Version 2 (post-loan monitoring, docs/design/monitoring.md 3.2) records one re-scoring batch:
 * `count` consecutive `rescore` entries from `logIndex`, pinned by `leavesHash` (SHA-256 over
 * their leaf hashes, `batchLeavesHash`), with the slots the node refused. It is additive: v1
 * records verify as before, and one chain mixes both versions.
 */
import { createHash } from 'node:crypto';
import { verifySignature } from '../crypto/identity.js';
import { canonicalJson } from './entries.js';

export interface ServedRecord {
  readonly v: 1;
  readonly seq: number;
  readonly site: string;
  /** The entry kind (what was served): 'node-registration', 'query', 'training-job', ... */
  readonly what: string;
  /** Who asked: 'coordinator', a requester's name or key id. */
  readonly requester: string;
  readonly logIndex: number;
  /** Hex SHA-256 leaf hash (0x00 prefix) of the entry bytes the node expects at `logIndex`. */
  readonly entryHash: string;
  readonly time: number;
  /** Hex SHA-256 of the previous record's bytes; 64 zeros for the first. */
  readonly prev: string;
}

/** One re-scoring batch served (monitoring/node.ts): one record for `count` consecutive log entries. */
export interface ServedRecordV2 {
  readonly v: 2;
  readonly seq: number;
  readonly site: string;
  /** Always 'rescore-batch'. */
  readonly what: string;
  readonly requester: string;
  /** The batch's first log index. */
  readonly logIndex: number;
  /** How many consecutive entries from `logIndex` the batch covers (at least 1). */
  readonly count: number;
  /** Hex SHA-256 over the entries' leaf hashes in order (`batchLeavesHash`). */
  readonly leavesHash: string;
  /** The slots the node refused: [offset within the batch, error code], offsets ascending. */
  readonly refused: readonly (readonly [number, string])[];
  readonly time: number;
  readonly prev: string;
}

export type AnyServedRecord = ServedRecord | ServedRecordV2;

/** Hex SHA-256 over the concatenated leaf hashes (each 32 bytes) of a batch's entries, in log order. */
export function batchLeavesHash(leafHashes: readonly Uint8Array[]): string {
  const h = createHash('sha256');
  for (const leaf of leafHashes) {
    if (leaf.length !== 32) throw new TypeError(`batchLeavesHash: a leaf hash is ${leaf.length} bytes, want 32`);
    h.update(leaf);
  }
  return h.digest('hex');
}

export const GENESIS_PREV = '0'.repeat(64);
const DOMAIN = 'fedcredit served record v1\n';
const utf8 = new TextEncoder();

export function encodeServedRecord(r: AnyServedRecord): Uint8Array {
  return utf8.encode(canonicalJson({ ...r, ...(r.v === 2 ? { refused: r.refused.map(([o, c]) => [o, c]) } : {}) }));
}

/** What the node's identity key signs for a record. */
export function servedRecordMessage(recordBytes: Uint8Array): Uint8Array {
  const domain = utf8.encode(DOMAIN);
  const out = new Uint8Array(domain.length + recordBytes.length);
  out.set(domain);
  out.set(recordBytes, domain.length);
  return out;
}

export function recordDigest(recordBytes: Uint8Array): string {
  return createHash('sha256').update(recordBytes).digest('hex');
}

export interface SignedServedRecord {
  readonly record: Uint8Array;
  readonly signature: Uint8Array;
}

/** Where a verified chain of records ends: the next sequence number and the last record's digest. */
export interface RecordChainHead {
  readonly next: number;
  readonly prev: string;
}

export const CHAIN_START: RecordChainHead = { next: 0, prev: GENESIS_PREV };

export interface ServedRecordCheck {
  readonly records: readonly AnyServedRecord[];
  /** Head after each verified record: `heads[i]` follows `records[i]`. */
  readonly heads: readonly RecordChainHead[];
  /** What did not verify, one line each; the records after a broken link are not trusted. */
  readonly problems: readonly string[];
}

const FIELDS = ['entryHash', 'logIndex', 'prev', 'requester', 'seq', 'site', 'time', 'v', 'what'];
const FIELDS_V2 = ['count', 'leavesHash', 'logIndex', 'prev', 'refused', 'requester', 'seq', 'site', 'time', 'v', 'what'];

function parseRecord(bytes: Uint8Array): AnyServedRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return 'is not UTF-8 JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const r = value as Record<string, unknown>;
  if (r['v'] !== 1 && r['v'] !== 2) return 'has an unknown version';
  const want = r['v'] === 1 ? FIELDS : FIELDS_V2;
  if (Object.keys(r).sort().join(',') !== want.join(',')) return `has fields ${Object.keys(r).sort().join(', ')}, want ${want.join(', ')}`;
  for (const k of ['seq', 'logIndex', 'time']) if (!Number.isSafeInteger(r[k]) || (r[k] as number) < 0) return `${k} is not a non-negative integer`;
  for (const k of ['site', 'what', 'requester']) if (typeof r[k] !== 'string') return `${k} is not a string`;
  for (const k of r['v'] === 1 ? ['entryHash', 'prev'] : ['leavesHash', 'prev']) if (typeof r[k] !== 'string' || !/^[0-9a-f]{64}$/.test(r[k] as string)) return `${k} is not a hex SHA-256`;
  if (r['v'] === 2) {
    const problem = checkV2(r);
    if (problem) return problem;
  }
  const rec = r as unknown as AnyServedRecord;
  // Only the canonical bytes are signed; anything else could hide a second reading.
  return canonicalJson({ ...rec }) === new TextDecoder().decode(bytes) ? rec : 'is not in canonical form';
}

function checkV2(r: Record<string, unknown>): string | undefined {
  if (r['what'] !== 'rescore-batch') return `is a version 2 record of '${String(r['what'])}', want 'rescore-batch'`;
  const count = r['count'];
  if (!Number.isSafeInteger(count) || (count as number) < 1) return 'count is not a positive integer';
  const refused = r['refused'];
  if (!Array.isArray(refused)) return 'refused is not a list';
  let last = -1;
  for (const item of refused as unknown[]) {
    if (!Array.isArray(item) || item.length !== 2) return 'a refused slot is not [offset, code]';
    const [offset, code] = item as unknown[];
    if (!Number.isSafeInteger(offset) || (offset as number) <= last || (offset as number) >= (count as number)) return 'a refused offset is not an integer inside the batch, ascending';
    if (typeof code !== 'string' || code.length === 0) return 'a refused code is not a non-empty string';
    last = offset as number;
  }
  return undefined;
}

/**
 * Verifies a node's records from `start` (sequence 0 and the genesis link by default, or where
 * an earlier verification ended): signatures under `publicKey`, the site name, contiguous
 * sequence numbers and the hash chain. Never throws on bad input.
 */
/** `publicKey` may list every key the site has held (a rotation, log/audit/identity-audit.ts): a record must verify under one of them. */
export function verifyServedRecords(site: string, publicKey: Uint8Array | readonly Uint8Array[], items: readonly SignedServedRecord[], start: RecordChainHead = CHAIN_START): ServedRecordCheck {
  const keys = publicKey instanceof Uint8Array ? [publicKey] : publicKey;
  const records: AnyServedRecord[] = [];
  const heads: RecordChainHead[] = [];
  const problems: string[] = [];
  let prev = start.prev;
  for (const [k, item] of items.entries()) {
    const i = start.next + k;
    const bytes = item.record instanceof Uint8Array ? item.record : new Uint8Array(0);
    const parsed = parseRecord(bytes);
    if (typeof parsed === 'string') {
      problems.push(`${site} record #${i} ${parsed}`);
      break;
    }
    if (!keys.some((key) => verifySignature(key, servedRecordMessage(bytes), item.signature))) {
      problems.push(`${site} record #${i} is not signed by ${site}'s identity key`);
      break;
    }
    if (parsed.site !== site) problems.push(`${site} record #${i} names site ${parsed.site}`);
    if (parsed.seq !== i) {
      problems.push(`${site} record #${i} has sequence number ${parsed.seq}: records are missing or out of order`);
      break;
    }
    if (parsed.prev !== prev) {
      problems.push(`${site} record #${i} does not chain to record #${i - 1}: a record was removed or changed`);
      break;
    }
    records.push(parsed);
    prev = recordDigest(bytes);
    heads.push({ next: i + 1, prev });
  }
  return { records, heads, problems };
}
