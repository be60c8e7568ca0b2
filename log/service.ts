/**
 * The coordinator's transparency log as a service: it opens the RFC 9162 log under
 * `<data>/log`, signs C2SP tlog-checkpoint notes with the coordinator identity on a fixed
 * cadence, collects witness cosignatures (c2sp.org/tlog-cosignature) from the registered data
 * nodes, and keeps the newest checkpoint a quorum cosigned as final. `append` is the one door
 * every protocol uses to log an entry (log/entries.ts): it resolves only once the entry is
 * durable, so a caller can acknowledge a request only after it was logged.
 *
 * Checkpoints are minted on a timer rather than per request so that witnesses polling at
 * different moments cosign the same note and a quorum can form while appends keep arriving.
 */
import path from 'node:path';
import { TransparencyLog } from './store.js';
import { FedcreditError } from '../lib/errors.js';
import { unary } from '../lib/grpc.js';
import { encodeEntry, witnessKeyName, type LogEntry } from './entries.js';
import { openCheckpoint, verifyCosignatures } from './checkpoint.js';
import type { TrustedKey } from './checkpoint.js';
import { addSignatureLines } from '../crypto/signed-note.js';
import type { Ed25519Identity } from '../crypto/signed-note.js';
import type { TransparencyLogHandlers } from '../proto/gen/fedcredit/v1/TransparencyLog.js';

export const DEFAULT_LOG_ORIGIN = 'fedcredit.local/log';
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 500;
/** Entries per GetEntries page, and a byte budget well under the gRPC message limit. */
const PAGE_ENTRIES = 4096;
const PAGE_BYTES = 16 * 1024 * 1024;
/** Recent checkpoints still accepting cosignatures; older ones are superseded. */
const KEEP_MINTED = 16;

export interface WitnessNode {
  readonly site: string;
  readonly address: string;
  readonly publicKey: Uint8Array;
}

export interface CoordinatorLogOptions {
  readonly dataDir: string;
  /** The coordinator identity; checkpoints are signed under the key name `origin`. */
  readonly identity: { readonly publicKey: Uint8Array; sign(message: Uint8Array): Uint8Array };
  readonly origin?: string;
  /** Cosignatures that make a checkpoint final; default: every registered node. */
  readonly witnessQuorum?: number;
  readonly checkpointIntervalMs?: number;
  /** The registered nodes, which are the log's witnesses. */
  readonly witnesses: () => Promise<readonly WitnessNode[]>;
  readonly log: (line: string) => void;
}

export class CoordinatorLog {
  readonly store: TransparencyLog;
  readonly origin: string;
  readonly publicKey: Uint8Array;
  readonly #opts: CoordinatorLogOptions;
  /** Notes this log minted, by size, with the cosignature lines collected per witness name. */
  readonly #minted = new Map<number, { note: string; text: string; cosignatures: Map<string, string> }>();
  #timer: NodeJS.Timeout | undefined;
  /** Each witness's newest cosignature accepted since this process started: checkpoint size and the cosignature's time (ms); coordinator/status.ts. */
  readonly witnessCosigned = new Map<string, { size: number; timeMs: number }>();

  private constructor(store: TransparencyLog, opts: CoordinatorLogOptions, origin: string) {
    this.store = store;
    this.origin = origin;
    this.publicKey = opts.identity.publicKey;
    this.#opts = opts;
  }

