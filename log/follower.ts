/**
 * The node's own reading of the coordinator's transparency log, for scoring: before it serves
 * a query logged at index i, the node reads every entry it has not read up to i and applies
 * them in log order:
 *   - enterprise-key-registration and revocation entries go to the node's consent ledger
 *     (ConsentLedger.addFromLogEntry verifies the registrar's or the enterprise's signature),
 *     so a revocation the coordinator logged is honoured here whatever the coordinator does;
 *   - node-registration and node-key-rotation entries give the peers' X25519 sealing keys
 *     (a node-removal drops one), from which the pairwise
 *     masks are derived, once the federation CA certifies them for the site (the node's TLS
 *     certificate and that key's signature in the entry: registration/cert.ts); one
 *     signed only by a key it names itself is not applied (REGISTRATION_NOT_CERTIFIED);
 *   - query entries naming this site are remembered by leaf hash, so the node serves only
 *     queries that are in the log, at the index the coordinator claims;
 *   - post-loan monitoring's entries (portfolio-change, monitoring-run, rescore, rescore-skip,
 *     monitoring-run-end) are remembered decoded with their leaf hash (`monitoringEntry`), and
 *     each portfolio-change remove by item (`removedAt`), so monitoring/node.ts serves only
 *     items and re-scores the log holds, and no item removed before a run's entry.
 *
 * Entries are never taken on the coordinator's word. The node keeps the compact range (RFC
 * 9162 right frontier, log/merkle.ts) of the tree it has verified so far; entries [a, b)
 * are applied only when appending their leaf hashes to it gives the root of a checkpoint
 * signed by the log key this node's witness pinned (log/witness-loop.ts), and, where the
 * tree passes the size of the checkpoint this node last cosigned, the root it cosigned there.
 * An entry left out, added or moved changes the root: the batch is refused (LOG_NOT_VERIFIED)
 * and nothing in it is applied. So a query at index i is served only from a verified tree of
 * size > i that includes every revocation and registration logged before it.
 *
 * The coordinator sends the entries a node has not read with each batch of queries (`offer`),
 * with its signed checkpoint for the tree they end, so a busy node reads and verifies the log
 * without round trips of its own (one signature check and one hash per entry). Where those
 * leave a gap (after a restart, a lost batch) the node fetches the newest checkpoint and the
 * gap up to it with GetEntries, waiting for a checkpoint to cover the index it needs. Both are
 * applied strictly in index order, one batch at a time. Concurrent queries share one fetch at
 * a time. The position is kept in memory: a restarted node re-reads the log from the start.
 */
import { openCheckpoint, type Checkpoint, type TrustedKey } from './checkpoint.js';
import { bytesEqual, CompactRange, hashLeaf } from './merkle.js';
import type { ConsentLedger } from '../consent/ledger.js';
import { transparencyLogClient } from '../proto/clients.js';
import { hashWithDomain, utf8Bytes } from '../crypto/hash.js';
import { BoundedCache } from '../lib/bounded-cache.js';
import { FedcreditError } from '../lib/errors.js';
import { call } from '../lib/grpc.js';
import { decodeEntry, entrySignatureProblem, registrationOfEntry, sitesOf, type LogEntry } from './entries.js';
import { registrationCertificationProblem } from '../registration/cert.js';
import type { Transport } from '../lib/tls.js';

/** Query entries remembered (by index) for this site; older ones are served or abandoned. */
const REMEMBERED_QUERIES = 200_000;
/** Decoded query entries kept for the share check (decodedQuery): a few batches' worth. */
const DECODED_QUERIES = 4096;
/** Monitoring entries remembered (by index): more than a 100,000-item run's rescore entries. */
const REMEMBERED_MONITORING = 300_000;
const MONITORING_KINDS: ReadonlySet<string> = new Set(['portfolio-change', 'monitoring-run', 'rescore', 'rescore-skip', 'monitoring-run-end']);

/** A monitoring entry as applied: decoded, with its leaf hash. */
export interface AppliedEntry {
  readonly entry: LogEntry;
  readonly leafHash: Uint8Array;
}

/** How long a fetch waits for the log to sign a checkpoint covering the index a query needs. */
const CHECKPOINT_WAIT_MS = 5_000;
const CHECKPOINT_POLL_MS = 50;
/** Checkpoint notes whose log signature verified, remembered (see #open). */
const VERIFIED_NOTES = 64;

/** What the node trusts about the log, kept by its witness (log/witness-loop.ts). */
export interface LogTrust {
  /** The log's origin and key as this node pinned them; rejects if none is pinned yet. */
  pinnedLog(): Promise<{ readonly origin: string; readonly key: TrustedKey }>;
  /** The last checkpoint this node verified and cosigned, if any. */
  cosigned(): Checkpoint | undefined;
  /** Why the log scored from and the log witnessed differ (a split view), once seen. */
  forked(): string | undefined;
}

