/**
 * The web console's index of the log by enterprise (docs/design/console.md 4.5): so that an
 * enterprise signed in to the portal sees who queried it, when, why and under which consent,
 * without the console reading the whole log on every page.
 *
 * The index follows the coordinator's log with GetEntries pages of 1,000 from its last
 * position and takes entries only as log/follower.ts does: appended (leaf hashes, RFC 9162
 * §2.1.1) to the compact range of the tree verified so far, they must give the root of the
 * newest checkpoint that is signed by the trusted log key AND cosigned by the quorum of
 * trusted witnesses; otherwise nothing of the batch is written (LOG_NOT_VERIFIED). So the
 * index holds exactly the entries [0, cosigned size), never one the witnesses have not seen,
 * and a log that rewrites what was indexed (a fork) is refused, not followed.
 *
 * Keys in the console's LevelDB (values UTF-8 JSON):
 *   s/<subject>/<index:016x>  {kind, body} of each entry whose `subject` (or a refusal
 *                             summary's `subjects`) names the enterprise (log/entries.ts subjectsOf)
 *   b/<subject>/<index:016x>  the same for its enterprise-key-registration entries, read by
 *                             the sign-in check (bindingsOf); public keys only
 *   m/position                {size, frontier (base64), checkpoint note}
 * <subject> is encodeURIComponent of the subject: a subject of an `--id-type any` federation may
 * hold '/' (schema/subject.ts), and "A" must never be a key prefix of "A/x"'s entries; encoded,
 * no subject holds '/', and the encoding is one-to-one. Read `s/` only through console/pages/enterprise/scope.ts,
 * which takes the subject from the session.
 */
import type { Level } from 'level';
import { CompactRange, bytesEqual, hashLeaf } from './merkle.js';
import { openCheckpoint, verifyCosignatures, type Checkpoint, type TrustedKey } from './checkpoint.js';
import { decodeEntry, subjectsOf, type LogEntry } from './entries.js';
import { FedcreditError } from '../lib/errors.js';

/** Entries asked for per GetEntries call. */
export const INDEX_PAGE = 1000;

export interface IndexedEntry {
  readonly index: number;
  readonly kind: string;
  readonly body: LogEntry['body'];
}

/** What the index reads from the coordinator (log/client.ts LogReader fits). */
export interface IndexSource {
  checkpoints(): Promise<{ latest: string; final: string }>;
  /** Entries [from, to): may return fewer (one page). */
  entryPage(from: number, to: number): Promise<Uint8Array[]>;
}

/** What the index trusts: the log key and the witnesses (an auditor's --state, or the served keys). */
export interface IndexTrust {
  readonly origin: string;
  readonly logKey: TrustedKey;
  readonly witnesses: readonly TrustedKey[];
  /** Cosignatures required (default: every witness given). */
  readonly quorum?: number;
}

interface Position {
  readonly size: number;
  readonly frontier: readonly string[];
  readonly checkpoint: string;
}

const POSITION_KEY = 'm/position';
const hex16 = (i: number): string => i.toString(16).padStart(16, '0');

function subjectKey(prefix: 's' | 'b', subject: string): string {
  return `${prefix}/${encodeURIComponent(subject)}/`;
}

export class SubjectIndex {
  readonly #db: Level<string, string>;
  readonly #source: IndexSource;
  readonly #trust: IndexTrust | (() => Promise<IndexTrust>);
  #range: CompactRange | undefined;
  #checkpoint: string | undefined;
  /** One catch-up at a time; callers arriving meanwhile share it. */
  #running: Promise<number> | undefined;

  /** `trust` may be a function: asked at each catch-up (e.g. the keys the coordinator serves), so reading the index needs no coordinator. */
  constructor(db: Level<string, string>, source: IndexSource, trust: IndexTrust | (() => Promise<IndexTrust>)) {
    this.#db = db;
    this.#source = source;
    this.#trust = trust;
  }

  /** The cosigned size indexed so far (after load or catchUp). */
  get size(): number {
    return this.#range?.size ?? 0;
  }

