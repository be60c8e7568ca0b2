/**
 * The coordinator's append-only transparency log on LevelDB: entries, RFC 9162 §2.1 perfect
 * subtree hashes for proofs (§2.1.3, §2.1.4), the tree size, and C2SP checkpoints signed by
 * the coordinator's Ed25519 identity (c2sp.org/tlog-checkpoint).
 *
 * Durability: `append` resolves only after the entry, its node hashes and the new tree size
 * were written in one atomic LevelDB batch with `sync: true`. Concurrent appends are group
 * committed (one batch per fsync, up to `maxBatch` entries), which is what turns a few hundred
 * fsyncs per second into many thousand appends per second. Because the size advances in the
 * same batch as the entries, a crash leaves either the whole batch or none of it.
 */
import { Level } from 'level';
import { CompactRange, HASH_SIZE, bytesEqual, consistencyProof, foldSubtreeHashes, frontierNodes, hashLeaf, inclusionProof } from './merkle.js';
import type { NodeId, SubtreeHashReader } from './merkle.js';
import { openCheckpoint, signCheckpoint } from './checkpoint.js';
import type { Checkpoint } from './checkpoint.js';
import type { Ed25519Identity } from '../crypto/signed-note.js';
import { META_CHECKPOINT, META_COSIGNED, META_ORIGIN, META_SIZE, entryKey, nodeKey } from './store-keys.js';
import { MAX_ENTRY_BYTES } from './entries.js';
import { checkLogStore } from './store-integrity.js';
import { backfillRequesterIndex, requesterIndexOp } from './requester-index.js';
import type { IntegrityReport } from './store-integrity.js';

export interface TransparencyLogOptions {
  /** Directory of the LevelDB store; created if missing. */
  readonly path: string;
  /** Checkpoint origin line, e.g. 'fedcredit.example/log'; fixed for the life of the store. */
  readonly origin: string;
  /** The coordinator's identity; its name should equal `origin` (tlog-checkpoint §Signatures). */
  readonly signer: Ed25519Identity;
  /** Most entries per atomic batch (default 4096). */
  readonly maxBatch?: number;
}

/** One `append` (one entry) or one `appendBatch` (entries written contiguously, never split). */
interface Pending {
  readonly entries: readonly Uint8Array[];
  readonly resolve: (result: { index: number }) => void;
  readonly reject: (err: Error) => void;
}

/** Most entries one `appendBatch` may hold: a monitoring run's batch (docs/design/monitoring.md 3.2). */
export const MAX_APPEND_BATCH = 16_384;

type Db = Level<string, Uint8Array>;
/** Newest entries kept in memory for readers following the log (up to twice this many). */
const TAIL_ENTRIES = 8192;
const utf8 = new TextEncoder();
const fromUtf8 = (b: Uint8Array): string => new TextDecoder().decode(b);

export class TransparencyLog implements SubtreeHashReader {
  /** Synced LevelDB batch writes of entries (one fsync each) and the entry bytes they carried, since this process opened the log: for the metrics endpoint. */
  #appendWrites = 0;
  #appendedBytes = 0;
  readonly origin: string;
  readonly #db: Db;
  readonly #signer: Ed25519Identity;
  readonly #maxBatch: number;
  #range: CompactRange;
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  #scheduled = false;
  #closed = false;
  #checkpointChain: Promise<unknown> = Promise.resolve();
  /**
   * The newest committed entries, [#tailStart, size): data nodes read the log right behind
   * the queries they are asked about, so their reads are served from memory, not LevelDB.
   */
  #tail: Uint8Array[] = [];
  #tailStart = 0;

  private constructor(db: Db, options: TransparencyLogOptions, range: CompactRange) {
    this.#db = db;
    this.origin = options.origin;
    this.#signer = options.signer;
    this.#maxBatch = options.maxBatch ?? 4096;
    this.#range = range;
    this.#tailStart = range.size;
  }

