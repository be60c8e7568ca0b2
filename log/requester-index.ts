/**
 * The coordinator's index of each requester's own entries (docs/design/console.md, section 5):
 * `r/<requester>/<index:16 hex>` in the transparency log's LevelDB, written in the same atomic
 * batch as the entry it points at (log/store.ts #writeBatch), so the index never names an
 * entry the log lacks nor misses one it has. It serves `Scoring.ListRequesterEntries`, which
 * returns a bank its own `query`, `refusal`, `rescore` and `rescore-skip` entries without
 * reading the whole log.
 *
 * The requester's name is percent-encoded in the key: a name holding `/` must not fall inside
 * another name's key range (`r/a/` would otherwise also cover `r/a/b/...`). The value is
 * `<kind>\t<subject>\t<time>`, so filters by kind, enterprise and time read the index only;
 * the entries returned are still decoded and their `requester` compared with the caller's
 * (scoring/requester-entries.ts), so a wrong index cannot hand out another bank's entry.
 *
 * A store written before the index existed is indexed once at open (`backfillRequesterIndex`),
 * before any append, and `m:requester-index` records that it is complete.
 */
import type { Level } from 'level';
import { entryKey } from './store-keys.js';

/** The entry kinds a requester may list as its own. */
export const REQUESTER_ENTRY_KINDS = ['query', 'refusal', 'rescore', 'rescore-skip'] as const;
export type RequesterEntryKind = (typeof REQUESTER_ENTRY_KINDS)[number];

export const REQUESTER_INDEX_PREFIX = 'r/';
/** Set once every entry of the store is indexed (value: the store's size then, decimal). */
export const META_REQUESTER_INDEX = 'm:requester-index';

const KINDS = new Set<string>(REQUESTER_ENTRY_KINDS);
const utf8 = new TextEncoder();
const fromUtf8 = (b: Uint8Array): string => new TextDecoder().decode(b);
const hex16 = (n: number): string => n.toString(16).padStart(16, '0');

/** Key prefix of one requester's entries; the name is percent-encoded (no `/` inside). */
export function requesterPrefix(requester: string): string {
  return `${REQUESTER_INDEX_PREFIX}${encodeURIComponent(requester)}/`;
}

export interface RequesterIndexRecord {
  readonly requester: string;
  readonly kind: RequesterEntryKind;
  readonly subject: string;
  readonly time: number;
}

/**
 * What an entry adds to the index, or undefined when it names no requester or is of another
 * kind. A plain JSON read: the store indexes what the coordinator itself encoded.
 */
export function requesterIndexRecord(entry: Uint8Array): RequesterIndexRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromUtf8(entry));
  } catch {
    // Not JSON: not a fedcredit entry (tests append opaque bytes); nothing to index.
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { kind, body } = parsed as { kind?: unknown; body?: unknown };
  if (typeof kind !== 'string' || !KINDS.has(kind) || typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b['requester'] !== 'string' || b['requester'] === '') return undefined;
  return {
    requester: b['requester'],
    kind: kind as RequesterEntryKind,
    subject: typeof b['subject'] === 'string' ? b['subject'] : '',
    time: typeof b['time'] === 'number' && Number.isFinite(b['time']) ? b['time'] : 0,
  };
}

/** The index write for entry `index`, to go into the batch that appends it. */
export function requesterIndexOp(index: number, entry: Uint8Array): { type: 'put'; key: string; value: Uint8Array } | undefined {
  const r = requesterIndexRecord(entry);
  if (!r) return undefined;
  return { type: 'put', key: requesterPrefix(r.requester) + hex16(index), value: utf8.encode(`${r.kind}\t${r.subject}\t${r.time}`) };
}

/**
 * Indexes a store's existing entries once (a log from before the index): in chunks, then the
 * marker. A crash midway redoes it at the next open (the puts are idempotent).
 */
export async function backfillRequesterIndex(db: Level<string, Uint8Array>, size: number, chunk = 4096): Promise<number> {
  const done: Uint8Array | undefined = await db.get(META_REQUESTER_INDEX);
  if (done !== undefined) return 0;
  let indexed = 0;
  for (let from = 0; from < size; from += chunk) {
    const to = Math.min(size, from + chunk);
    const keys = Array.from({ length: to - from }, (_, i) => entryKey(from + i));
    const values: (Uint8Array | undefined)[] = await db.getMany(keys);
    const ops = values.flatMap((v, i) => {
      if (!v) throw new Error(`log store is missing entry ${from + i} while indexing requesters' entries`);
      const op = requesterIndexOp(from + i, v);
      return op ? [op] : [];
    });
    indexed += ops.length;
    if (ops.length > 0) await db.batch(ops);
  }
  await db.put(META_REQUESTER_INDEX, utf8.encode(String(size)), { sync: true });
  return indexed;
}

export interface RequesterIndexQuery {
  readonly requester: string;
  readonly kinds?: readonly string[];
  readonly subject?: string;
  /** Inclusive bounds on the entry's time (ms); undefined: unbounded. */
  readonly sinceMs?: number;
  readonly untilMs?: number;
  /** Only entries below this log index (the previous page's last); undefined: from the newest. */
  readonly before?: number;
  readonly limit: number;
  /** Index keys read at most per call, so a selective filter cannot make one call read everything. */
  readonly maxScanned?: number;
  /** Only entries below this log index are committed (the store's size). */
  readonly size: number;
}

/**
 * Log indices of the requester's entries matching the filter, newest first, and where to go on
 * (`next`: the lowest index looked at, when older entries remain unread).
 */
export async function findRequesterEntries(db: Level<string, Uint8Array>, q: RequesterIndexQuery): Promise<{ indices: number[]; next: number | undefined }> {
  const prefix = requesterPrefix(q.requester);
  const upper = Math.min(q.before ?? q.size, q.size);
  const kinds = q.kinds && q.kinds.length > 0 ? new Set(q.kinds) : undefined;
  const maxScanned = q.maxScanned ?? 50_000;
  const indices: number[] = [];
  let scanned = 0;
  for await (const [key, value] of db.iterator({ gte: prefix, lt: prefix + hex16(upper), reverse: true })) {
    const index = Number.parseInt(key.slice(prefix.length), 16);
    if (!Number.isSafeInteger(index)) continue;
    scanned++;
    const [kind = '', subject = '', timeText = '0'] = fromUtf8(value).split('\t');
    const time = Number(timeText);
    const keep = (!kinds || kinds.has(kind)) && (!q.subject || subject === q.subject)
      && (q.sinceMs === undefined || time >= q.sinceMs) && (q.untilMs === undefined || time <= q.untilMs);
    if (keep) indices.push(index);
    if (indices.length >= q.limit || scanned >= maxScanned) {
      // Older entries may remain; the next page starts below this one.
      return { indices, next: index > 0 ? index : undefined };
    }
  }
  return { indices, next: undefined };
}
