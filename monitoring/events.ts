/**
 * The coordinator's store of monitoring events and the bank's cursor in it (issue 21,
 * docs/design/monitoring.md 4.2): what `Monitoring.Watch` streams, with resume.
 *
 * - Events are numbered per portfolio from 1 with no gaps. The run driver `prepare`s a batch's
 *   events, writes the returned LevelDB operations in the same batch as the items' new state
 *   and the batch's completion, and only then `commit`s: an event is never lost nor emitted
 *   twice across a coordinator restart, and a failed write reuses the same numbers.
 * - `follow` yields every stored event after a cursor, then live ones as they commit, reading
 *   from the store each time (a live commit only wakes it), so the stream has no gap and no
 *   duplicate whatever the timing.
 * - One follower per portfolio: a second `follow` of the same portfolio ends the first with
 *   WATCH_REPLACED (gRPC ALREADY_EXISTS), so two clients of one bank never split a stream.
 * - `ack` is cumulative and refuses a number beyond the newest event (EVENT_CURSOR_INVALID); the
 *   cursor is written synced, coalesced every 100 ms.
 *
 * Keys (sublevel `monitoring` of the coordinator store, beside the portfolio store's):
 *     e/<requester>/<portfolio>/<eventId: 16 hex>   -> StoredEvent (JSON)
 *     c/<requester>/<portfolio>                     -> acknowledged event id (decimal)
 * `requester` and `portfolio` are URI-encoded, so no name can reach into another's range.
 */
import type { Level } from 'level';
import { FedcreditError } from '../lib/errors.js';
import type { ChangeKind, ItemLast } from './changes.js';
import type { WarningLevel } from '../scoring/score-scale.js';

export interface PortfolioKey {
  readonly requester: string;
  readonly portfolio: string;
}

export interface EventScore {
  readonly points: number;
  readonly grade: string;
  readonly warning: WarningLevel;
  readonly asOf: string;
  readonly modelVersion: string;
  readonly probabilityOfDefault?: number;
}

export interface EventSiteAnswer {
  readonly site: string;
  readonly covered: boolean;
  readonly sealedExplanation: Uint8Array;
  readonly siteKeyStatement: Uint8Array;
}

export interface RunSummary {
  readonly runId: string;
  readonly scored: number;
  readonly skipped: number;
  readonly changed: number;
  readonly psi?: number;
  readonly psiLevel?: string;
}

/** One event as the bank receives it (the Watch stream's MonitoringEvent). */
export interface MonitoringEvent {
  readonly eventId: bigint;
  readonly kind: ChangeKind | 'run-finished';
  readonly portfolio: string;
  readonly runId: string;
  readonly subject?: string;
  readonly timeMs: number;
  readonly previous?: EventScore;
  readonly current?: EventScore;
  readonly direction?: 'worse' | 'better';
  readonly modelChanged?: boolean;
  readonly skipCode?: string;
  readonly sites?: readonly EventSiteAnswer[];
  readonly logIndex?: number;
  readonly entry?: Uint8Array;
  readonly answerSignature?: Uint8Array;
  readonly run?: RunSummary;
}

export type NewEvent = Omit<MonitoringEvent, 'eventId'>;

type Json = Record<string, unknown>;
type Root = Level<string, unknown>;
function sublevelOf(root: Root) {
  return root.sublevel<string, Json | string>('monitoring', { valueEncoding: 'json' });
}
/** A put into the events' sublevel, for the caller's root batch (with the items' state). */
export interface EventOp {
  readonly type: 'put';
  readonly sublevel: ReturnType<typeof sublevelOf>;
  readonly key: string;
  readonly value: Json;
}

const ACK_COALESCE_MS = 100;
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const unb64 = (s: unknown): Uint8Array => new Uint8Array(Buffer.from(String(s), 'base64'));

export function scoreOf(last: ItemLast, probabilityOfDefault?: number): EventScore {
  return { points: last.points, grade: last.grade, warning: last.warning, asOf: last.asOf, modelVersion: last.modelVersion, ...(probabilityOfDefault !== undefined ? { probabilityOfDefault } : {}) };
}

