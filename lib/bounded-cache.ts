/**
 * A least-recently-used cache bounded by both a count and a byte budget, for results keyed by
 * input text (parsed consents and queries, signature checks).
 *
 * Why: the parse caches used to keep every text they were shown, refused ones included, and to
 * be bounded by count only; 4096 entries of 30 MB each is no bound at all (issue 12). Callers
 * put only what parsed and verified (consent/record.ts, consent/signed-query.ts), each entry
 * is charged its key's length plus a caller-given size, and a key larger than an eighth of the
 * budget is never kept. get, set and eviction are O(1) (a Map keeps insertion order).
 */
export class BoundedCache<V> {
  readonly #entries = new Map<string, { value: V; bytes: number }>();
  #bytes = 0;

  constructor(readonly maxEntries: number, readonly maxBytes: number) {}

  get size(): number {
    return this.#entries.size;
  }

  /** Bytes charged to the entries held now. */
  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): V | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined) return undefined;
    // Most recently used last: re-insert.
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit.value;
  }

  /** Keeps `value` under `key`, charged `key.length + extraBytes`; evicts the least recently used to fit. */
  set(key: string, value: V, extraBytes = 0): void {
    const bytes = key.length + extraBytes;
    if (bytes > this.maxBytes / 8) return;
    this.delete(key);
    this.#entries.set(key, { value, bytes });
    this.#bytes += bytes;
    while (this.#entries.size > this.maxEntries || this.#bytes > this.maxBytes) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  delete(key: string): void {
    const had = this.#entries.get(key);
    if (had === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= had.bytes;
  }
}