  static async open(opts: CoordinatorLogOptions): Promise<CoordinatorLog> {
    const origin = opts.origin ?? DEFAULT_LOG_ORIGIN;
    if (opts.witnessQuorum !== undefined && (!Number.isSafeInteger(opts.witnessQuorum) || opts.witnessQuorum < 1)) {
      throw new FedcreditError('BAD_REQUEST', `--witness-quorum must be a positive whole number, got ${opts.witnessQuorum}`);
    }
    const signer: Ed25519Identity = { name: origin, publicKey: opts.identity.publicKey, sign: (m) => opts.identity.sign(m) };
    const store = await TransparencyLog.open({ path: path.join(opts.dataDir, 'log'), origin, signer });
    const log = new CoordinatorLog(store, opts, origin);
    await log.mintCheckpoint();
    log.#timer = setInterval(() => {
      void log.mintCheckpoint().catch((err: unknown) => opts.log(`checkpoint signing failed: ${(err as Error).message}`));
    }, opts.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS);
    log.#timer.unref();
    return log;
  }

  get logKey(): TrustedKey {
    return { name: this.origin, publicKey: this.publicKey };
  }

  /** Logs an entry; resolves with its index once it is durable (never before). */
  async append(entry: LogEntry): Promise<{ index: number; bytes: Uint8Array }> {
    // The bytes logged, for a caller that sends them on (a query entry goes to every node): encoded once.
    const bytes = encodeEntry(entry);
    return { ...(await this.store.append(bytes)), bytes };
  }

  /**
   * Logs entries as one contiguous run in one synced write (a monitoring batch: one fsync for
   * thousands of re-scores); resolves with the index of the first and the bytes of each.
   */
  async appendBatch(entries: readonly LogEntry[]): Promise<{ first: number; bytes: Uint8Array[] }> {
    const bytes = entries.map(encodeEntry);
    return { ...(await this.store.appendBatch(bytes)), bytes };
  }

  /** Signs a checkpoint for the current size if it moved (the store reuses an unchanged one). */
  async mintCheckpoint(): Promise<string> {
    const note = await this.store.checkpoint();
    const opened = openCheckpoint(note, { origin: this.origin, key: this.logKey });
    if (!opened.ok) throw new Error(`the log's own checkpoint does not verify: ${opened.reason}`);
    const size = opened.checkpoint.size;
    if (!this.#minted.has(size)) {
      this.#minted.set(size, { note, text: opened.note.text, cosignatures: new Map() });
      for (const old of [...this.#minted.keys()].sort((a, b) => a - b).slice(0, Math.max(0, this.#minted.size - KEEP_MINTED))) this.#minted.delete(old);
    }
    return note;
  }

  /** The registered nodes: the witnesses whose cosignatures count. */
  witnessNodes(): Promise<readonly WitnessNode[]> {
    return this.#opts.witnesses();
  }

  async quorum(): Promise<number> {
    return this.#opts.witnessQuorum ?? Math.max(1, (await this.#opts.witnesses()).length);
  }

  /**
   * Accepts a witness's cosignature for a checkpoint this log minted; when the quorum is met
   * (or already was) the note with every cosignature collected is stored as final.
   */
  async submitCosignature(site: string, checkpoint: string, line: string): Promise<{ final: boolean; cosignatures: number; quorum: number }> {
    const witness = (await this.#opts.witnesses()).find((w) => w.site === site);
    if (!witness) throw new FedcreditError('NOT_FOUND', `site '${site.slice(0, 40)}' is not a registered node, so it is not a witness of this log`);
    const { size, minted } = this.#mintedNote(checkpoint);
    const name = witnessKeyName(site);
    let withLine: string;
    try {
      withLine = addSignatureLines(minted.note, [line]);
    } catch (err) {
      throw new FedcreditError('BAD_REQUEST', `cosignature is not a signature line: ${(err as Error).message}`);
    }
    const report = verifyCosignatures(withLine, [{ name, publicKey: witness.publicKey }]);
    if (report.valid.length !== 1) {
      throw new FedcreditError('BAD_SIGNATURE', `cosignature from ${site} does not verify under its registered key as ${name}`);
    }
    minted.cosignatures.set(name, line.endsWith('\n') ? line.slice(0, -1) : line);
    if (size >= (this.witnessCosigned.get(site)?.size ?? -1)) this.witnessCosigned.set(site, { size, timeMs: Number(report.valid[0]!.timestamp) * 1000 });
    const quorum = await this.quorum();
    const count = minted.cosignatures.size;
    const final = count >= quorum;
    if (final) await this.#saveFinal(size, minted);
    return { final, cosignatures: count, quorum };
  }

  /**
   * The recently minted note a witness cosigned. Witnesses send back the note exactly as they
   * fetched it, so it is found by its text without re-verifying this log's own signature;
   * anything else is opened and compared the long way.
   */
  #mintedNote(checkpoint: string): { size: number; minted: { note: string; text: string; cosignatures: Map<string, string> } } {
    for (const [size, minted] of this.#minted) if (minted.note === checkpoint) return { size, minted };
    const opened = openCheckpoint(checkpoint, { origin: this.origin, key: this.logKey });
    if (!opened.ok) throw new FedcreditError('UNKNOWN_CHECKPOINT', `not a checkpoint of this log: ${opened.reason}`);
    const minted = this.#minted.get(opened.checkpoint.size);
    if (!minted || minted.text !== opened.note.text) {
      throw new FedcreditError('UNKNOWN_CHECKPOINT', `checkpoint of size ${opened.checkpoint.size} is not one this log issued recently; fetch the latest`);
    }
    return { size: opened.checkpoint.size, minted };
  }

  async #saveFinal(size: number, minted: { note: string; cosignatures: Map<string, string> }): Promise<void> {
    const current = await this.store.latestCosignedCheckpoint();
    if (current !== undefined) {
      const prev = openCheckpoint(current, { origin: this.origin, key: this.logKey });
      if (prev.ok && prev.checkpoint.size > size) return; // a later checkpoint is already final
    }
    // Sorted lines: the same set of cosignatures always gives the same note bytes.
    const lines = [...minted.cosignatures.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, l]) => l);
    await this.store.saveCosignedCheckpoint(addSignatureLines(minted.note, lines));
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.store.close();
  }
}

