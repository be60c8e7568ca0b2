/**
 * The data node as a transparency log witness (c2sp.org/tlog-witness checks, c2sp.org/
 * tlog-cosignature signatures, RFC 9162 §2.1.4 consistency): on a timer it fetches the
 * coordinator's newest checkpoint and a consistency proof from the last checkpoint this node
 * cosigned, verifies it with log/witness.ts, persists the new state, and only then hands in
 * its cosignature.
 *
 * A refusal (rollback, split view, bad proof or signature, changed log key) is an alarm: kept
 * in the node's store, written to stderr as `ALARM: ...`, reported by Health as `ALARM` and by
 * `fedcredit node status`. A refused checkpoint is never cosigned and the state stays where it
 * was, so a forked log stays refused until an operator looks. The log the node's scoring
 * reads (log/follower.ts) is pinned to the same key and cross-checked against every
 * checkpoint before it is cosigned (crossCheckScoring); a split between them stops scoring,
 * and the stop is persisted so a restart does not score again from a log known to be forked.
 * State persists before the
 * cosignature leaves, so a restart cannot be talked into cosigning a rolled-back log.
 */
import { call } from '../lib/grpc.js';
import { transparencyLogClient } from '../proto/clients.js';
import type { Transport } from '../lib/tls.js';
import { witnessKeyName } from './entries.js';
import { formatCheckpoint, openCheckpoint, parseCheckpoint } from './checkpoint.js';
import type { Checkpoint, TrustedKey } from './checkpoint.js';
import { FedcreditError } from '../lib/errors.js';
import { Witness } from './witness.js';
import { bytesEqual, verifyConsistency } from './merkle.js';
import { seqKey, type NodeStore } from '../site/store.js';

export const DEFAULT_WITNESS_INTERVAL_MS = 1_000;

export interface WitnessAlarm {
  readonly code: string;
  readonly reason: string;
  readonly timeMs: number;
  readonly checkpoint: string;
}

interface WitnessState {
  readonly origin: string;
  /** Hex log key, pinned the first time this node saw the log (trust on first use). */
  readonly logKey: string;
  /** Checkpoint body of the last cosigned checkpoint, if any. */
  readonly checkpoint?: string;
}

export interface WitnessLoopOptions {
  readonly store: NodeStore;
  readonly site: string;
  readonly identity: { readonly publicKey: Uint8Array; sign(message: Uint8Array): Uint8Array };
  readonly coordinator: string;
  /** The node's own transport: it fetches checkpoints and cosigns as its certified site. */
  readonly transport: Transport;
  readonly intervalMs?: number;
  readonly log: (line: string) => void;
}

export class WitnessLoop {
  readonly #opts: WitnessLoopOptions;
  readonly #root;
  readonly #meta;
  readonly #forkedKey;
  readonly #alarms;
  #state: WitnessState | undefined;
  #alarmCount = 0;
  #lastAlarmKey = '';
  #lastSubmitted = '';
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /**
   * One client for the rounds while they succeed. A client per round cost a TLS context and a
   * full mutual-TLS handshake with the coordinator every second on both sides (profiled in the
   * scoring bench). A failed round drops it: a kept channel whose coordinator went away
   * reconnects on grpc-js's backoff (1 s, then 1.6x up to 2 min), so after a coordinator restart
   * the witness could miss rounds for seconds and cosign (or refuse) late: that was the race in
   * 54cb6c6 (tests/log/federation-tamper.test.ts lost a SPLIT_VIEW alarm under load). A fresh
   * client dials at once, as the client per round did.
   */
  #client: ReturnType<typeof transparencyLogClient> | undefined;
  /** The checkpoint the node's scoring last verified its entries against (log/follower.ts). */
  #scoringView: (() => Checkpoint | undefined) | undefined;
  /** Why the scoring view and this witness's view are two logs, once seen: scoring stops. */
  #forked: string | undefined;

  private constructor(opts: WitnessLoopOptions) {
    this.#opts = opts;
    this.#root = opts.store.db;
    this.#meta = opts.store.db.sublevel<string, WitnessState>('witness', { valueEncoding: 'json' });
    this.#alarms = opts.store.db.sublevel<string, WitnessAlarm>('alarm', { valueEncoding: 'json' });
    this.#forkedKey = forkedSublevel(opts.store);
  }

  /** Loads the persisted state and alarms; call `start` to begin polling. */
  static async open(opts: WitnessLoopOptions): Promise<WitnessLoop> {
    const loop = new WitnessLoop(opts);
    loop.#state = await loop.#meta.get('state');
    loop.#alarmCount = (await loop.#alarms.keys().all()).length;
    // A fork seen before a restart is still a fork: scoring stays stopped until an operator
    // clears it (`fedcredit node resume-scoring`), not until the process happens to restart.
    loop.#forked = await loop.#forkedKey.get(FORKED_KEY);
    return loop;
  }