  /** Loads the saved position (size) without asking the coordinator. */
  async load(): Promise<number> {
    return (await this.#load()).size;
  }

  /** The cosigned checkpoint note the index was last verified against ('' before the first). */
  get checkpoint(): string {
    return this.#checkpoint ?? '';
  }

  async #load(): Promise<CompactRange> {
    if (this.#range) return this.#range;
    const saved = await this.#db.get(POSITION_KEY);
    if (saved === undefined) {
      this.#range = CompactRange.empty();
    } else {
      const p = JSON.parse(saved) as Position;
      this.#range = CompactRange.fromFrontier(p.size, p.frontier.map((h) => new Uint8Array(Buffer.from(h, 'base64'))));
      this.#checkpoint = p.checkpoint;
    }
    return this.#range;
  }

  /** Reads and indexes the log up to its newest cosigned checkpoint; returns the indexed size. */
  catchUp(): Promise<number> {
    this.#running ??= this.#catchUp().finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async #catchUp(): Promise<number> {
    const range = await this.#load();
    const { final } = await this.#source.checkpoints();
    if (!final) return range.size;
    const trust = typeof this.#trust === 'function' ? await this.#trust() : this.#trust;
    const cp = verifiedCheckpoint(final, trust);
    if (cp.size < range.size) throw notVerified(`the log's newest cosigned checkpoint has size ${cp.size}, smaller than the ${range.size} entries already indexed: the log shrank`);
    if (cp.size === range.size) {
      if (!bytesEqual(range.root(), cp.rootHash)) throw notVerified(`the log's cosigned checkpoint of size ${cp.size} has another root than the entries already indexed: the log was rewritten`);
      return range.size;
    }
    // Verify the whole batch before writing any of it (a 100,000-entry run's leaf hashes are 3 MB).
    const tree = range.clone();
    const ops: { type: 'put'; key: string; value: string }[] = [];
    while (tree.size < cp.size) {
      const from = tree.size;
      const page = await this.#source.entryPage(from, Math.min(cp.size, from + INDEX_PAGE));
      if (page.length === 0) throw notVerified(`the coordinator sent no entry ${from}, though its cosigned checkpoint has ${cp.size}`);
      for (const bytes of page.slice(0, cp.size - tree.size)) {
        const index = tree.size;
        tree.append(hashLeaf(bytes));
        const d = decodeEntry(bytes);
        if (!d.ok) continue;
        const value = JSON.stringify({ kind: d.entry.kind, body: d.entry.body });
        for (const subject of subjectsOf(d.entry)) {
          ops.push({ type: 'put', key: `${subjectKey('s', subject)}${hex16(index)}`, value });
          if (d.entry.kind === 'enterprise-key-registration') ops.push({ type: 'put', key: `${subjectKey('b', subject)}${hex16(index)}`, value });
        }
      }
    }
    if (!bytesEqual(tree.root(), cp.rootHash)) {
      throw notVerified(`the entries [${range.size}, ${cp.size}) do not hash to the root of the cosigned checkpoint of size ${cp.size}: entries were left out, added or reordered`);
    }
    const position: Position = { size: tree.size, frontier: tree.frontierHashes().map((h) => Buffer.from(h).toString('base64')), checkpoint: final };
    ops.push({ type: 'put', key: POSITION_KEY, value: JSON.stringify(position) });
    await this.#db.batch(ops);
    this.#range = tree;
    this.#checkpoint = final;
    return tree.size;
  }

  /**
   * The entries about `subject`, newest first, `limit` at most, with index below `before`.
   * Only console/pages/enterprise/scope.ts calls this (the subject from the session).
   */
  async entriesOf(subject: string, opts: { limit: number; before?: number }): Promise<IndexedEntry[]> {
    return this.#read('s', subject, opts);
  }

  /** The subject's enterprise-key-registration entries, newest first (public keys only). */
  async bindingsOf(subject: string): Promise<IndexedEntry[]> {
    return this.#read('b', subject, { limit: 1000 });
  }

  async #read(prefix: 's' | 'b', subject: string, opts: { limit: number; before?: number }): Promise<IndexedEntry[]> {
    if (subject.length === 0) return [];
    const base = subjectKey(prefix, subject);
    const out: IndexedEntry[] = [];
    const lt = opts.before === undefined ? `${base}\uffff` : `${base}${hex16(Math.max(0, opts.before))}`;
    for await (const [key, value] of this.#db.iterator({ gte: base, lt, reverse: true, limit: opts.limit })) {
      const v = JSON.parse(value) as { kind: string; body: LogEntry['body'] };
      out.push({ index: parseInt(key.slice(base.length), 16), kind: v.kind, body: v.body });
    }
    return out;
  }
}

function verifiedCheckpoint(note: string, trust: IndexTrust): Checkpoint {
  const opened = openCheckpoint(note, { origin: trust.origin, key: trust.logKey });
  if (!opened.ok) throw notVerified(`the log's cosigned checkpoint does not verify under the trusted log key: ${opened.reason}`);
  const quorum = trust.quorum ?? trust.witnesses.length;
  const valid = verifyCosignatures(note, trust.witnesses).valid.length;
  if (valid < quorum) throw notVerified(`the log's final checkpoint has ${valid} valid witness cosignatures, fewer than the ${quorum} required`);
  return opened.checkpoint;
}

function notVerified(message: string): FedcreditError {
  return new FedcreditError('LOG_NOT_VERIFIED', `${message}; the console shows no entry from this log until it verifies (ask the coordinator's operator, run \`fedcredit audit verify\`)`);
}