/** A range or proof request the store refuses is the caller's mistake; a missing record is corruption. */
function storeError(err: unknown): FedcreditError {
  if (err instanceof FedcreditError) return err;
  if (err instanceof RangeError) return new FedcreditError('BAD_REQUEST', err.message);
  return new FedcreditError('LOG_CORRUPT', `the coordinator's log store is damaged: ${(err as Error).message}`);
}

async function guarded<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw storeError(err);
  }
}

function uint(value: string | number, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new FedcreditError('BAD_REQUEST', `${name} must be a non-negative integer`);
  return n;
}

/** The TransparencyLog gRPC handlers over one CoordinatorLog. */
export function transparencyLogHandlers(clog: CoordinatorLog, log: (line: string) => void): TransparencyLogHandlers {
  const { store } = clog;
  return {
    GetLogInfo: unary(async () => ({
      origin: clog.origin,
      logPublicKey: Buffer.from(clog.publicKey),
      witnesses: (await clog.witnessNodes()).map((w) => ({ site: w.site, name: witnessKeyName(w.site), publicKey: Buffer.from(w.publicKey), address: w.address })),
      quorum: await clog.quorum(),
      size: store.size,
    }), log),
    GetCheckpoint: unary(async () => guarded(async () => ({
      latest: (await store.latestCheckpoint()) ?? (await clog.mintCheckpoint()),
      final: (await store.latestCosignedCheckpoint()) ?? '',
    })), log),
    GetConsistencyProof: unary(async (req) => guarded(async () => ({
      hashes: (await store.consistencyProof(uint(req.oldSize, 'old_size'), uint(req.newSize, 'new_size'))).map((h) => Buffer.from(h)),
    })), log),
    GetInclusionProof: unary(async (req) => guarded(async () => ({
      hashes: (await store.inclusionProof(uint(req.index, 'index'), uint(req.treeSize, 'tree_size'))).map((h) => Buffer.from(h)),
    })), log),
    GetEntries: unary(async (req) => guarded(async () => {
      const from = uint(req.from, 'from');
      const to = Math.min(uint(req.to, 'to'), from + PAGE_ENTRIES);
      const entries = await store.entries(from, to);
      let bytes = 0;
      let n = 0;
      while (n < entries.length && (n === 0 || bytes + entries[n]!.length <= PAGE_BYTES)) bytes += entries[n++]!.length;
      return { from, entries: entries.slice(0, n).map((e) => Buffer.from(e)) };
    }), log),
    SubmitCosignature: unary(async (req) => guarded(() => clog.submitCosignature(req.site, req.checkpoint, req.cosignature)), log),
  };
}
