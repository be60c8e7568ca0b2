/**
 * The node's append-only book of requests it served (format and checks: log/served-record.ts),
 * kept in its own LevelDB store under the `served` sublevel and signed by the node's identity
 * key. Every protocol that serves a request calls `record` with the log entry index the
 * coordinator returned; auditors read the book over gRPC (NodeAudit.GetServedRecords).
 */
import { hashLeaf } from './merkle.js';
import { encodeEntry, subjectsOf, type LogEntry } from './entries.js';
import { encodeServedRecord, GENESIS_PREV, recordDigest, servedRecordMessage, type AnyServedRecord, type ServedRecord, type ServedRecordV2, type SignedServedRecord } from './served-record.js';
import { seqKey, type NodeStore } from '../site/store.js';

interface StoredRecord {
  /** The canonical record text, exactly the signed bytes. */
  readonly r: string;
  /** Hex Ed25519 signature. */
  readonly s: string;
  /**
   * The enterprises the entry was about (log/entries.ts subjectsOf), beside the signed bytes and
   * not part of them: for the operator's `node served --enterprise`; absent in older records.
   */
  readonly j?: string[];
}

export interface ServedRequest {
  /** The log entry as the node expects the coordinator logged it (its kind is `what`). */
  readonly entry: LogEntry;
  readonly requester: string;
  readonly logIndex: number;
  /**
   * Hex leaf hash of the entry's exact bytes, when the caller already has it (a scoring node
   * checked it against the log); otherwise computed from `entry`.
   */
  readonly entryHash?: string;
}

/** One re-scoring batch served (monitoring/node.ts): recorded as one v2 record (log/served-record.ts). */
export interface ServedBatch {
  readonly requester: string;
  /** The batch's first log index. */
  readonly logIndex: number;
  readonly count: number;
  /** Hex, log/served-record.ts batchLeavesHash over the batch's leaf hashes. */
  readonly leavesHash: string;
  /** [offset within the batch, error code] of each refused slot. */
  readonly refused: readonly (readonly [number, string])[];
  /** The enterprises of the batch (operator's `node served --enterprise`), beside the signed bytes. */
  readonly subjects?: readonly string[];
}

type Pending =
  | { req: ServedRequest; batch?: undefined; resolve: (r: ServedRecord) => void; reject: (e: unknown) => void }
  | { req?: undefined; batch: ServedBatch; resolve: (r: ServedRecordV2) => void; reject: (e: unknown) => void };

/** Records per synced batch at most. */
const MAX_GROUP = 512;

export class ServedRecordBook {
  readonly #db;
  readonly #store: NodeStore;
  readonly #site: string;
  readonly #identity: { sign(message: Uint8Array): Uint8Array };
  /** Records waiting for the next group commit, and the chain head after the last commit. */
  #pending: Pending[] = [];
  #draining = false;
  #head: { seq: number; digest: string } | undefined | null = null;

  constructor(store: NodeStore, site: string, identity: { sign(message: Uint8Array): Uint8Array }) {
    this.#store = store;
    this.#db = store.db.sublevel<string, StoredRecord>('served', { valueEncoding: 'json' });
    this.#site = site;
    this.#identity = identity;
  }

  /**
   * Appends a signed record of a served request; resolves once it is on disk. Records arriving
   * while a write is in flight are group-committed: chained and signed one by one, written in
   * one synced batch (one fsync for the group), so a busy node is not bound by fsyncs per second.
   */
  record(req: ServedRequest): Promise<ServedRecord> {
    return new Promise((resolve, reject) => {
      this.#enqueue({ req, resolve, reject });
    });
  }

  /**
   * Appends one signed v2 record for a re-scoring batch; same chain and same group commit as
   * `record` (a node's book mixes both versions).
   */
  recordBatch(batch: ServedBatch): Promise<ServedRecordV2> {
    return new Promise((resolve, reject) => {
      this.#enqueue({ batch, resolve, reject });
    });
  }

  #enqueue(p: Pending): void {
    this.#pending.push(p);
    // Started at the end of this event-loop turn, so the records of every query handled in
    // it (a scoring batch) are chained, signed and written as one group.
    if (!this.#draining) {
      this.#draining = true;
      setImmediate(() => void this.#drain());
    }
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#pending.length > 0) {
        const group = this.#pending.splice(0, MAX_GROUP);
        try {
          if (this.#head === null) this.#head = await this.#last();
          let last = this.#head;
          const records: AnyServedRecord[] = [];
          const ops = [];
          for (const { req, batch } of group) {
            const seq = last ? last.seq + 1 : 0;
            const prev = last ? last.digest : GENESIS_PREV;
            const record: AnyServedRecord = req
              ? {
                v: 1,
                seq,
                site: this.#site,
                what: req.entry.kind,
                requester: req.requester,
                logIndex: req.logIndex,
                entryHash: req.entryHash ?? Buffer.from(hashLeaf(encodeEntry(req.entry))).toString('hex'),
                time: Date.now(),
                prev,
              }
              : {
                v: 2,
                seq,
                site: this.#site,
                what: 'rescore-batch',
                requester: batch.requester,
                logIndex: batch.logIndex,
                count: batch.count,
                leavesHash: batch.leavesHash,
                refused: [...batch.refused].sort((a, b) => a[0] - b[0]).map(([o, c]) => [o, c] as const),
                time: Date.now(),
                prev,
              };
            const bytes = encodeServedRecord(record);
            const signature = this.#identity.sign(servedRecordMessage(bytes));
            const subjects = req ? subjectsOf(req.entry) : [...(batch.subjects ?? [])];
            ops.push({ type: 'put' as const, sublevel: this.#db, key: seqKey(record.seq), value: { r: new TextDecoder().decode(bytes), s: Buffer.from(signature).toString('hex'), j: subjects } });
            records.push(record);
            last = { seq: record.seq, digest: recordDigest(bytes) };
          }
          // Synced, in one LevelDB batch with the other group writes of this turn (NodeStore.writeGroup).
          await this.#store.writeGroup(ops);
          this.#head = last;
          group.forEach((g, i) => (g.resolve as (r: AnyServedRecord) => void)(records[i]!));
        } catch (err) {
          this.#head = null; // re-read the head from disk before the next group
          for (const g of group) g.reject(err);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /** Signed records from sequence number `from` on. */
  async list(from = 0): Promise<(SignedServedRecord & { subjects: string[] })[]> {
    const out: (SignedServedRecord & { subjects: string[] })[] = [];
    for await (const value of this.#db.values({ gte: seqKey(from) })) {
      out.push({ record: new TextEncoder().encode(value.r), signature: Buffer.from(value.s, 'hex'), subjects: value.j ?? [] });
    }
    return out;
  }

  async #last(): Promise<{ seq: number; digest: string } | undefined> {
    for await (const value of this.#db.values({ reverse: true, limit: 1 })) {
      const record = JSON.parse(value.r) as AnyServedRecord;
      return { seq: record.seq, digest: recordDigest(new TextEncoder().encode(value.r)) };
    }
    return undefined;
  }
}