function prefix(p: PortfolioKey): string {
  return `e/${encodeURIComponent(p.requester)}/${encodeURIComponent(p.portfolio)}/`;
}
const eventKey = (p: PortfolioKey, id: bigint): string => prefix(p) + id.toString(16).padStart(16, '0');
const cursorKey = (p: PortfolioKey): string => `c/${encodeURIComponent(p.requester)}/${encodeURIComponent(p.portfolio)}`;
const name = (p: PortfolioKey): string => `${p.requester}/${p.portfolio}`;

function toStored(e: MonitoringEvent): Json {
  const { eventId, sites, entry, answerSignature, ...rest } = e;
  return {
    ...rest,
    eventId: eventId.toString(),
    ...(sites ? { sites: sites.map((s) => ({ site: s.site, covered: s.covered, sealedExplanation: b64(s.sealedExplanation), siteKeyStatement: b64(s.siteKeyStatement) })) } : {}),
    ...(entry ? { entry: b64(entry) } : {}),
    ...(answerSignature ? { answerSignature: b64(answerSignature) } : {}),
  };
}

function fromStored(j: Json): MonitoringEvent {
  const { eventId, sites, entry, answerSignature, ...rest } = j as Json & { sites?: Json[] };
  return {
    ...(rest as Omit<MonitoringEvent, 'eventId'>),
    eventId: BigInt(String(eventId)),
    ...(sites ? { sites: sites.map((s) => ({ site: String(s['site']), covered: s['covered'] === true, sealedExplanation: unb64(s['sealedExplanation']), siteKeyStatement: unb64(s['siteKeyStatement']) })) } : {}),
    ...(entry !== undefined ? { entry: unb64(entry) } : {}),
    ...(answerSignature !== undefined ? { answerSignature: unb64(answerSignature) } : {}),
  };
}

export class EventStore {
  readonly #root: Root;
  readonly #db: ReturnType<typeof sublevelOf>;
  /** Newest committed event id per portfolio (loaded on first use). */
  readonly #newest = new Map<string, bigint>();
  /** Portfolios with a prepared batch not yet committed or abandoned. */
  readonly #preparing = new Set<string>();
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #followers = new Map<string, AbortController>();
  readonly #acks = new Map<string, { p: PortfolioKey; id: bigint }>();
  #ackTimer: NodeJS.Timeout | undefined;
  #ackWrite: Promise<void> = Promise.resolve();

  /** On the coordinator store's root database; the events live in its `monitoring` sublevel. */
  constructor(root: Root) {
    this.#root = root;
    this.#db = sublevelOf(root);
  }

  /** The sublevel, for the other monitoring stores' keys (portfolio-store.ts) and batches. */
  get sublevel(): ReturnType<typeof sublevelOf> {
    return this.#db;
  }

