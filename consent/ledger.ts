/**
 * A party's own consent state: the key bindings and revocations it knows, the uses it counted
 * and the query ids it saw. The coordinator and every data node keep one each, so each checks
 * a consent for itself (DESIGN.md, Scoring: "each node verifies the consent itself") and a node
 * refuses a revoked or used-up consent even when the coordinator does not (PIPL Art. 15).
 *
 * Storage is a small key-value interface (`ConsentLedgerStore`) with two implementations: on a
 * LevelDB database or sublevel (`levelLedgerStore`; a node can put it beside its records in one
 * store) and in memory (`memoryLedgerStore`, for in-process drivers and tests). Layout:
 *   bind!<subject>!<enterprise key>  KeyBinding JSON (verified against the trusted registrars)
 *   rev!<consent id>!<signer key>    Revocation JSON (signature verified)
 *   use!<consent id>                 uses counted, decimal
 *   qid!<query id>                   { consentId, validUntil } of the query that used the id
 *
 * `consume` is check-then-count as one step: the read-only checks run first, then the replay
 * and uses checks run again synchronously against the ledger's memory and claim the use and
 * the query id before anything else can run, so concurrent queries can neither both take the
 * last use nor both pass with one id. The claim is then written (use and query id in one
 * batch, batches of concurrent consumes grouped into one write) and `consume` resolves only
 * after that write, or, with `deferWrite`, hands the caller the write to await beside its own.
 * This object is its store's only writer (LevelDB's lock), so what it keeps in memory is
 * authoritative:
 *   - uses counted per consent (read from the store once, then counted here);
 *   - query ids claimed or stored (all of them, read once, up to a million; past that the
 *     newest, and the others are looked up in the store, where every claimed id is by then);
 *   - key bindings per subject and revocations per consent (read once, dropped on a change).
 * One ledger object per store.
 *
 * One file on purpose (over 400 lines): `consume`'s one-step check-then-count holds only because
 * this object is its store's only writer and its memory is authoritative; the store interface it
 * writes through and the caches it keeps are read with it.
 */
import { Level } from 'level';
import fs from 'node:fs';
import { FedcreditError } from '../lib/errors.js';
import { SerialQueue } from '../lib/serial-queue.js';
import type { LogEntry } from '../log/entries.js';
import {
  consentUseVerdict, keyBindingFromEntry, keyBindingProblem, parseKeyBinding, parseRevocation, revocationFromEntry, revocationSignatureValid, verifyConsent,
  type ConsentContext, type ConsentRequest, type ConsentVerdict, type KeyBinding, type Revocation,
} from './verify.js';

export type LedgerBatchOp = { readonly type: 'put'; readonly key: string; readonly value: string } | { readonly type: 'del'; readonly key: string };

/** What the ledger needs of a store: the LevelDB subset it uses. */
export interface ConsentLedgerStore {
  get(key: string): Promise<string | undefined>;
  batch(ops: readonly LedgerBatchOp[]): Promise<void>;
  /** Entries with keys in [gte, lt), in key order. */
  range(gte: string, lt: string): AsyncIterable<readonly [string, string]>;
  close(): Promise<void>;
}

/** The part of a LevelDB database or sublevel (utf8 keys and values) the ledger uses. */
export interface LevelLike {
  get(key: string): Promise<string | undefined>;
  batch(ops: Array<{ type: 'put'; key: string; value: string } | { type: 'del'; key: string }>): Promise<void>;
  iterator(options: { gte: string; lt: string }): AsyncIterable<[string, string]>;
  close(): Promise<void>;
}

/**
 * A ledger store on a LevelDB database or sublevel with utf8 keys and values. `write`, when
 * given, stores the batches instead of `db.batch` (a node writes them in one synced batch with
 * its served records: NodeStore.writeGroup).
 */
export function levelLedgerStore(db: LevelLike, write?: (ops: readonly LedgerBatchOp[]) => Promise<void>): ConsentLedgerStore {
  return {
    get: async (key) => (await db.get(key)) ?? undefined,
    batch: write ?? ((ops) => db.batch(ops.map((op) => ({ ...op })))),
    range: (gte, lt) => db.iterator({ gte, lt }),
    close: () => db.close(),
  };
}

