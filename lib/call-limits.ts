/**
 * Limits that keep a party up under abuse, applied to every RPC by `addService` (lib/grpc.ts)
 * before the role check and the handler: a token bucket per caller (its certified role and
 * name; without TLS, its connection), a cap on calls in flight per role (each role its own
 * pool), and a cap on the request streams one caller holds open. Over a limit the caller gets
 * RESOURCE_EXHAUSTED with RATE_LIMITED, OVERLOADED or TOO_MANY_STREAMS and a hint when to
 * retry; the party keeps serving everyone else.
 *
 * Why pools per role: with one pool for all, 520 idle ScoreStreams from one bank held every
 * slot and the auditor, the operator and the witnesses' cosignatures were refused (issue 12).
 * Requesters now fill only the requester pool; witnesses (`site`), the coordinator, operators
 * and auditors each keep theirs.
 */
import { FedcreditError } from './errors.js';

export interface RateLimit {
  /** Sustained calls per second. */
  perSecond: number;
  /** Calls allowed at once after a quiet period. */
  burst: number;
}

export interface CallLimits {
  /** Per caller role; roles not listed use `default`. */
  perRole: Readonly<Record<string, RateLimit>>;
  default: RateLimit;
  /** Calls being served at once by callers whose role has no pool in `inFlightPerRole` (and uncertified callers). */
  maxInFlight: number;
  /** Calls being served at once per role, all callers of that role together: each role's own pool. */
  inFlightPerRole?: Readonly<Record<string, number>>;
  /** Request streams one caller may hold open at once (default DEFAULT_MAX_STREAMS_PER_CALLER). */
  maxStreamsPerCaller?: number;
  /** A request stream with no message received and none being answered for this long is closed (STREAM_IDLE). */
  streamIdleMs?: number;
}

export const DEFAULT_MAX_STREAMS_PER_CALLER = 16;
export const DEFAULT_STREAM_IDLE_MS = 60_000;

/**
 * Defaults sized for this product's traffic: requesters up to the scoring target (500 queries/s)
 * with headroom, sites for PSI relays and witness polling, operators and auditors for tools.
 */
export const DEFAULT_CALL_LIMITS: CallLimits = {
  perRole: {
    requester: { perSecond: 1_000, burst: 2_000 },
    site: { perSecond: 2_000, burst: 4_000 },
    coordinator: { perSecond: 5_000, burst: 10_000 },
    operator: { perSecond: 1_000, burst: 2_000 },
    // An auditor pages through the whole log and every node's record: thousands of reads.
    auditor: { perSecond: 2_000, burst: 4_000 },
  },
  default: { perSecond: 1_000, burst: 2_000 },
  maxInFlight: 512,
  // Requesters: the scoring load (8-256 queries in flight per stream, a few streams per bank).
  // The others are small and never wait behind requesters.
  inFlightPerRole: { requester: 512, site: 256, coordinator: 256, operator: 64, auditor: 64 },
  maxStreamsPerCaller: DEFAULT_MAX_STREAMS_PER_CALLER,
  streamIdleMs: DEFAULT_STREAM_IDLE_MS,
};

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Forget callers idle this long, so the table of buckets stays bounded. */
const IDLE_MS = 10 * 60_000;
const MAX_BUCKETS = 10_000;

export class CallLimiter {
  readonly #buckets = new Map<string, Bucket>();
  /** Calls in flight per pool: a role with its own pool, or '' for the shared default pool. */
  readonly #inFlight = new Map<string, number>();
  /** Open request streams per caller; a caller is dropped at zero, so this holds only open ones. */
  readonly #streams = new Map<string, number>();

  constructor(readonly limits: CallLimits = DEFAULT_CALL_LIMITS, private readonly now: () => number = Date.now) {}

  /** Calls in flight, all pools together. */
  get inFlight(): number {
    let n = 0;
    for (const v of this.#inFlight.values()) n += v;
    return n;
  }

  /** How long a request stream may stay idle before it is closed. */
  get streamIdleMs(): number {
    return this.limits.streamIdleMs ?? DEFAULT_STREAM_IDLE_MS;
  }

  /**
   * Count one more open request stream of `caller`; returns its release (when the stream ends),
   * or throws TOO_MANY_STREAMS when the caller already holds its share.
   */
  openStream(caller: string): () => void {
    const max = this.limits.maxStreamsPerCaller ?? DEFAULT_MAX_STREAMS_PER_CALLER;
    const open = this.#streams.get(caller) ?? 0;
    if (open >= max) {
      throw new FedcreditError('TOO_MANY_STREAMS', `${caller} has ${open} request streams open already, at most ${max}; send more requests on the ones it has, or close one first`);
    }
    this.#streams.set(caller, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#streams.get(caller) ?? 1) - 1;
      if (left <= 0) this.#streams.delete(caller);
      else this.#streams.set(caller, left);
    };
  }

  /**
   * Admit one call from `caller` (e.g. `requester/bank-a`, or a peer address) with `role`.
   * Returns a release function to call when the call ends, or throws RATE_LIMITED / OVERLOADED.
   */
  admit(caller: string, role: string | undefined): () => void {
    const own = role !== undefined ? this.limits.inFlightPerRole?.[role] : undefined;
    const pool = own !== undefined ? role! : '';
    const max = own ?? this.limits.maxInFlight;
    const busy = this.#inFlight.get(pool) ?? 0;
    if (busy >= max) {
      throw new FedcreditError('OVERLOADED', `the party is serving ${busy} calls ${pool ? `of role ${pool}` : 'already'}, at most ${max}; retry in a moment`);
    }
    const limit = (role !== undefined ? this.limits.perRole[role] : undefined) ?? this.limits.default;
    const now = this.now();
    let bucket = this.#buckets.get(caller);
    if (!bucket) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#sweep(now);
      bucket = { tokens: limit.burst, updatedMs: now };
      this.#buckets.set(caller, bucket);
    }
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.updatedMs) / 1000) * limit.perSecond);
    bucket.updatedMs = now;
    if (bucket.tokens < 1) {
      const waitMs = Math.ceil(((1 - bucket.tokens) / limit.perSecond) * 1000);
      throw new FedcreditError('RATE_LIMITED', `${caller} is over its limit of ${limit.perSecond} calls/s; retry in ${waitMs} ms`);
    }
    bucket.tokens -= 1;
    this.#inFlight.set(pool, busy + 1);
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.#inFlight.set(pool, (this.#inFlight.get(pool) ?? 1) - 1);
      }
    };
  }

  #sweep(now: number): void {
    for (const [key, b] of this.#buckets) if (now - b.updatedMs > IDLE_MS) this.#buckets.delete(key);
    // Still full: drop the oldest half rather than grow without bound.
    if (this.#buckets.size >= MAX_BUCKETS) {
      const oldest = [...this.#buckets.entries()].sort((a, b) => a[1].updatedMs - b[1].updatedMs);
      for (const [key] of oldest.slice(0, oldest.length >> 1)) this.#buckets.delete(key);
    }
  }
}
