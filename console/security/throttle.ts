/**
 * Sign-in throttling (3.1): per account name and per client address, after 5 failures in 15
 * minutes one attempt a minute, refused with 429 and Retry-After. Memory is bounded: at most
 * 10,000 keys, the oldest forgotten first.
 */
export const FAILURES_ALLOWED = 5;
export const WINDOW_MS = 15 * 60_000;
export const SLOW_INTERVAL_MS = 60_000;
const MAX_KEYS = 10_000;

interface Record_ {
  failures: number[];
  lastAttempt: number;
}

export class SignInThrottle {
  private readonly keys = new Map<string, Record_>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds to wait before another attempt for any of `keys`, or 0. Records the attempt when allowed. */
  admit(keys: readonly string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const r = this.keys.get(key);
      if (!r) continue;
      r.failures = r.failures.filter((t) => now - t < WINDOW_MS);
      if (r.failures.length >= FAILURES_ALLOWED) wait = Math.max(wait, r.lastAttempt + SLOW_INTERVAL_MS - now);
    }
    if (wait > 0) return Math.ceil(wait / 1000);
    for (const key of keys) {
      const r = this.keys.get(key);
      if (r) r.lastAttempt = now;
    }
    return 0;
  }

  failed(keys: readonly string[]): void {
    const now = this.now();
    for (const key of keys) {
      const r = this.keys.get(key) ?? { failures: [], lastAttempt: now };
      r.failures.push(now);
      r.lastAttempt = now;
      this.keys.delete(key);
      this.keys.set(key, r);
    }
    while (this.keys.size > MAX_KEYS) {
      const oldest = this.keys.keys().next().value;
      if (oldest === undefined) break;
      this.keys.delete(oldest);
    }
  }

  succeeded(keys: readonly string[]): void {
    for (const key of keys) this.keys.delete(key);
  }
}