/** A ledger store in memory (lost on exit): for in-process drivers and tests. */
export function memoryLedgerStore(): ConsentLedgerStore {
  const map = new Map<string, string>();
  return {
    get: async (key) => map.get(key),
    batch: async (ops) => {
      for (const op of ops) {
        if (op.type === 'put') map.set(op.key, op.value);
        else map.delete(op.key);
      }
    },
    async *range(gte, lt) {
      for (const key of [...map.keys()].filter((k) => k >= gte && k < lt).sort()) yield [key, map.get(key)!] as const;
    },
    close: async () => undefined,
  };
}

export interface ConsentLedgerOptions {
  /** Registrar keys this federation trusts (raw bytes or hex). */
  readonly trustedRegistrars: readonly (Uint8Array | string)[];
  readonly clockSkewMs?: number;
}

/** Who is asking and what, for one query; `now` defaults to the clock. */
export interface ConsentQuery {
  readonly requester: ConsentContext['requester'];
  readonly request: ConsentRequest;
  readonly now?: number;
}

export type ConsentConsumed = ConsentVerdict & {
  readonly usesLeft?: number;
  /** With `deferWrite`: resolves once the use and the query id are stored; await it before answering. */
  readonly written?: Promise<void>;
};

/** The binding or revocation was stored (or already known), or why it was not. */
export type LedgerAddResult = { readonly ok: true; readonly isNew: boolean } | { readonly ok: false; readonly message: string };

/** Subjects (key bindings) and consents (revocations, uses) whose state is kept in memory. */
const STATE_CACHE_LIMIT = 100_000;
/** Query ids kept in memory (about 100 bytes each); beyond, the oldest are looked up in the store. */
const KNOWN_QUERY_IDS = 1_000_000;

/**
 * Records read from the store by prefix (key bindings of a subject, revocations of a consent),
 * cached until a write under that prefix. A read that raced with a write is not cached.
 */
class RangeCache<T> {
  readonly #entries = new Map<string, T[]>();
  #generation = 0;