  /** The newest committed event's id (0 when none). */
  async newest(p: PortfolioKey): Promise<bigint> {
    const k = name(p);
    const known = this.#newest.get(k);
    if (known !== undefined) return known;
    let id = 0n;
    for await (const key of this.#db.keys({ gte: prefix(p), lt: prefix(p) + '\xff', reverse: true, limit: 1 })) id = BigInt('0x' + key.slice(prefix(p).length));
    this.#newest.set(k, id);
    return id;
  }

  /**
   * Numbers a batch's events and returns the operations to write with the batch. Call `commit`
   * once they are written, or `abandon` if the write failed. One prepared batch per portfolio.
   */
  async prepare(p: PortfolioKey, events: readonly NewEvent[]): Promise<{ ops: EventOp[]; events: MonitoringEvent[]; commit: () => void; abandon: () => void }> {
    const k = name(p);
    if (this.#preparing.has(k)) throw new Error(`events of ${k}: a prepared batch is neither committed nor abandoned`);
    const base = await this.newest(p);
    this.#preparing.add(k);
    const numbered = events.map((e, i) => ({ ...e, portfolio: p.portfolio, eventId: base + BigInt(i + 1) }));
    const ops: EventOp[] = numbered.map((e) => ({ type: 'put', sublevel: this.#db, key: eventKey(p, e.eventId), value: toStored(e) }));
    let done = false;
    return {
      ops,
      events: numbered,
      commit: () => {
        if (done) return;
        done = true;
        this.#preparing.delete(k);
        if (numbered.length === 0) return;
        this.#newest.set(k, base + BigInt(numbered.length));
        const waiting = this.#waiters.get(k);
        this.#waiters.delete(k);
        for (const wake of waiting ?? []) wake();
      },
      abandon: () => {
        done = true;
        this.#preparing.delete(k);
      },
    };
  }

  /** Stored events with id > after, in order. */
  async *readAfter(p: PortfolioKey, after: bigint): AsyncGenerator<MonitoringEvent> {
    const newest = await this.newest(p);
    // Only committed events: a prepared batch's written events wait for its commit.
    for await (const value of this.#db.values({ gt: eventKey(p, after), lte: eventKey(p, newest) })) yield fromStored(value as Json);
  }

  /** The acknowledged cursor (0 when nothing was acknowledged). */
  async cursor(p: PortfolioKey): Promise<bigint> {
    const pending = this.#acks.get(name(p));
    if (pending) return pending.id;
    const stored = await this.#db.get(cursorKey(p));
    return stored === undefined ? 0n : BigInt(String(stored));
  }

  /**
   * Every event after `after` (default: the acknowledged cursor), then each new one as it
   * commits, until `signal` aborts or another follower of the portfolio replaces this one
   * (then it throws WATCH_REPLACED).
   */
  async *follow(p: PortfolioKey, after: bigint | undefined, signal?: AbortSignal): AsyncGenerator<MonitoringEvent> {
    const k = name(p);
    const newest = await this.newest(p);
    let last = after ?? (await this.cursor(p));
    if (last > newest) throw new FedcreditError('EVENT_CURSOR_INVALID', `portfolio ${k} has ${newest} events; there is no event ${last} to resume after. Resume after ${newest} or less`);
    this.#followers.get(k)?.abort(new FedcreditError('WATCH_REPLACED', `another client now watches portfolio ${k}; this stream ends`));
    const mine = new AbortController();
    this.#followers.set(k, mine);
    const stop = AbortSignal.any([mine.signal, ...(signal ? [signal] : [])]);
    try {
      for (;;) {
        for await (const e of this.readAfter(p, last)) {
          if (stop.aborted) break;
          yield e;
          last = e.eventId;
        }
        if (stop.aborted) break;
        if ((await this.newest(p)) > last) continue;
        await new Promise<void>((resolve) => {
          const waiting = this.#waiters.get(k) ?? new Set<() => void>();
          const wake = () => {
            stop.removeEventListener('abort', wake);
            waiting.delete(wake);
            resolve();
          };
          waiting.add(wake);
          this.#waiters.set(k, waiting);
          stop.addEventListener('abort', wake, { once: true });
        });
        if (stop.aborted) break;
      }
      if (mine.signal.aborted) throw mine.signal.reason;
    } finally {
      if (this.#followers.get(k) === mine) this.#followers.delete(k);
    }
  }

  /** Acknowledges every event up to `id` (cumulative; a lower id than the cursor is a no-op). */
  async ack(p: PortfolioKey, id: bigint): Promise<void> {
    const newest = await this.newest(p);
    if (id > newest) throw new FedcreditError('EVENT_CURSOR_INVALID', `portfolio ${name(p)} has ${newest} events; event ${id} cannot be acknowledged`);
    if (id <= (await this.cursor(p))) return;
    this.#acks.set(name(p), { p, id });
    this.#ackTimer ??= setTimeout(() => void this.flushAcks(), ACK_COALESCE_MS);
  }

  /** Writes pending acknowledgements now (synced); also called on close. */
  async flushAcks(): Promise<void> {
    if (this.#ackTimer) clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    const pending = [...this.#acks.values()];
    if (pending.length > 0) {
      this.#ackWrite = this.#ackWrite.then(() =>
        this.#root.batch(pending.map(({ p, id }) => ({ type: 'put' as const, sublevel: this.#db, key: cursorKey(p), value: id.toString() })), { sync: true }),
      );
      await this.#ackWrite;
      // Drop only what was written: a newer ack that arrived meanwhile stays pending.
      for (const { p, id } of pending) if (this.#acks.get(name(p))?.id === id) this.#acks.delete(name(p));
    }
    await this.#ackWrite;
  }

  /** Ends every follower and writes pending acknowledgements. */
  async close(): Promise<void> {
    for (const f of this.#followers.values()) f.abort(new FedcreditError('UNAVAILABLE', 'the coordinator is shutting down'));
    for (const waiting of this.#waiters.values()) for (const wake of waiting) wake();
    await this.flushAcks();
  }
}
