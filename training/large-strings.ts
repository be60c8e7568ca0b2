/**
 * A job record's large strings, kept once instead of with every write of the record (the
 * coordinator's job record, training/driver.ts; a site's, training/node.ts).
 *
 * A kind's state carries base64 text of hundreds of KB to a few MB that changes once a job, a
 * tree or a level (LR's and the trees' key pair at the coordinator, 1.3 MB; a bank's margins and
 * row positions, a passive's sampled rows and level layout), yet the record holding it is written
 * before every answer. At 100,000 rows that JSON and LevelDB's copy of it were a third of a
 * site's heap allocation during a tree and half of the coordinator's, and what kept starting
 * their major garbage collections (issue 16's bench; a sampling heap profile of every process).
 *
 * Now every string of at least LARGE_STRING_CHARS characters in the record is stored once, under
 * the SHA-256 of its text, and the record names it as `{ "fc:string": hash }`. A string the last
 * write named is not hashed or written again (the kinds keep the same string object until its
 * value changes; an equal string is found by content). The caller writes the new strings before
 * or with the record, and deletes the ones no record names any more after it.
 */
import { createHash } from 'node:crypto';
import { FedcreditError } from '../lib/errors.js';

/** Strings at least this long are kept apart from the record. */
export const LARGE_STRING_CHARS = 64 * 1024;

const MARK = 'fc:string';

/** What one write of a record needs: the record as stored, the strings to add and to delete. */
export interface DetachedRecord<T> {
  /** The record with each large string replaced by its reference. */
  readonly record: T;
  /** Strings the record names that no earlier write stored: hash -> text. */
  readonly added: ReadonlyMap<string, string>;
  /** Hashes the last write named and this one does not: delete them once the record is written. */
  readonly dropped: readonly string[];
  /** Call once the record is written: later writes then skip these strings. */
  commit(): void;
}

function isReference(v: unknown): v is { [MARK]: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as Record<string, unknown>)[MARK] === 'string';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** One job's large strings: which ones its last written record names. */
export class LargeStrings {
  /** Text -> hash, of the strings the last written record names. */
  #named = new Map<string, string>();

  /** Replace the large strings of `state` (not changed) by references, for one write. */
  detach<T>(state: T): DetachedRecord<T> {
    const next = new Map<string, string>();
    const added = new Map<string, string>();
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') {
        if (v.length < LARGE_STRING_CHARS) return v;
        let hash = next.get(v) ?? this.#named.get(v);
        if (hash === undefined) {
          hash = createHash('sha256').update(v).digest('hex');
          added.set(hash, v);
        }
        next.set(v, hash);
        return { [MARK]: hash };
      }
      if (Array.isArray(v)) {
        let copy: unknown[] | undefined;
        for (let i = 0; i < v.length; i++) {
          const w = walk(v[i]);
          if (w !== v[i]) (copy ??= v.slice())[i] = w;
        }
        return copy ?? v;
      }
      if (isPlainObject(v)) {
        let copy: Record<string, unknown> | undefined;
        for (const [k, x] of Object.entries(v)) {
          const w = walk(x);
          if (w !== x) (copy ??= { ...v })[k] = w;
        }
        return copy ?? v;
      }
      return v;
    };
    const record = walk(state) as T;
    const kept = new Set(next.values());
    const dropped = [...new Set(this.#named.values())].filter((h) => !kept.has(h));
    return { record, added, dropped, commit: () => { this.#named = next; } };
  }

  /**
   * A stored record with its strings read back (`get` returns undefined for a string that is
   * gone: refused, the job cannot go on). This object then knows them as written.
   */
  async attach<T>(record: T, get: (hash: string) => Promise<string | undefined>, what: string): Promise<T> {
    const hashes = new Set<string>();
    const find = (v: unknown): void => {
      if (isReference(v)) hashes.add(v[MARK]);
      else if (Array.isArray(v)) for (const x of v) find(x);
      else if (isPlainObject(v)) for (const x of Object.values(v)) find(x);
    };
    find(record);
    const texts = new Map<string, string>();
    for (const hash of hashes) {
      const text = await get(hash);
      if (text === undefined) throw new FedcreditError('INTERNAL', `${what}: its record names a stored string (${hash.slice(0, 12)}...) that is gone; abort the job and train again`);
      texts.set(hash, text);
    }
    const put = (v: unknown): unknown => {
      if (isReference(v)) return texts.get(v[MARK]);
      if (Array.isArray(v)) return v.map(put);
      if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, put(x)]));
      return v;
    };
    const state = hashes.size === 0 ? record : (put(record) as T);
    this.#named = new Map([...texts].map(([hash, text]) => [text, hash]));
    return state;
  }
}
