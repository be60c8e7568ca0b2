/**
 * A data node's own signed record of a request it served: what, for whom, under which
 * transparency log entry (index and RFC 9162 §2.1.1 leaf hash). The node writes these
 * (log/served-book.ts); auditors read them over gRPC and cross-check them against the log,
 * so a coordinator that drops or rewrites an entry is contradicted by a key it does not hold.
 *
 * Records form a hash chain (`prev` is SHA-256 of the previous record's bytes, `seq` counts
 * from 0), so a node cannot quietly drop one from the middle either. Each record is canonical
 * JSON (log/entries.ts) signed with Ed25519 over a domain-separated message.
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

export const GENESIS_PREV = '0'.repeat(64);
const DOMAIN = 'fedcredit served record v1\n';
const utf8 = new TextEncoder();

export function encodeServedRecord(r: ServedRecord): Uint8Array {
  return utf8.encode(canonicalJson({ ...r }));
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
  readonly records: readonly ServedRecord[];
  /** Head after each verified record: `heads[i]` follows `records[i]`. */
  readonly heads: readonly RecordChainHead[];
  /** What did not verify, one line each; the records after a broken link are not trusted. */
  readonly problems: readonly string[];
}

const FIELDS = ['entryHash', 'logIndex', 'prev', 'requester', 'seq', 'site', 'time', 'v', 'what'];

function parseRecord(bytes: Uint8Array): ServedRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return 'is not UTF-8 JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const r = value as Record<string, unknown>;
  if (Object.keys(r).sort().join(',') !== FIELDS.join(',')) return `has fields ${Object.keys(r).sort().join(', ')}, want ${FIELDS.join(', ')}`;
  if (r['v'] !== 1) return 'has an unknown version';
  for (const k of ['seq', 'logIndex', 'time']) if (!Number.isSafeInteger(r[k]) || (r[k] as number) < 0) return `${k} is not a non-negative integer`;
  for (const k of ['site', 'what', 'requester']) if (typeof r[k] !== 'string') return `${k} is not a string`;
  for (const k of ['entryHash', 'prev']) if (typeof r[k] !== 'string' || !/^[0-9a-f]{64}$/.test(r[k] as string)) return `${k} is not a hex SHA-256`;
  const rec = r as unknown as ServedRecord;
  // Only the canonical bytes are signed; anything else could hide a second reading.
  return canonicalJson({ ...rec }) === new TextDecoder().decode(bytes) ? rec : 'is not in canonical form';
}

/**
 * Verifies a node's records from `start` (sequence 0 and the genesis link by default, or where
 * an earlier verification ended): signatures under `publicKey`, the site name, contiguous
 * sequence numbers and the hash chain. Never throws on bad input.
 */
/** `publicKey` may list every key the site has held (a rotation, log/audit/identity-audit.ts): a record must verify under one of them. */
export function verifyServedRecords(site: string, publicKey: Uint8Array | readonly Uint8Array[], items: readonly SignedServedRecord[], start: RecordChainHead = CHAIN_START): ServedRecordCheck {
  const keys = publicKey instanceof Uint8Array ? [publicKey] : publicKey;
  const records: ServedRecord[] = [];
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
