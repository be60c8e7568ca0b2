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
 *   month!<consent id>!<YYYY-MM>     the run that used the consent for that as-of month (monitoring:
 *                                    uses are counted once per month, consumeMonth)
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
 *   - uses counted per consent (read from the store once, then counted here), and for each the
 *     as-of months a monitoring run already used it for;
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
  consentUseVerdict, keyBindingFromEntry, keyBindingProblem, parseKeyBinding, storedKeyBinding, parseRevocation, revocationFromEntry, revocationSignatureValid, verifyConsent,
  verifyConsentTerms, type ConsentAccepted, type ConsentContext, type ConsentRefused, type ConsentRequest, type ConsentTermsContext, type ConsentTermsVerdict, type ConsentVerdict,
  type KeyBinding, type Revocation,
} from './verify.js';

export type LedgerBatchOp = { readonly type: 'put'; readonly key: string; readonly value: string } | { readonly type: 'del'; readonly key: string };

/** What the ledger needs of a store: the LevelDB subset it uses. */
export interface ConsentLedgerStore {
  get(key: string): Promise<string | undefined>;
  /** Several keys in one read (LevelDB's getMany: one call into the native side); absent keys undefined. */
  getMany?(keys: readonly string[]): Promise<(string | undefined)[]>;
  batch(ops: readonly LedgerBatchOp[]): Promise<void>;
  /** Entries with keys in [gte, lt), in key order. */
  range(gte: string, lt: string): AsyncIterable<readonly [string, string]>;
  close(): Promise<void>;
}

/** The part of a LevelDB database or sublevel (utf8 keys and values) the ledger uses. */
export interface LevelLike {
  get(key: string): Promise<string | undefined>;
  getMany?(keys: string[]): Promise<(string | undefined)[]>;
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
    ...(db.getMany ? { getMany: async (keys: readonly string[]) => (await db.getMany!([...keys])).map((v) => v ?? undefined) } : {}),
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
    getMany: async (keys) => keys.map((k) => map.get(k)),
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
  /**
   * Subjects (key bindings) and consents (revocations, uses) whose state is kept in memory;
   * default DEFAULT_CONSENT_CACHE_LIMIT. A monitoring portfolio of 100,000 items plus the single
   * queries evicts on every run at the default: raise it, or rely on preload per batch.
   */
  readonly consentCacheLimit?: number;
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

/** Subjects (key bindings) and consents (revocations, uses) whose state is kept in memory, by default. */
export const DEFAULT_CONSENT_CACHE_LIMIT = 100_000;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** UTF-16 units at or above U+D800: where JavaScript's string order and UTF-8 byte order can differ. */
const ORDER_MAY_DIFFER = /[\ud800-\uffff]/;

/** Whether `a` sorts before `b` in LevelDB's order (UTF-8 bytes). */
function bytesBefore(a: string, b: string): boolean {
  // Below U+D800 a UTF-16 unit is its code point, and code point order is UTF-8 byte order.
  if (!ORDER_MAY_DIFFER.test(a) && !ORDER_MAY_DIFFER.test(b)) return a < b;
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;
}

/**
 * The smallest and the largest of `ids` in LevelDB's order, in one pass: a preload needs only
 * the range's ends (sorting a 4,096-id batch with a Buffer per comparison was ~2 % of a
 * node's CPU in a monitoring run).
 */
export function byteOrderBounds(ids: readonly string[]): [string, string] {
  let lowest = ids[0]!;
  let highest = lowest;
  for (const id of ids) {
    if (bytesBefore(id, lowest)) lowest = id;
    else if (bytesBefore(highest, id)) highest = id;
  }
  return [lowest, highest];
}

/** A run id as the monitoring entries carry it: the month key's value, never part of a key. */
const RUN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Who uses a consent for which as-of month in which monitoring run (consumeMonth). */
export interface MonthlyQuery {
  readonly requester: ConsentContext['requester'];
  readonly request: Omit<ConsentRequest, 'queryId'>;
  /** The as-of month (YYYY-MM) the use counts against: once per consent and month. */
  readonly month: string;
  readonly runId: string;
  readonly now?: number;
}

/**
 * A monitoring use accepted (`counted`: this call used one of the consent's uses for the month;
 * otherwise run `runOfMonth` already had) or refused.
 */
export type MonthlyConsumed = ConsentRefused | (ConsentAccepted & {
  readonly usesLeft: number;
  readonly counted: boolean;
  readonly runOfMonth: string;
  /** With `deferWrite`: resolves once the use is stored; await it before answering. */
  readonly written?: Promise<void>;
});

/** The run that used a consent for one month; `written` while its write is in flight. */
interface MonthClaim { readonly runId: string; written?: Promise<void> }
/** A consent's uses counted, claims included (`writing`: not yet written), and its months (null: known unused). */
interface UseCounter { count: number; writing: number; readonly months: Map<string, MonthClaim | null> }
/** Query ids kept in memory (about 100 bytes each); beyond, the oldest are looked up in the store. */
const KNOWN_QUERY_IDS = 1_000_000;

/**
 * Records read from the store by prefix (key bindings of a subject, revocations of a consent),
 * cached until a write under that prefix. A read that raced with a write is not cached.
 */
class RangeCache<T> {
  readonly #entries = new Map<string, T[]>();
  #generation = 0;