  async get(id: string, read: () => Promise<T[]>): Promise<T[]> {
    const cached = this.#entries.get(id);
    if (cached) return cached;
    const generation = this.#generation;
    const value = await read();
    if (generation === this.#generation) {
      // Cleared when full rather than evicted one by one: simpler, and a refill is one range read.
      if (this.#entries.size >= STATE_CACHE_LIMIT) this.#entries.clear();
      this.#entries.set(id, value);
    }
    return value;
  }

  /** Call around a write under `id`: before (a read in progress is not cached) and after. */
  changed(id: string): void {
    this.#generation += 1;
    this.#entries.delete(id);
  }
}

export class ConsentLedger {
  private readonly queue = new SerialQueue();
  private readonly bindings = new RangeCache<KeyBinding>();
  private readonly revocations = new RangeCache<Revocation>();
  /** Uses counted per consent id, claims included; `writing`: claims not yet written. */
  private readonly uses = new Map<string, { count: number; writing: number }>();
  /** Query ids claimed and not yet written. */
  private readonly claimedIds = new Set<string>();
  /**
   * Query ids in the store, oldest first: all of them (`allIdsKnown`) while there are at most
   * KNOWN_QUERY_IDS, else the newest ones, the others looked up in the store; `evictions`
   * counts the ids dropped from memory.
   */
  private readonly knownIds = new Set<string>();
  private allIdsKnown = false;
  private idsLoaded: Promise<void> | undefined;
  private evictions = 0;
  /** Batches waiting for the next write, and whether one is in flight (group commit). */
  private pendingWrites: { ops: () => readonly LedgerBatchOp[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private writing: Promise<void> | undefined;

  private constructor(private readonly store: ConsentLedgerStore, private readonly options: ConsentLedgerOptions) {}

  /** A ledger in its own LevelDB database at `dir` (created if needed, owner-only). */
  static async open(dir: string, options: ConsentLedgerOptions): Promise<ConsentLedger> {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const db = new Level<string, string>(dir, { valueEncoding: 'utf8' });
    try {
      await db.open();
    } catch (err) {
      const e = err as { code?: string; cause?: { code?: string } };
      if (e.code === 'LEVEL_LOCKED' || e.cause?.code === 'LEVEL_LOCKED') {
        throw new FedcreditError('STORE_LOCKED', `the consent ledger in ${dir} is in use by another process; stop it or use its ledger through that process`);
      }
      throw err;
    }
    return new ConsentLedger(levelLedgerStore(db), options);
  }

  /** A ledger over an existing store (e.g. `levelLedgerStore(nodeStore.db.sublevel('consent'))`). */
  static over(store: ConsentLedgerStore, options: ConsentLedgerOptions): ConsentLedger {
    return new ConsentLedger(store, options);
  }

  /** Stores a binding after checking its registrar is trusted and its signature verifies. */
  async addKeyBinding(input: unknown): Promise<LedgerAddResult> {
    const parsed = parseKeyBinding(input);
    if (!parsed.ok) return { ok: false, message: parsed.message };
    const problem = keyBindingProblem(parsed.value, this.options.trustedRegistrars);
    if (problem) return { ok: false, message: problem };
    const b = parsed.value;
    this.bindings.changed(b.subject);
    const added = await this.putOnce(`bind!${b.subject}!${b.enterpriseKey}`, JSON.stringify(b));
    this.bindings.changed(b.subject);
    return added;
  }

  /**
   * Stores a revocation whose signature verifies. Whether its signer key is bound to the
   * subject is checked when a consent is verified (the binding may arrive later than the
   * revocation, e.g. when replaying the log out of order).
   */
  async addRevocation(input: unknown): Promise<LedgerAddResult> {
    const parsed = parseRevocation(input);
    if (!parsed.ok) return { ok: false, message: parsed.message };
    if (!revocationSignatureValid(parsed.value)) return { ok: false, message: `revocation of ${parsed.value.consentId}: the signature does not verify under the key it names` };
    const r = parsed.value;
    this.revocations.changed(r.consentId);
    const added = await this.putOnce(`rev!${r.consentId}!${r.signerKey}`, JSON.stringify(r));
    this.revocations.changed(r.consentId);
    return added;
  }

  /**
   * Learns from a transparency log entry: a key registration or a revocation (other kinds are
   * not about consent: `undefined`). How a node keeps up with revocations the coordinator logs.
   */
  async addFromLogEntry(entry: LogEntry): Promise<LedgerAddResult | undefined> {
    if (entry.kind === 'enterprise-key-registration') {
      const binding = keyBindingFromEntry(entry);
      return binding.ok ? this.addKeyBinding(binding.value) : { ok: false, message: binding.message };
    }
    if (entry.kind === 'revocation') {
      const revocation = revocationFromEntry(entry);
      return revocation.ok ? this.addRevocation(revocation.value) : { ok: false, message: revocation.message };
    }
    return undefined;
  }

  /** Bindings of a subject, cached: this ledger is its store's only writer (LevelDB's lock). */
  bindingsFor(subject: string): Promise<KeyBinding[]> {
    return this.bindings.get(subject, () => this.values(`bind!${subject}!`, (v) => parseKeyBinding(JSON.parse(v) as unknown)));
  }

  revocationsOf(consentId: string): Promise<Revocation[]> {
    return this.revocations.get(consentId, () => this.values(`rev!${consentId}!`, (v) => parseRevocation(JSON.parse(v) as unknown)));
  }

  async usesOf(consentId: string): Promise<number> {
    return (await this.useCounter(consentId)).count;
  }

  async queryIdSeen(queryId: string): Promise<boolean> {
    if (this.claimedIds.has(queryId) || this.knownIds.has(queryId)) return true;
    await this.loadQueryIds();
    if (this.knownIds.has(queryId)) return true;
    return this.allIdsKnown ? false : (await this.store.get(`qid!${queryId}`)) !== undefined;
  }

  /** The in-memory use counter of a consent, read from the store the first time. */
  private async useCounter(consentId: string): Promise<{ count: number; writing: number }> {
    const known = this.uses.get(consentId);
    if (known) return known;
    const v = await this.store.get(`use!${consentId}`);
    // Another consume may have read and counted meanwhile: its counter is the one that holds.
    const again = this.uses.get(consentId);
    if (again) return again;
    if (this.uses.size >= STATE_CACHE_LIMIT) {
      // Drop the counters whose every claim is written: the store holds their count.
      for (const [id, c] of this.uses) if (c.writing === 0) this.uses.delete(id);
    }
    const counter = { count: v === undefined ? 0 : Number(v), writing: 0 };
    this.uses.set(consentId, counter);
    return counter;
  }

  /** The verification context for one query, reading this ledger's state. */
  context(query: ConsentQuery): ConsentContext {
    return {
      now: query.now ?? Date.now(),
      requester: query.requester,
      request: query.request,
      trustedRegistrars: this.options.trustedRegistrars,
      ...(this.options.clockSkewMs !== undefined ? { clockSkewMs: this.options.clockSkewMs } : {}),
      bindingsFor: (s) => this.bindingsFor(s),
      revocationsOf: (id) => this.revocationsOf(id),
      usesOf: (id) => this.usesOf(id),
      queryIdSeen: (q) => this.queryIdSeen(q),
    };
  }

  /** Verifies without counting a use (e.g. to show a requester why a consent would be refused). */
  check(consent: unknown, query: ConsentQuery): Promise<ConsentVerdict> {
    return verifyConsent(consent, this.context(query));
  }

  /**
   * Verifies and, if accepted, counts one use and records the query id, atomically with respect
   * to every other consume on this ledger. Call it once per query the party will serve.
   *
   * By default it resolves once the use and the query id are written. With `deferWrite` it
   * resolves as soon as the use is claimed (other consumes already see it) and `written`
   * resolves once it is stored: the caller must await it before it answers the query, and can
   * meanwhile start its own durable write (the log append, the served record), so the two
   * share one group commit instead of following each other.
   */
  async consume(consent: unknown, query: ConsentQuery, options: { deferWrite?: boolean } = {}): Promise<ConsentConsumed> {
    const ctx = this.context(query);
    const queryId = query.request.queryId;
    const evictionsBefore = this.evictions;
    // Every check, replay and uses included, reading this ledger's state.
    const checked = await verifyConsent(consent, ctx);
    if (!checked.ok) return checked;
    const c = checked.consent;
    const counter = await this.useCounter(c.consentId);
    // From here to the claim nothing awaits, so no other consume can interleave: the replay
    // and uses checks are re-run against memory and the claim is made in one step.
    const recheck = consentUseVerdict(c, checked.binding, queryId, this.claimedIds.has(queryId) || this.knownIds.has(queryId), counter.count);
    if (!recheck.ok) return recheck;
    this.claimedIds.add(queryId);
    counter.count += 1;
    counter.writing += 1;
    const uses = counter.count;
    const release = (written: boolean): void => {
      counter.writing -= 1;
      this.claimedIds.delete(queryId);
      if (written) this.remember(queryId);
      else counter.count -= 1;
    };
    // An id written and dropped from the in-memory window while we checked is in the store.
    if (this.evictions !== evictionsBefore) {
      let stored: boolean;
      try {
        stored = (await this.store.get(`qid!${queryId}`)) !== undefined;
      } catch (err) {
        release(false);
        throw err;
      }
      if (stored) {
        release(false);
        return consentUseVerdict(c, checked.binding, queryId, true, 0);
      }
    }
    // The count is read when the batch is formed: a later claim's batch never carries a
    // smaller count than an earlier one's.
    const written = this.write(() => [
      { type: 'put', key: `use!${c.consentId}`, value: String(counter.count) },
      { type: 'put', key: `qid!${queryId}`, value: JSON.stringify({ consentId: c.consentId, validUntil: c.validUntil }) },
    ]).then(() => release(true), (err: unknown) => {
      release(false);
      throw err;
    });
    if (!options.deferWrite) await written;
    else written.catch(() => undefined); // the caller awaits `written`; this only marks it handled
    return { ...recheck, usesLeft: c.maxUses - uses, ...(options.deferWrite ? { written } : {}) };
  }

  /** Query ids known to be in the store: every id, or (past the limit) the newest ones. */
  private remember(queryId: string): void {
    this.knownIds.add(queryId);
    if (this.knownIds.size > KNOWN_QUERY_IDS) {
      this.allIdsKnown = false;
      this.knownIds.delete(this.knownIds.values().next().value!);
      this.evictions += 1;
    }
  }

  /** Reads the stored query ids into memory once, when there are not too many. */
  private loadQueryIds(): Promise<void> {
    this.idsLoaded ??= (async () => {
      const ids: string[] = [];
      for await (const [key] of this.store.range('qid!', 'qid"')) {
        if (ids.length >= KNOWN_QUERY_IDS) return; // too many: look ids up in the store instead
        ids.push(key.slice('qid!'.length));
      }
      for (const id of ids) this.knownIds.add(id);
      // Ids written while we read are in knownIds already (remember), so the set is complete.
      this.allIdsKnown = this.knownIds.size <= KNOWN_QUERY_IDS;
    })();
    return this.idsLoaded;
  }

  /**
   * Writes a batch, grouped with the batches of concurrent consumes: while one write is in
   * flight the next ones gather, and go out together as one batch (LevelDB keeps a batch
   * atomic, and two puts of one consent's uses count keep the later, larger value).
   */
  private write(ops: () => readonly LedgerBatchOp[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingWrites.push({ ops, resolve, reject });
      // The first write waits for the end of this event-loop turn, so the claims of every
      // query handled in it (a scoring batch, a burst of requests) go out as one batch: a
      // LevelDB batch call costs about 0.15 ms of CPU however few its operations.
      this.writing ??= new Promise<void>((r) => setImmediate(r)).then(() => this.drainWrites()).finally(() => { this.writing = undefined; });
    });
  }

  private async drainWrites(): Promise<void> {
    while (this.pendingWrites.length > 0) {
      const group = this.pendingWrites.splice(0, this.pendingWrites.length);
      try {
        await this.store.batch(group.flatMap((g) => g.ops()));
        for (const g of group) g.resolve();
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
  }

  /**
   * Forgets query ids of consents that expired before `now`: a replay of one is refused as
   * expired anyway, so the replay table need not grow without bound. Returns how many.
   */
  pruneQueryIds(now = Date.now()): Promise<number> {
    return this.queue.run(async () => {
      const stale: LedgerBatchOp[] = [];
      for await (const [key, value] of this.store.range('qid!', 'qid"')) {
        const { validUntil } = JSON.parse(value) as { validUntil: number };
        if (validUntil <= now) stale.push({ type: 'del', key });
      }
      if (stale.length) await this.store.batch(stale);
      for (const op of stale) this.knownIds.delete(op.key.slice('qid!'.length));
      return stale.length;
    });
  }

  close(): Promise<void> {
    return this.queue.run(async () => {
      await this.writing;
      await this.store.close();
    });
  }

  private putOnce(key: string, value: string): Promise<LedgerAddResult> {
    return this.queue.run(async () => {
      if ((await this.store.get(key)) !== undefined) return { ok: true, isNew: false };
      await this.store.batch([{ type: 'put', key, value }]);
      return { ok: true, isNew: true };
    });
  }

  private async values<T>(prefix: string, parse: (v: string) => { ok: true; value: T } | { ok: false; message: string }): Promise<T[]> {
    const out: T[] = [];
    // '!' + 1 = '"': the exclusive end of every key under the prefix.
    for await (const [, v] of this.store.range(prefix, `${prefix.slice(0, -1)}"`)) {
      const parsed = parse(v);
      // The store holds only records this ledger verified; one that no longer parses was
      // altered on disk, and verification must not silently use it.
      if (!parsed.ok) throw new FedcreditError('STORE_MISMATCH', `consent ledger entry under ${prefix} is corrupt: ${parsed.message}`);
      out.push(parsed.value);
    }
    return out;
  }
}