export interface LogFollowerOptions {
  readonly coordinator: string;
  readonly transport: Transport;
  readonly site: string;
  readonly ledger: ConsentLedger;
  readonly trust: LogTrust;
  readonly log: (line: string) => void;
}

export class LogFollower {
  /** The verified tree: its size is the entries read and applied so far. */
  #range = CompactRange.empty();
  /** The newest log checkpoint whose entries this node verified and applied. */
  #verified: Checkpoint | undefined;
  readonly #opts: LogFollowerOptions;
  readonly #client;
  readonly #peers = new Map<string, Uint8Array>();
  /** Sites whose last logged registration was refused, and why. */
  readonly #uncertified = new Map<string, string>();
  readonly #queries = new Map<number, string>();
  readonly #monitoring = new Map<number, AppliedEntry>();
  /** Index of each item's portfolio-change removes, by `requester/portfolio/subject` (few: kept whole). */
  readonly #removes = new Map<string, number[]>();
  /**
   * The same query entries as decoded when applied, until the node's share check takes them
   * (decodedQuery): each arrives twice, in the batch's carried entries and as the query's own
   * entry, and decoding (UTF-8, JSON, the canonical re-encoding check) was done twice per query.
   * Few and short-lived: a query is asked right after its entry is carried.
   */
  readonly #decoded = new Map<number, { hash: string; entry: LogEntry }>();
  /** Fetches and offers, applied one after another in the order they were asked for. */
  #applying: Promise<void> = Promise.resolve();
  #fetching: Promise<void> | undefined;
  /** The highest index any waiting query needs + 1: one fetch serves every query waiting. */
  #wanted = 0;
  /**
   * Checkpoints whose note verified under the pinned log key, by SHA-256 of (key, origin,
   * note bytes): the same note reaches a node more than once (polled while waiting for a
   * checkpoint to cover an index, fetched and offered), and an Ed25519 check is ~45 µs. Only
   * verified results are kept, keyed by the exact bytes checked and the key they verified
   * under; any other note (or key) is verified in full.
   */
  readonly #verifiedNotes = new BoundedCache<Checkpoint>(VERIFIED_NOTES, VERIFIED_NOTES * 1024);

  constructor(opts: LogFollowerOptions) {
    this.#opts = opts;
    this.#client = transparencyLogClient(opts.coordinator, opts.transport);
  }

  /** Entries read and applied so far. */
  get size(): number {
    return this.#range.size;
  }

  /** The newest checkpoint the entries applied so far were verified against. */
  verified(): Checkpoint | undefined {
    return this.#verified;
  }

  /** The sealing key of the peer's last certified registration; throws if only uncertified ones were logged. */
  peerSealingKey(site: string): Uint8Array | undefined {
    const key = this.#peers.get(site);
    const uncertified = this.#uncertified.get(site);
    if (!key && uncertified) throw new FedcreditError('REGISTRATION_NOT_CERTIFIED', `site ${site} has no registration the federation CA certifies (${uncertified}), so no mask is agreed with it`);
    return key;
  }

  /** Hex leaf hash of the query entry at `index` naming this site, reading the log up to it first. */
  async queryEntryHash(index: number): Promise<string | undefined> {
    const forked = this.#opts.trust.forked();
    if (forked) throw notVerified(forked);
    await this.syncTo(index);
    return this.#queries.get(index);
  }

  /**
   * The monitoring entry (module comment) at `index`, reading the log up to it first; undefined
   * when the entry there is of another kind (or too old to be remembered).
   */
  async monitoringEntry(index: number): Promise<AppliedEntry | undefined> {
    const forked = this.#opts.trust.forked();
    if (forked) throw notVerified(forked);
    await this.syncTo(index);
    return this.#monitoring.get(index);
  }

  /** Indexes of the logged removes of an item (ascending), among the entries read so far. */
  removedAt(requester: string, portfolio: string, subject: string): readonly number[] {
    return this.#removes.get(`${requester}/${portfolio}/${subject}`) ?? [];
  }

  /**
   * The query entry at `index` as decoded when it was applied, if its leaf hash is `leafHashHex`
   * (so it is exactly the bytes the caller holds); given out once. Undefined: decode them yourself.
   */
  decodedQuery(index: number, leafHashHex: string): LogEntry | undefined {
    const known = this.#decoded.get(index);
    if (known === undefined) return undefined;
    this.#decoded.delete(index);
    return known.hash === leafHashHex ? known.entry : undefined;
  }