  start(): void {
    if (this.#timer) return;
    const tick = () => {
      this.#running ??= this.tick().finally(() => { this.#running = undefined; });
    };
    tick();
    this.#timer = setInterval(tick, this.#opts.intervalMs ?? DEFAULT_WITNESS_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    this.#client?.close();
    this.#client = undefined;
  }

  /** When a round last completed against the coordinator's log (the node's readiness and witness lag). */
  lastGoodRoundMs: number | undefined;

  get hasAlarm(): boolean {
    return this.#alarmCount > 0;
  }

  /**
   * The log's origin and key as this node pinned them (log/follower.ts checks the entries
   * it scores with against them); before the first pin, one witness round is run to pin them.
   */
  async pinnedLog(): Promise<{ origin: string; key: TrustedKey }> {
    if (!this.#state) {
      this.#running ??= this.tick().finally(() => { this.#running = undefined; });
      await this.#running;
    }
    const state = this.#state;
    if (!state) throw new FedcreditError('LOG_NOT_VERIFIED', `node ${this.#opts.site} has not pinned the coordinator's log key yet (its witness could not reach the coordinator); retry shortly`);
    return { origin: state.origin, key: { name: state.origin, publicKey: Buffer.from(state.logKey, 'hex') } };
  }

  /**
   * Ties the log the node scores from to the log it witnesses: before each cosignature the
   * witness checks that the checkpoint its scoring last verified and the one it is about to
   * cosign are one log (same root, or a consistency proof between them). A coordinator that
   * shows scoring one log and the witness another is caught within a witness round: the
   * witness raises SPLIT_VIEW, cosigns nothing more and `forked` stops scoring.
   */
  crossCheckScoring(view: () => Checkpoint | undefined): void {
    this.#scoringView = view;
  }

  /** Why scoring must stop (its log and the witnessed log differ), or undefined. */
  forked(): string | undefined {
    return this.#forked;
  }

  /** The last checkpoint this node cosigned. */
  cosigned(): Checkpoint | undefined {
    if (!this.#state?.checkpoint) return undefined;
    const parsed = parseCheckpoint(this.#state.checkpoint);
    return parsed.ok ? parsed.checkpoint : undefined;
  }

  async alarms(): Promise<WitnessAlarm[]> {
    return this.#alarms.values().all();
  }

  /** One round: fetch, verify, persist, cosign. Network failures are logged and retried next round. */
  async tick(): Promise<void> {
    const client = this.#client ??= transparencyLogClient(this.#opts.coordinator, this.#opts.transport);
    try {
      const info = await call(client, client.GetLogInfo, {}, 5_000);
      const logKey = Buffer.from(info.logPublicKey).toString('hex');
      if (!this.#state) {
        this.#state = { origin: info.origin, logKey };
        await this.#persist(this.#state);
        this.#opts.log(`witness: pinned log ${info.origin} key ${logKey.slice(0, 16)}... (trust on first use)`);
      }
      const { latest } = await call(client, client.GetCheckpoint, { witnessSite: this.#opts.site }, 5_000);
      if (info.origin !== this.#state.origin || logKey !== this.#state.logKey) {
        await this.#alarm('LOG_KEY_CHANGED', `the coordinator now presents log ${info.origin} key ${logKey.slice(0, 16)}..., but this witness pinned ${this.#state.origin} key ${this.#state.logKey.slice(0, 16)}...`, latest);
        return;
      }
      if (latest === this.#lastSubmitted) {
        this.lastGoodRoundMs = Date.now();
        return;
      }
      const witness = new Witness({
        log: { origin: this.#state.origin, key: { name: this.#state.origin, publicKey: Buffer.from(this.#state.logKey, 'hex') } },
        identity: { name: witnessKeyName(this.#opts.site), publicKey: this.#opts.identity.publicKey, sign: (m) => this.#opts.identity.sign(m) },
        ...(this.cosigned() ? { state: this.cosigned()! } : {}),
      });
      const proof = await this.#proofFor(client, latest, witness.size);
      const result = witness.cosign(latest, proof);
      if (!result.ok) {
        await this.#alarm(result.code, result.reason, latest);
        return;
      }
      const split = await this.#scoringSplit(client, result.checkpoint);
      if (split) {
        this.#forked = split;
        await this.#root.batch([{ type: 'put', sublevel: this.#forkedKey, key: FORKED_KEY, value: split }], { sync: true });
        await this.#alarm('SPLIT_VIEW', split, latest);
        return;
      }
      const prev = this.cosigned();
      if (!prev || prev.size !== result.checkpoint.size || !bytesEqual(prev.rootHash, result.checkpoint.rootHash)) {
        this.#state = { ...this.#state, checkpoint: formatCheckpoint(result.checkpoint) };
        await this.#persist(this.#state);
      }
      await call(client, client.SubmitCosignature, { site: this.#opts.site, checkpoint: latest, cosignature: result.cosignature }, 5_000);
      this.#lastSubmitted = latest;
      this.lastGoodRoundMs = Date.now();
    } catch (err) {
      this.#opts.log(`witness: round failed, retrying: ${(err as Error).message}`);
      // The next round dials afresh (see #client).
      if (this.#client === client) this.#client = undefined;
      client.close();
    } finally {
      // A round run while the loop is not polling (pinnedLog before start, or after stop) keeps nothing open.
      if (this.#timer === undefined && this.#client === client) {
        this.#client = undefined;
        client.close();
      }
    }
  }

  async #proofFor(client: ReturnType<typeof transparencyLogClient>, note: string, fromSize: number): Promise<Uint8Array[]> {
    const opened = openCheckpoint(note, { origin: this.#state!.origin, key: { name: this.#state!.origin, publicKey: Buffer.from(this.#state!.logKey, 'hex') } });
    // An unopenable or smaller checkpoint needs no proof: the witness refuses it anyway.
    if (!opened.ok || fromSize === 0 || opened.checkpoint.size <= fromSize) return [];
    const res = await call(client, client.GetConsistencyProof, { oldSize: fromSize, newSize: opened.checkpoint.size }, 5_000);
    return res.hashes.map((h) => new Uint8Array(h));
  }

  /** Why the scoring view and `checkpoint` cannot be one log, or undefined when they are. */
  async #scoringSplit(client: ReturnType<typeof transparencyLogClient>, checkpoint: Checkpoint): Promise<string | undefined> {
    const scored = this.#scoringView?.();
    if (!scored || scored.size === 0) return undefined;
    const [older, newer] = scored.size <= checkpoint.size ? [scored, checkpoint] : [checkpoint, scored];
    const proof = older.size === newer.size ? [] : (await call(client, client.GetConsistencyProof, { oldSize: older.size, newSize: newer.size }, 5_000)).hashes.map((h) => new Uint8Array(h));
    const verdict = verifyConsistency(older.size, newer.size, older.rootHash, newer.rootHash, proof);
    return verdict.ok ? undefined
      : `the log this node scored from (checkpoint of size ${scored.size}) and the checkpoint of size ${checkpoint.size} it was asked to cosign are not one log: ${verdict.reason}`;
  }

  async #persist(state: WitnessState): Promise<void> {
    await this.#root.batch([{ type: 'put', sublevel: this.#meta, key: 'state', value: state }], { sync: true });
  }

  async #alarm(code: string, reason: string, checkpoint: string): Promise<void> {
    const key = `${code}\n${checkpoint}`;
    if (key === this.#lastAlarmKey) return; // the same refusal every round is one alarm
    this.#lastAlarmKey = key;
    const alarm: WitnessAlarm = { code, reason, timeMs: Date.now(), checkpoint };
    await this.#root.batch([{ type: 'put', sublevel: this.#alarms, key: seqKey(this.#alarmCount), value: alarm }], { sync: true });
    this.#alarmCount++;
    process.stderr.write(`ALARM: [node ${this.#opts.site}] witness refused to cosign the coordinator's checkpoint: ${code}: ${reason}\n`);
  }
}

const FORKED_KEY = 'forked';

function forkedSublevel(store: NodeStore) {
  return store.db.sublevel<string, string>('scoring-stop', { valueEncoding: 'utf8' });
}

/**
 * Lets a stopped node score again after a SPLIT_VIEW: the operator's word that the fork was
 * looked into. The alarms stay in the store as evidence. Returns the reason that was cleared.
 */
export async function clearScoringStop(store: NodeStore): Promise<string | undefined> {
  const sub = forkedSublevel(store);
  const reason = await sub.get(FORKED_KEY);
  if (reason !== undefined) await store.db.batch([{ type: 'del', sublevel: sub, key: FORKED_KEY }], { sync: true });
  return reason;
}

/** Alarms persisted in a node's store, for `fedcredit node status` when the node is stopped. */
export async function storedAlarms(store: NodeStore): Promise<WitnessAlarm[]> {
  return store.db.sublevel<string, WitnessAlarm>('alarm', { valueEncoding: 'json' }).values().all();
}
