/**
 * Limits that keep a party up under abuse, applied to every RPC by `addService` (lib/grpc.ts)
 * before the role check and the handler: a token bucket per caller (its certified role and
 * name; without TLS, its connection) and a cap on calls in flight per server. Over a limit the
 * caller gets RESOURCE_EXHAUSTED with RATE_LIMITED or OVERLOADED and a hint when to retry; the
 * party keeps serving everyone else.
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
  /** Calls being served at once, all callers together. */
  maxInFlight: number;
}

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
  #inFlight = 0;

  constructor(readonly limits: CallLimits = DEFAULT_CALL_LIMITS, private readonly now: () => number = Date.now) {}

  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Admit one call from `caller` (e.g. `requester/bank-a`, or a peer address) with `role`.
   * Returns a release function to call when the call ends, or throws RATE_LIMITED / OVERLOADED.
   */
  admit(caller: string, role: string | undefined): () => void {
    if (this.#inFlight >= this.limits.maxInFlight) {
      throw new FedcreditError('OVERLOADED', `the party is serving ${this.#inFlight} calls already; retry in a moment`);
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
    this.#inFlight++;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.#inFlight--;
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
