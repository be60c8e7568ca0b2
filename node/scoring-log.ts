/**
 * The node's own reading of the coordinator's transparency log, for scoring: before it serves
 * a query logged at index i, the node fetches every entry it has not read up to i and applies
 * them in log order:
 *   - enterprise-key-registration and revocation entries go to the node's consent ledger
 *     (ConsentLedger.addFromLogEntry verifies the registrar's or the enterprise's signature),
 *     so a revocation the coordinator logged is honoured here whatever the coordinator does;
 *   - node-registration entries (signed by each node's own identity key) give the peers'
 *     X25519 sealing keys, from which the pairwise masks are derived;
 *   - query entries naming this site are remembered by leaf hash, so the node serves only
 *     queries that are in the log, at the index the coordinator claims.
 * The coordinator sends the entries a node has not read with each batch of queries (`offer`),
 * so a busy node reads the log without round trips of its own; where those leave a gap (after
 * a restart, a lost batch) the node fetches the gap with GetEntries. Offered and fetched
 * entries are the same bytes from the same log, applied strictly in index order, one batch at
 * a time. Concurrent queries share one fetch at a time. The position is kept in memory: a
 * restarted node re-reads the log from the start (applying an entry twice is harmless).
 */
import { hashLeaf } from '../crypto/merkle.js';
import type { ConsentLedger } from '../lib/consent-ledger.js';
import { transparencyLogClient } from '../lib/clients.js';
import { FedcreditError } from '../lib/errors.js';
import { call } from '../lib/grpc.js';
import { decodeEntry, entrySignatureProblem, sitesOf } from '../lib/log-entries.js';
import type { Transport } from '../lib/tls.js';

/** Query entries remembered (by index) for this site; older ones are served or abandoned. */
const REMEMBERED_QUERIES = 200_000;

export interface LogFollowerOptions {
  readonly coordinator: string;
  readonly transport: Transport;
  readonly site: string;
  readonly ledger: ConsentLedger;
  readonly log: (line: string) => void;
}

export class LogFollower {
  #size = 0;
  readonly #opts: LogFollowerOptions;
  readonly #client;
  readonly #peers = new Map<string, Uint8Array>();
  readonly #queries = new Map<number, string>();
  /** Fetches and offers, applied one after another in the order they were asked for. */
  #applying: Promise<void> = Promise.resolve();
  #fetching: Promise<void> | undefined;
  /** The highest index any waiting query needs + 1: one fetch serves every query waiting. */
  #wanted = 0;

  constructor(opts: LogFollowerOptions) {
    this.#opts = opts;
    this.#client = transparencyLogClient(opts.coordinator, opts.transport);
  }

  /** Entries read and applied so far. */
  get size(): number {
    return this.#size;
  }

  peerSealingKey(site: string): Uint8Array | undefined {
    return this.#peers.get(site);
  }

  /** Hex leaf hash of the query entry at `index` naming this site, reading the log up to it first. */
  async queryEntryHash(index: number): Promise<string | undefined> {
    await this.syncTo(index);
    return this.#queries.get(index);
  }

  /** Reads and applies entries until entry `index` is included. */
  async syncTo(index: number): Promise<void> {
    this.#wanted = Math.max(this.#wanted, index + 1);
    while (this.#size <= index) {
      this.#fetching ??= this.#serially(() => this.#fetch(this.#wanted)).finally(() => { this.#fetching = undefined; });
      await this.#fetching;
    }
  }

  /**
   * Entries [from, from + entries.length) of the log as the coordinator sent them with a batch
   * of queries: those past what this node has read are applied; a batch that starts beyond it
   * is ignored (syncTo fetches the gap).
   */
  offer(from: number, entries: readonly Uint8Array[]): Promise<void> {
    if (entries.length === 0 || from + entries.length <= this.#size) return Promise.resolve();
    return this.#serially(async () => {
      if (from > this.#size) return;
      await this.#apply(entries.slice(this.#size - from));
    });
  }

  #serially(task: () => Promise<void>): Promise<void> {
    const run = this.#applying.then(task);
    this.#applying = run.catch(() => undefined);
    return run;
  }

  async #fetch(to: number): Promise<void> {
    const from = this.#size;
    if (from >= to) return;
    const res = await call(this.#client, this.#client.GetEntries, { from, to: Math.max(to, from + 1) }, 10_000);
    if (Number(res.from) !== from || res.entries.length === 0) {
      throw new FedcreditError('QUERY_NOT_LOGGED', `the coordinator's log has no entry ${from} yet, though a query claims index ${to - 1}`);
    }
    await this.#apply(res.entries);
  }

  /**
   * Applies entries that follow on from this node's position, in order. The position moves
   * past an entry only once it is applied, so a query waiting for index i never runs before a
   * revocation logged ahead of it has reached the ledger.
   */
  async #apply(entries: readonly Uint8Array[]): Promise<void> {
    for (const raw of entries) {
      await this.#applyOne(this.#size, new Uint8Array(raw));
      this.#size++;
    }
  }

  async #applyOne(index: number, bytes: Uint8Array): Promise<void> {
    const decoded = decodeEntry(bytes);
    if (!decoded.ok) return;
    const { entry } = decoded;
    if (entry.kind === 'query') {
      if (sitesOf(entry).includes(this.#opts.site)) {
        this.#queries.set(index, Buffer.from(hashLeaf(bytes)).toString('hex'));
        if (this.#queries.size > REMEMBERED_QUERIES) this.#queries.delete(this.#queries.keys().next().value!);
      }
    } else if (entry.kind === 'node-registration') {
      if (entrySignatureProblem(entry) === undefined) this.#peers.set(String(entry.body['site']), Buffer.from(String(entry.body['sealingKey']), 'hex'));
    } else if (entry.kind === 'revocation' || entry.kind === 'enterprise-key-registration') {
      const added = await this.#opts.ledger.addFromLogEntry(entry);
      if (added && !added.ok) this.#opts.log(`scoring: log entry ${index} (${entry.kind}) not applied: ${added.message}`);
    }
  }

  close(): void {
    this.#client.close();
  }
}