  /** Reads and applies entries until entry `index` is included. */
  async syncTo(index: number): Promise<void> {
    this.#wanted = Math.max(this.#wanted, index + 1);
    while (this.size <= index) {
      this.#fetching ??= this.#serially(() => this.#fetch(this.#wanted)).finally(() => { this.#fetching = undefined; });
      await this.#fetching;
    }
  }

  /**
   * Entries [from, from + entries.length) of the log as the coordinator sent them with a batch
   * of queries, with its signed checkpoint for the tree of size from + entries.length: those
   * past what this node has read are applied once they verify against it (else the promise
   * rejects with LOG_NOT_VERIFIED); a batch that starts beyond it is ignored (syncTo fetches
   * the gap).
   */
  offer(from: number, entries: readonly Uint8Array[], checkpoint: string): Promise<void> {
    if (entries.length === 0 || from + entries.length <= this.size) return Promise.resolve();
    return this.#serially(async () => {
      if (from > this.size) return;
      await this.#applyVerified(entries.slice(this.size - from), checkpoint, 'the entries sent with the batch');
    });
  }

  #serially(task: () => Promise<void>): Promise<void> {
    const run = this.#applying.then(task);
    this.#applying = run.catch(() => undefined);
    return run;
  }

  /** Reads the newest checkpoint (waiting until it covers `to`) and the entries up to it. */
  async #fetch(to: number): Promise<void> {
    const from = this.size;
    if (from >= to) return;
    const log = await this.#opts.trust.pinnedLog();
    const deadline = Date.now() + CHECKPOINT_WAIT_MS;
    let note = '';
    let size = 0;
    while (size < to) {
      if (note && Date.now() > deadline) {
        throw new FedcreditError('QUERY_NOT_LOGGED', `the coordinator's log has signed no checkpoint covering entry ${to - 1} (newest: size ${size}), though a query claims that index`);
      }
      if (note) await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_POLL_MS));
      ({ latest: note } = await call(this.#client, this.#client.GetCheckpoint, { witnessSite: this.#opts.site }, 5_000));
      const opened = this.#open(note, log);
      if (!opened.ok) throw notVerified(`the coordinator's newest checkpoint does not verify under the log key this node pinned: ${opened.reason}`);
      size = opened.checkpoint.size;
    }
    const entries: Uint8Array[] = [];
    while (from + entries.length < size) {
      const res = await call(this.#client, this.#client.GetEntries, { from: from + entries.length, to: size }, 10_000);
      if (Number(res.from) !== from + entries.length || res.entries.length === 0) {
        throw notVerified(`the coordinator's log sent no entry ${from + entries.length}, though its checkpoint has ${size}`);
      }
      for (const e of res.entries) entries.push(new Uint8Array(e));
    }
    await this.#applyVerified(entries.slice(0, size - from), note, 'the entries fetched with GetEntries');
  }

  /**
   * Applies entries that follow on from this node's position, in order, once they verify:
   * appended to the verified tree they must give the root of `note` (signed by the pinned
   * log key, of exactly that size) and, passing the size this node last cosigned, the root it
   * cosigned. The position moves past an entry only once it is applied, so a query waiting for
   * index i never runs before a revocation logged ahead of it has reached the ledger.
   */
  async #applyVerified(entries: readonly Uint8Array[], note: string, what: string): Promise<void> {
    const start = this.size;
    const end = start + entries.length;
    if (!note) throw notVerified(`${what} (log entries [${start}, ${end})) came without the log's signed checkpoint, so this node cannot check them`);
    const forked = this.#opts.trust.forked();
    if (forked) throw notVerified(forked);
    const opened = this.#open(note, await this.#opts.trust.pinnedLog());
    if (!opened.ok) throw notVerified(`the checkpoint for ${what} does not verify under the log key this node pinned: ${opened.reason}`);
    const checkpoint = opened.checkpoint;
    if (checkpoint.size !== end) throw notVerified(`${what} end at entry ${end}, but their checkpoint is of size ${checkpoint.size}`);
    const cosigned = this.#opts.trust.cosigned();
    const tree = this.#range.clone();
    const leafHashes: Uint8Array[] = [];
    const checkCosigned = (): void => {
      if (cosigned && tree.size === cosigned.size && !bytesEqual(tree.root(), cosigned.rootHash)) {
        this.#opts.log(`ALARM: scoring: the log the coordinator sent differs from the checkpoint of size ${cosigned.size} this node cosigned`);
        throw notVerified(`${what} do not extend the log this node cosigned at size ${cosigned.size}: the coordinator shows this node another log than its witness`);
      }
    };
    checkCosigned();
    for (const raw of entries) {
      const bytes = new Uint8Array(raw);
      leafHashes.push(hashLeaf(bytes));
      tree.append(leafHashes[leafHashes.length - 1]!);
      checkCosigned();
    }
    if (!bytesEqual(tree.root(), checkpoint.rootHash)) {
      throw notVerified(`${what} (log entries [${start}, ${end})) do not hash to the root of the log's signed checkpoint of size ${end}: entries were left out, added or reordered`);
    }
    for (let i = 0; i < entries.length; i++) {
      await this.#applyOne(this.size, new Uint8Array(entries[i]!), leafHashes[i]!);
      this.#range.append(leafHashes[i]!);
    }
    this.#verified = checkpoint;
  }

  /** openCheckpoint, remembering notes that verified (#verifiedNotes). */
  #open(note: string, log: { readonly origin: string; readonly key: TrustedKey }): { ok: true; checkpoint: Checkpoint } | { ok: false; reason: string } {
    const id = Buffer.from(hashWithDomain('fedcredit/verified-checkpoint-note', log.key.publicKey, utf8Bytes(log.key.name), utf8Bytes(log.origin), utf8Bytes(note))).toString('base64');
    const known = this.#verifiedNotes.get(id);
    // A copy: the root is a mutable array, the cached one must stay what was verified.
    if (known !== undefined) return { ok: true, checkpoint: { ...known, rootHash: known.rootHash.slice() } };
    const opened = openCheckpoint(note, log);
    if (!opened.ok) return opened;
    this.#verifiedNotes.set(id, { ...opened.checkpoint, rootHash: opened.checkpoint.rootHash.slice() }, note.length);
    return { ok: true, checkpoint: opened.checkpoint };
  }

  async #applyOne(index: number, bytes: Uint8Array, leafHash: Uint8Array): Promise<void> {
    const decoded = decodeEntry(bytes);
    if (!decoded.ok) return;
    const { entry } = decoded;
    if (entry.kind === 'query') {
      if (sitesOf(entry).includes(this.#opts.site)) {
        const hash = Buffer.from(leafHash).toString('hex');
        this.#queries.set(index, hash);
        if (this.#queries.size > REMEMBERED_QUERIES) this.#queries.delete(this.#queries.keys().next().value!);
        this.#decoded.set(index, { hash, entry });
        if (this.#decoded.size > DECODED_QUERIES) this.#decoded.delete(this.#decoded.keys().next().value!);
      }
    } else if (MONITORING_KINDS.has(entry.kind)) {
      this.#monitoring.set(index, { entry, leafHash });
      if (this.#monitoring.size > REMEMBERED_MONITORING) this.#monitoring.delete(this.#monitoring.keys().next().value!);
      const b = entry.body;
      if (entry.kind === 'portfolio-change' && b['op'] === 'remove') {
        const key = `${String(b['requester'])}/${String(b['portfolio'])}/${String(b['subject'])}`;
        this.#removes.set(key, [...(this.#removes.get(key) ?? []), index]);
      }
    } else if (entry.kind === 'node-removal') {
      // The site's keys are void until it registers again (registration/rotation.ts).
      this.#peers.delete(String(entry.body['site']));
    } else if (entry.kind === 'node-registration' || entry.kind === 'node-key-rotation') {
      const site = String(entry.body['site']);
      const problem = this.#registrationProblem(entry);
      if (problem === undefined) {
        this.#peers.set(site, Buffer.from(String(entry.body['sealingKey']), 'hex'));
        this.#uncertified.delete(site);
      } else {
        this.#uncertified.set(site, problem);
        this.#opts.log(`scoring: log entry ${index} (${entry.kind} of ${site.slice(0, 32)}) not applied: REGISTRATION_NOT_CERTIFIED: ${problem}`);
      }
    } else if (entry.kind === 'revocation' || entry.kind === 'enterprise-key-registration') {
      const added = await this.#opts.ledger.addFromLogEntry(entry);
      if (added && !added.ok) this.#opts.log(`scoring: log entry ${index} (${entry.kind}) not applied: ${added.message}`);
    }
  }

  /**
   * Why a node-registration must not give a peer's keys: its own signature, and with TLS the
   * federation CA's certificate for the site (registration/cert.ts), since a signature by
   * a key the entry itself names proves nothing about who the site is. Without TLS (test
   * machines only) there is no CA to ask.
   */
  #registrationProblem(entry: LogEntry): string | undefined {
    const signed = entrySignatureProblem(entry);
    if (signed !== undefined || this.#opts.transport.kind !== 'tls') return signed;
    const { registration, certification } = registrationOfEntry(entry);
    return registrationCertificationProblem(registration, certification, this.#opts.transport.material.ca);
  }

  close(): void {
    this.#client.close();
  }
}

function notVerified(message: string): FedcreditError {
  return new FedcreditError('LOG_NOT_VERIFIED', `${message}; the node serves no query from this log (retry later, or ask the coordinator's operator)`);
}
