/**
 * Refusals into the transparency log, bounded per caller: the first REFUSAL_THRESHOLD refusals
 * of one (caller, code, refusing party) in a window are each logged as a `refusal` entry, as
 * before; further ones in that window are counted, and at the window's end one
 * `refusal-summary` entry says how many there were, of which code, by whom, refused by whom,
 * over which interval, and about which enterprises (up to MAX_SUMMARY_SUBJECTS distinct
 * subjects; the number of others too).
 *
 * Why: every refused query used to append one entry, and a requester may send up to 1,000
 * queries a second (lib/call-limits.ts): a malformed flood grew the log every auditor and
 * witness downloads without bound (issue 12). Now the log grows by at most
 * (REFUSAL_THRESHOLD + 1) entries per (caller, code, refusing party) per window, and an
 * auditor still sees that refusals happened, how many, of which code and whose.
 *
 * The caller is the TLS-certified name (never a name taken from the request, which a flood
 * could vary at will), so the number of buckets is bounded by the federation's members.
 */
import { makeEntry, type LogEntry } from './entries.js';

export const REFUSAL_THRESHOLD = 32;
export const REFUSAL_WINDOW_MS = 60_000;
export const MAX_SUMMARY_SUBJECTS = 16;
/** Buckets at once; beyond (only without TLS, where callers are connections), refusals share one overflow bucket. */
const MAX_BUCKETS = 4_096;

export interface RefusalLogOptions {
  /** Refusals of one bucket logged one by one per window (default REFUSAL_THRESHOLD). */
  readonly threshold?: number;
  /** The window length in ms (default REFUSAL_WINDOW_MS). */
  readonly windowMs?: number;
}

export interface Refusal {
  /** Who to bound: the caller's certified name (or 'unknown'). */
  readonly caller: string;
  readonly code: string;
  readonly refusedBy: string;
  readonly subject?: string;
  /** The `refusal` entry to append when this one is logged on its own. */
  readonly entry: () => LogEntry;
}

interface Bucket {
  readonly caller: string;
  readonly code: string;
  readonly refusedBy: string;
  logged: number;
  counted: number;
  firstCounted: number;
  readonly subjects: Set<string>;
  subjectsOmitted: number;
}

/**
 * Refusals always logged on their own, whatever the count:
 * - refused by a site (`refusedBy` is not the coordinator): the query passed the coordinator's
 *   consent check, used a consent use and has its `query` entry, which the refusal explains to
 *   the auditor; a flood of these costs the caller a real consent use each;
 * - SHARE_MISSING: the federation's failure, not the caller's; each refused query is logged so
 *   that an auditor can pair it with its query entry (docs/scoring.md, a missing share) and
 *   see the outage query by query (tests/faults/query-load checks each is logged once).
 *   Residual: while a site is down, a certified requester sending well-formed self-signed
 *   queries adds one entry per query, up to its rate limit (docs/scoring.md).
 */
function alwaysLogged(r: Refusal): boolean {
  return r.refusedBy !== 'coordinator' || r.code === 'SHARE_MISSING';
}

export class RefusalLog {
  readonly #buckets = new Map<string, Bucket>();
  readonly #threshold: number;
  readonly #windowMs: number;
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> = Promise.resolve();

  constructor(private readonly append: (entry: LogEntry) => Promise<unknown>, private readonly log: (line: string) => void, opts: RefusalLogOptions = {}) {
    this.#threshold = opts.threshold ?? REFUSAL_THRESHOLD;
    this.#windowMs = opts.windowMs ?? REFUSAL_WINDOW_MS;
    this.#timer = setInterval(() => void this.flush(), this.#windowMs);
    this.#timer.unref();
  }

  /** Logs the refusal (resolving once its entry is durable) or counts it for the window's summary. */
  async record(r: Refusal): Promise<void> {
    if (alwaysLogged(r)) {
      await this.append(r.entry());
      return;
    }
    let key = `${r.caller}\u0000${r.code}\u0000${r.refusedBy}`;
    let bucket = this.#buckets.get(key);
    if (!bucket && this.#buckets.size >= MAX_BUCKETS) {
      key = `\u0000overflow\u0000${r.code}`;
      bucket = this.#buckets.get(key);
    }
    if (!bucket) {
      bucket = { caller: r.caller, code: r.code, refusedBy: r.refusedBy, logged: 0, counted: 0, firstCounted: 0, subjects: new Set(), subjectsOmitted: 0 };
      this.#buckets.set(key, bucket);
    }
    if (bucket.logged < this.#threshold) {
      bucket.logged++;
      await this.append(r.entry());
      return;
    }
    if (bucket.counted === 0) bucket.firstCounted = Date.now();
    bucket.counted++;
    if (r.subject !== undefined && !bucket.subjects.has(r.subject)) {
      if (bucket.subjects.size < MAX_SUMMARY_SUBJECTS) bucket.subjects.add(r.subject);
      else bucket.subjectsOmitted++;
    }
  }

  /** Ends the window: one `refusal-summary` per bucket that counted refusals; every bucket starts afresh. */
  flush(): Promise<void> {
    const buckets = [...this.#buckets.values()];
    this.#buckets.clear();
    const now = Date.now();
    this.#flushing = this.#flushing.then(async () => {
      for (const b of buckets) {
        if (b.counted === 0) continue;
        try {
          await this.append(makeEntry('refusal-summary', {
            requester: b.caller.slice(0, 128) || 'unknown', refusedBy: b.refusedBy, reason: b.code, count: b.counted, from: b.firstCounted, time: now,
            ...(b.subjects.size > 0 ? { subjects: [...b.subjects].sort() } : {}),
            ...(b.subjectsOmitted > 0 ? { subjectsOmitted: b.subjectsOmitted } : {}),
          }));
        } catch (err) {
          this.log(`could not log a refusal summary (${b.counted} ${b.code} refusals of ${b.caller}): ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    });
    return this.#flushing;
  }

  /** Stops the window timer and logs what the current window counted. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