  constructor(private readonly limit: number) {}

  get generation(): number {
    return this.#generation;
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** Stores what one range read found for several ids, unless a write came since `generation`. */
  fill(values: ReadonlyMap<string, T[]>, generation: number): void {
    if (generation !== this.#generation) return;
    if (this.#entries.size + values.size > this.limit) this.#entries.clear();
    for (const [id, v] of values) if (this.#entries.size < this.limit) this.#entries.set(id, v);
  }

  async get(id: string, read: () => Promise<T[]>): Promise<T[]> {
    const cached = this.#entries.get(id);
    if (cached) return cached;
    const generation = this.#generation;
    const value = await read();
    if (generation === this.#generation) {
      // Cleared when full rather than evicted one by one: simpler, and a refill is one range read.
      if (this.#entries.size >= this.limit) this.#entries.clear();
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

const monthKey = (consentId: string, month: string): string => `month!${consentId}!${month}`;

export class ConsentLedger {
  private readonly queue = new SerialQueue();
  private readonly cacheLimit: number;
  private readonly bindings: RangeCache<KeyBinding>;
  private readonly revocations: RangeCache<Revocation>;
  /** Uses counted per consent id, claims included; `writing`: claims not yet written. */
  private readonly uses = new Map<string, UseCounter>();
  /** Counters dropped from memory so far: a read that overlapped a drop is not trusted (preload). */
  private counterEvictions = 0;
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

  private constructor(private readonly store: ConsentLedgerStore, private readonly options: ConsentLedgerOptions) {
    const limit = options.consentCacheLimit ?? DEFAULT_CONSENT_CACHE_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`consentCacheLimit ${limit} is not a positive integer`);
    this.cacheLimit = limit;
    this.bindings = new RangeCache<KeyBinding>(limit);
    this.revocations = new RangeCache<Revocation>(limit);
  }

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
    return this.bindings.get(subject, () => this.values(`bind!${subject}!`, (v) => storedKeyBinding(JSON.parse(v) as unknown)));
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
  private async useCounter(consentId: string): Promise<UseCounter> {
    const known = this.uses.get(consentId);
    if (known) return known;
    const v = await this.store.get(`use!${consentId}`);
    // Another consume may have read and counted meanwhile: its counter is the one that holds.
    return this.uses.get(consentId) ?? this.newCounter(consentId, v);
  }

  private newCounter(consentId: string, stored: string | undefined): UseCounter {
    if (this.uses.size >= this.cacheLimit) {
      // Drop the counters whose every claim is written: the store holds their count.
      for (const [id, c] of this.uses) {
        if (c.writing === 0) {
          this.uses.delete(id);
          this.counterEvictions += 1;
        }
      }
    }
    const counter: UseCounter = { count: stored === undefined ? 0 : Number(stored), writing: 0, months: new Map() };
    this.uses.set(consentId, counter);
    return counter;
  }

  /** The verification context for one query, reading this ledger's state. */
  context(query: ConsentQuery): ConsentContext {
    return {
      ...this.termsContext(query),
      request: query.request,
      usesOf: (id) => this.usesOf(id),
      queryIdSeen: (q) => this.queryIdSeen(q),
    };
  }

  /** The context of the checks before replay and uses (verifyConsentTerms). */
  private termsContext(query: { requester: ConsentContext['requester']; request: Omit<ConsentRequest, 'queryId'>; now?: number }): ConsentTermsContext {
    return {
      now: query.now ?? Date.now(),
      requester: query.requester,
      request: query.request,
      trustedRegistrars: this.options.trustedRegistrars,
      ...(this.options.clockSkewMs !== undefined ? { clockSkewMs: this.options.clockSkewMs } : {}),
      bindingsFor: (s) => this.bindingsFor(s),
      revocationsOf: (id) => this.revocationsOf(id),
    };
  }

  /**
   * The checks before replay and uses (verifyConsentTerms), reading this ledger's state: for a
   * consent that is accepted now and used later (a monitoring portfolio's add, which must pass
   * signature, key binding, revocation, validity, purpose and scope without using a use).
   */
  checkTerms(consent: unknown, query: { requester: ConsentContext['requester']; request: Omit<ConsentRequest, 'queryId'>; now?: number }): Promise<ConsentTermsVerdict> {
    return verifyConsentTerms(consent, this.termsContext(query));
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

  /**
   * A monitoring use (docs/design/monitoring.md section 1): the checks of `consume` up to the
   * scope, then uses counted per as-of month. The first use of a consent for `month` counts one
   * use and writes `month!<consent id>!<month>` -> run id in the same batch as the count;
   * another use for that month (a second run in it) counts nothing and reports the run that
   * did. A refused use writes nothing. The claim is one synchronous step against memory, as in
   * `consume`, so concurrent runs cannot both count a month nor both take the last use.
   */
  async consumeMonth(consent: unknown, query: MonthlyQuery, options: { deferWrite?: boolean } = {}): Promise<MonthlyConsumed> {
    if (!MONTH.test(query.month)) throw new RangeError(`as-of month '${String(query.month).slice(0, 16)}' is not YYYY-MM`);
    if (!RUN_ID.test(query.runId)) throw new RangeError(`run id '${String(query.runId).slice(0, 32)}' is not 1-128 letters, digits or . _ : -`);
    const checked = await verifyConsentTerms(consent, this.termsContext(query));
    if (!checked.ok) return checked;
    const c = checked.consent;
    for (;;) {
      const counter = await this.useCounter(c.consentId);
      const earlier = await this.monthClaim(counter, c.consentId, query.month);
      // A claim of this month still being written: answer once it is stored (or fail with it).
      if (earlier?.written) await earlier.written;
      // Dropped from memory while we read (every claim written): read it again.
      if (this.uses.get(c.consentId) !== counter) continue;
      // From here to the claim nothing awaits.
      const claimed = counter.months.get(query.month);
      if (claimed) {
        return { ok: true, consent: c, binding: checked.binding, usesBefore: counter.count, usesLeft: Math.max(0, c.maxUses - counter.count), counted: false, runOfMonth: claimed.runId };
      }
      const verdict = consentUseVerdict(c, checked.binding, query.runId, false, counter.count);
      if (!verdict.ok) return verdict;
      const claim: MonthClaim = { runId: query.runId };
      counter.count += 1;
      counter.writing += 1;
      counter.months.set(query.month, claim);
      const uses = counter.count;
      const written = this.write(() => [
        { type: 'put', key: `use!${c.consentId}`, value: String(counter.count) },
        { type: 'put', key: monthKey(c.consentId, query.month), value: query.runId },
      ]).then(() => {
        counter.writing -= 1;
        delete claim.written;
      }, (err: unknown) => {
        counter.writing -= 1;
        counter.count -= 1;
        counter.months.delete(query.month);
        throw err;
      });
      claim.written = written;
      if (!options.deferWrite) await written;
      else written.catch(() => undefined); // the caller awaits `written`; this only marks it handled
      return { ...verdict, usesLeft: c.maxUses - uses, counted: true, runOfMonth: query.runId, ...(options.deferWrite ? { written } : {}) };
    }
  }

  /** The run that used a consent for a month (read from the store once per counter), or undefined. */
  private async monthClaim(counter: UseCounter, consentId: string, month: string): Promise<MonthClaim | undefined> {
    const known = counter.months.get(month);
    if (known !== undefined) return known ?? undefined;
    const stored = await this.store.get(monthKey(consentId, month));
    // A claim made while we read is the one that holds.
    if (!counter.months.has(month)) counter.months.set(month, stored === undefined ? null : { runId: stored });
    return counter.months.get(month) ?? undefined;
  }

  /**
   * Warms this ledger's memory for a batch of consents in a few reads instead of several per
   * consent: their use counts (and, given `month`, whether a run used each for that month) in
   * one multi-get, their revocations in one range read, and, given `subjects`, the subjects'
   * key bindings in one range read. A multi-get and not an iterator for the counts: consent ids
   * are random UUIDs, so a batch's ids span nearly the whole `use!` key range and an iterator
   * would read every consent's count for each batch. Only a warm-up: what it reads is dropped
   * when a write or an eviction overlapped the read, and the checks read what they miss.
   */
  async preload(consentIds: readonly string[], options: { month?: string; subjects?: readonly string[] } = {}): Promise<void> {
    const { month } = options;
    if (month !== undefined && !MONTH.test(month)) throw new RangeError(`as-of month '${String(month).slice(0, 16)}' is not YYYY-MM`);
    const ids = [...new Set(consentIds)];
    await Promise.all([this.preloadCounters(ids, month), this.preloadRanges(this.revocations, 'rev!', ids, parseRevocation),
      options.subjects ? this.preloadRanges(this.bindings, 'bind!', [...new Set(options.subjects)], storedKeyBinding) : undefined]);
  }

  private async preloadCounters(ids: readonly string[], month: string | undefined): Promise<void> {
    const missing = ids.filter((id) => {
      const c = this.uses.get(id);
      return c === undefined || (month !== undefined && !c.months.has(month));
    });
    if (missing.length === 0) return;
    const keys = missing.flatMap((id) => (month === undefined ? [`use!${id}`] : [`use!${id}`, monthKey(id, month)]));
    const evictions = this.counterEvictions;
    const values = this.store.getMany ? await this.store.getMany(keys) : await Promise.all(keys.map((k) => this.store.get(k)));
    // A counter dropped while we read may have been counted and written meanwhile: our count could be stale.
    if (evictions !== this.counterEvictions) return;
    const per = month === undefined ? 1 : 2;
    missing.forEach((id, i) => {
      const counter = this.uses.get(id) ?? this.newCounter(id, values[per * i]);
      if (month !== undefined && !counter.months.has(month)) {
        const run = values[per * i + 1];
        counter.months.set(month, run === undefined ? null : { runId: run });
      }
    });
  }

  /** One range read over `prefix` from the smallest id to the largest, kept for the ids asked. */
  private async preloadRanges<T>(cache: RangeCache<T>, prefix: string, asked: readonly string[], parse: (v: unknown) => { ok: true; value: T } | { ok: false; message: string }): Promise<void> {
    // Ids in memory already are not read again (a coordinator whose cache holds the portfolio
    // read and parsed every binding of every batch again: ~4 % of its CPU in a monitoring run).
    const ids = asked.filter((id) => !cache.has(id));
    if (ids.length === 0) return;
    const [lowest, highest] = byteOrderBounds(ids);
    const wanted = new Map<string, T[]>(ids.map((id) => [id, []]));
    const generation = cache.generation;
    for await (const [key, value] of this.store.range(`${prefix}${lowest}!`, `${prefix}${highest}"`)) {
      const id = key.slice(prefix.length, key.lastIndexOf('!'));
      const list = wanted.get(id);
      if (list === undefined) continue;
      const parsed = parse(JSON.parse(value) as unknown);
      if (!parsed.ok) throw new FedcreditError('STORE_MISMATCH', `consent ledger entry ${key} is corrupt: ${parsed.message}`);
      list.push(parsed.value);
    }
    cache.fill(wanted, generation);
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
      this.writing ??= new Promise<void>((r) => setImmediate(r)).then(() => this.drainWrites());
    });
  }

  private async drainWrites(): Promise<void> {
    try {
      while (this.pendingWrites.length > 0) {
        const group = this.pendingWrites.splice(0, this.pendingWrites.length);
        try {
          await this.store.batch(group.flatMap((g) => g.ops()));
          for (const g of group) g.resolve();
        } catch (err) {
          for (const g of group) g.reject(err);
        }
      }
    } finally {
      // In the same step as the last look at pendingWrites: a write asked for later (even one
      // microtask later, by code resumed by a resolve above) starts a new drain. Cleared in a
      // `.finally` on the promise instead, such a write found `writing` still set and waited forever.
      this.writing = undefined;
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