  /** Opens (or creates) the store and rebuilds the compact range from the committed size. */
  static async open(options: TransparencyLogOptions): Promise<TransparencyLog> {
    if (typeof options.origin !== 'string' || options.origin.length === 0) throw new TypeError('origin must be a non-empty string');
    if (options.maxBatch !== undefined && (!Number.isSafeInteger(options.maxBatch) || options.maxBatch < 1)) {
      throw new RangeError(`maxBatch must be a positive integer, got ${options.maxBatch}`);
    }
    const db: Db = new Level<string, Uint8Array>(options.path, { valueEncoding: 'view' });
    await db.open();
    try {
      const storedOrigin: Uint8Array | undefined = await db.get(META_ORIGIN);
      if (storedOrigin === undefined) {
        await db.put(META_ORIGIN, utf8.encode(options.origin), { sync: true });
      } else if (fromUtf8(storedOrigin) !== options.origin) {
        throw new Error(`log store ${options.path} belongs to origin ${fromUtf8(storedOrigin)}, not ${options.origin}`);
      }
      const range = await loadRange(db, options.path);
      await backfillRequesterIndex(db, range.size);
      const log = new TransparencyLog(db, options, range);
      await log.#checkAgainstLastCheckpoint(options.path);
      return log;
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  /** Committed tree size: entries whose `append` has resolved (or will, in this tick). */
  /** The underlying database, for online backups (backup/backup.ts reads it through a snapshot). */
  get database(): Db {
    return this.#db;
  }

  /** Synced entry writes (fsyncs) and entry bytes appended since the log was opened in this process. */
  get appendStats(): { writes: number; bytes: number } {
    return { writes: this.#appendWrites, bytes: this.#appendedBytes };
  }

  get size(): number {
    return this.#range.size;
  }

  /** Root of the committed tree. */
  root(): Uint8Array {
    return this.#range.root();
  }

  /** Appends opaque entry bytes; resolves with the index once the batch is durably on disk. */
  append(entry: Uint8Array): Promise<{ index: number }> {
    if (!(entry instanceof Uint8Array)) return Promise.reject(new TypeError('entry must be a Uint8Array'));
    if (entry.length > MAX_ENTRY_BYTES) return Promise.reject(new RangeError(`entry is ${entry.length} bytes, limit ${MAX_ENTRY_BYTES}`));
    if (this.#closed) return Promise.reject(new Error('transparency log is closed'));
    return new Promise((resolve, reject) => {
      // Copy: the caller may reuse its buffer before the batch is written.
      this.#queue.push({ entries: [entry.slice()], resolve, reject });
      this.#scheduleFlush();
    });
  }

  /**
   * Appends entries as one contiguous run: they are written in one synced LevelDB batch (one
   * fsync), with no other append between them, and resolve together with the index of the
   * first. Appends queued meanwhile share that write while the total stays within `maxBatch`;
   * a run larger than `maxBatch` (up to MAX_APPEND_BATCH) is written alone. A failed write
   * rejects the whole run and leaves none of it in the log.
   */
  appendBatch(entries: readonly Uint8Array[]): Promise<{ first: number }> {
    if (!Array.isArray(entries) || entries.length === 0) return Promise.reject(new RangeError('appendBatch needs at least one entry'));
    if (entries.length > MAX_APPEND_BATCH) return Promise.reject(new RangeError(`appendBatch of ${entries.length} entries, limit ${MAX_APPEND_BATCH}: split it`));
    for (const [i, entry] of entries.entries()) {
      if (!(entry instanceof Uint8Array)) return Promise.reject(new TypeError(`entry ${i} of the batch must be a Uint8Array`));
      if (entry.length > MAX_ENTRY_BYTES) return Promise.reject(new RangeError(`entry ${i} of the batch is ${entry.length} bytes, limit ${MAX_ENTRY_BYTES}`));
    }
    if (this.#closed) return Promise.reject(new Error('transparency log is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ entries: entries.map((e) => e.slice()), resolve: ({ index }) => resolve({ first: index }), reject });
      this.#scheduleFlush();
    });
  }

  #scheduleFlush(): void {
    if (this.#flushing || this.#scheduled) return;
    this.#scheduled = true;
    // Wait one macrotask so appends issued in the same burst share the first batch; later
    // ones gather while that batch's fsync is in flight.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flushing = this.#drain().finally(() => {
        this.#flushing = undefined;
        if (this.#queue.length > 0) this.#scheduleFlush();
      });
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      // Whole pendings only, up to maxBatch entries; a larger appendBatch goes alone.
      let take = 0;
      let entries = 0;
      while (take < this.#queue.length) {
        const n = this.#queue[take]!.entries.length;
        if (take > 0 && entries + n > this.#maxBatch) break;
        take++;
        entries += n;
        if (entries >= this.#maxBatch) break;
      }
      await this.#writeBatch(this.#queue.splice(0, take));
    }
  }

  async #writeBatch(batch: readonly Pending[]): Promise<void> {
    const next = this.#range.clone();
    const ops: { type: 'put'; key: string; value: Uint8Array }[] = [];
    const firsts: number[] = [];
    for (const p of batch) {
      firsts.push(next.size);
      for (const entry of p.entries) {
        // Each requester's own entries, indexed in the same atomic batch (log/requester-index.ts).
        const indexOp = requesterIndexOp(next.size, entry);
        if (indexOp) ops.push(indexOp);
        ops.push({ type: 'put', key: entryKey(next.size), value: entry });
        next.append(hashLeaf(entry), (node, hash) => ops.push({ type: 'put', key: nodeKey(node), value: hash }));
      }
    }
    ops.push({ type: 'put', key: META_SIZE, value: utf8.encode(String(next.size)) });
    try {
      await this.#db.batch(ops, { sync: true });
      this.#appendWrites++;
      for (const p of batch) for (const entry of p.entries) this.#appendedBytes += entry.length;
    } catch (err) {
      // Nothing of the batch is visible (LevelDB batches are atomic) and the in-memory range
      // was not advanced, so the log stays consistent; every caller in it learns it failed.
      const error = new Error(`log append of ${next.size - this.#range.size} entries failed: ${(err as Error).message}`, { cause: err });
      for (const p of batch) p.reject(error);
      return;
    }
    this.#range = next;
    for (const p of batch) for (const entry of p.entries) this.#tail.push(entry);
    if (this.#tail.length > 2 * TAIL_ENTRIES) {
      const drop = this.#tail.length - TAIL_ENTRIES;
      this.#tail = this.#tail.slice(drop);
      this.#tailStart += drop;
    }
    batch.forEach((p, i) => p.resolve({ index: firsts[i]! }));
  }

  /** Waits until every append issued so far has been written (or failed). */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#flushing || this.#scheduled) {
      if (this.#flushing) await this.#flushing;
      else await new Promise((r) => setImmediate(r));
    }
  }

  async readSubtreeHashes(nodes: readonly NodeId[]): Promise<Uint8Array[]> {
    if (nodes.length === 0) return [];
    const values: (Uint8Array | undefined)[] = await this.#db.getMany(nodes.map(nodeKey));
    return values.map((v, i) => {
      if (!v || v.length !== HASH_SIZE) {
        throw new Error(`log store is missing the hash of subtree level ${nodes[i]!.level} index ${nodes[i]!.index}`);
      }
      return v;
    });
  }

  /** RFC 9162 §2.1.3.1 audit path for entry `index` in the tree of size `treeSize`. */
  async inclusionProof(index: number, treeSize: number = this.size): Promise<Uint8Array[]> {
    this.#checkSize(treeSize);
    return inclusionProof(this, index, treeSize);
  }

  /** RFC 9162 §2.1.4.1 proof that the tree of `oldSize` is a prefix of that of `newSize`. */
  async consistencyProof(oldSize: number, newSize: number = this.size): Promise<Uint8Array[]> {
    this.#checkSize(newSize);
    return consistencyProof(this, oldSize, newSize);
  }

  /** Root of the tree of the first `treeSize` entries, from stored subtree hashes. */
  async rootAt(treeSize: number): Promise<Uint8Array> {
    this.#checkSize(treeSize);
    // The committed tree's root is in memory (the range advances only after its batch is on disk).
    if (treeSize === this.size) return this.root();
    return foldSubtreeHashes(await this.readSubtreeHashes(frontierNodes(treeSize)));
  }

  /**
   * A signed checkpoint for the tree of the first `treeSize` entries, not stored and not
   * offered to witnesses: it goes with the entries a data node is sent, so the node can check
   * that those entries hash to a root this log signed (log/follower.ts).
   */
  async checkpointAt(treeSize: number): Promise<string> {
    const cp: Checkpoint = { origin: this.origin, size: treeSize, rootHash: await this.rootAt(treeSize), extensions: [] };
    return signCheckpoint(cp, this.#signer);
  }

  /** Entries [from, to) in order. */
  async entries(from: number, to: number): Promise<Uint8Array[]> {
    this.#checkSize(to);
    if (!Number.isSafeInteger(from) || from < 0 || from > to) throw new RangeError(`entry range [${from}, ${to}) is not within [0, ${this.size}]`);
    // Copies: a caller may reuse what it gets; the tail must stay what was committed.
    if (from >= this.#tailStart) return this.#tail.slice(from - this.#tailStart, to - this.#tailStart).map((e) => e.slice());
    const keys = Array.from({ length: to - from }, (_, i) => entryKey(from + i));
    const values: (Uint8Array | undefined)[] = keys.length ? await this.#db.getMany(keys) : [];
    return values.map((v, i) => {
      if (!v) throw new Error(`log store is missing entry ${from + i}`);
      return v;
    });
  }

  /** The stored leaf hash of entry `index` (what inclusion proofs are about). */
  async leafHash(index: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) throw new RangeError(`entry ${index} is not in the log of size ${this.size}`);
    const [h] = await this.readSubtreeHashes([{ level: 0, index }]);
    return h!;
  }

  /**
   * A checkpoint note for the committed tree, signed by the coordinator. Reuses the stored one
   * when the size has not moved, so repeated calls do not mint new signatures.
   */
  checkpoint(): Promise<string> {
    const run = this.#checkpointChain.then(async () => {
      const latest = await this.latestCheckpoint();
      const size = this.size;
      if (latest !== undefined) {
        const opened = openCheckpoint(latest, { origin: this.origin, key: this.#signer });
        if (opened.ok && opened.checkpoint.size === size) return latest;
      }
      const cp: Checkpoint = { origin: this.origin, size, rootHash: this.#range.root(), extensions: [] };
      const note = signCheckpoint(cp, this.#signer);
      await this.#db.put(META_CHECKPOINT, utf8.encode(note), { sync: true });
      return note;
    });
    this.#checkpointChain = run.catch(() => undefined);
    return run;
  }

  /** The last checkpoint this log signed, if any. */
  async latestCheckpoint(): Promise<string | undefined> {
    const v: Uint8Array | undefined = await this.#db.get(META_CHECKPOINT);
    return v === undefined ? undefined : fromUtf8(v);
  }

  /**
   * Keeps a checkpoint note that witnesses cosigned, after checking it is one of this log's
   * own checkpoints for a size it has, so clients can fetch it with their proofs.
   */
  async saveCosignedCheckpoint(note: string): Promise<void> {
    const opened = openCheckpoint(note, { origin: this.origin, key: this.#signer });
    if (!opened.ok) throw new RangeError(`not a checkpoint of this log: ${opened.reason}`);
    const { size, rootHash } = opened.checkpoint;
    if (size > this.size) throw new RangeError(`cosigned checkpoint size ${size} is beyond the log size ${this.size}`);
    if (!bytesEqual(await this.rootAt(size), rootHash)) throw new RangeError(`cosigned checkpoint root for size ${size} is not this log's root`);
    await this.#db.put(META_COSIGNED, utf8.encode(note), { sync: true });
  }

  async latestCosignedCheckpoint(): Promise<string | undefined> {
    const v: Uint8Array | undefined = await this.#db.get(META_COSIGNED);
    return v === undefined ? undefined : fromUtf8(v);
  }

  /** Re-reads the whole store and reports what does not add up (see integrity.ts). */
  async verifyIntegrity(): Promise<IntegrityReport> {
    return checkLogStore(this.#db, { size: this.size, checkpoint: await this.#lastCheckpointBody() });
  }

  #lastCheckpointBody(): Promise<Checkpoint | undefined> {
    return this.latestCheckpoint().then((note) => {
      if (note === undefined) return undefined;
      const opened = openCheckpoint(note, { origin: this.origin, key: this.#signer });
      return opened.ok ? opened.checkpoint : undefined;
    });
  }

  /** Flushes pending appends, then closes the store. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.flush();
    await this.#checkpointChain;
    await this.#db.close();
  }

  #checkSize(treeSize: number): void {
    if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > this.size) {
      throw new RangeError(`tree size ${treeSize} is not within the log's committed size ${this.size}`);
    }
  }

  /**
   * Refuses to open a store whose tree no longer matches the last checkpoint it signed: signing
   * on from there would put two conflicting checkpoints under the coordinator's key.
   */
  async #checkAgainstLastCheckpoint(path: string): Promise<void> {
    const last = await this.#lastCheckpointBody();
    if (!last) return;
    if (last.size > this.size) {
      throw new Error(`log store ${path} has size ${this.size} but already signed a checkpoint of size ${last.size}: entries were lost`);
    }
    const root = await this.rootAt(last.size);
    if (!bytesEqual(root, last.rootHash)) {
      throw new Error(`log store ${path} no longer matches its signed checkpoint of size ${last.size}: stored hashes were changed`);
    }
  }
}

async function loadRange(db: Db, path: string): Promise<CompactRange> {
  const raw: Uint8Array | undefined = await db.get(META_SIZE);
  const size = raw === undefined ? 0 : Number(fromUtf8(raw));
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`log store ${path} has a corrupt size record`);
  const nodes = frontierNodes(size);
  const hashes: (Uint8Array | undefined)[] = nodes.length ? await db.getMany(nodes.map(nodeKey)) : [];
  hashes.forEach((h, i) => {
    if (!h || h.length !== HASH_SIZE) {
      throw new Error(`log store ${path} of size ${size} is missing subtree level ${nodes[i]!.level} index ${nodes[i]!.index}`);
    }
  });
  return CompactRange.fromFrontier(size, hashes as Uint8Array[]);
}

