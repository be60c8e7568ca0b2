/**
 * The coordinator's batches of share requests to the data nodes (NodeScoring.ComputeShares).
 *
 * Batches go on one kept-open ComputeShares stream per node (lib/grpc-streams.ts). Queries
 * that arrive while a node's batch is in flight wait, and go together in its next batch: a
 * busy coordinator makes one round trip per node per batch instead of one per query, and an
 * idle one sends each query at once (no timer, so no added latency). Each node has its own
 * queue; a query is asked of every site of its model, each in that site's queue.
 *
 * Each batch also carries the log entries the node has not read yet, as far as the coordinator
 * knows from the node's last answer (`log_size`), so the node reads the log in the same round
 * trip, up to MAX_CARRIED_BYTES of them. After a failed batch the coordinator no longer knows, and sends none until the node
 * says again; the node reads any gap itself (log/follower.ts).
 *
 * With the entries goes the log's signed checkpoint for the tree they end: the node appends
 * them to the tree it has verified and applies them only if they hash to that root (node/
 * scoring-log.ts), so it never takes the entries on the coordinator's word. One checkpoint
 * is signed per log size (the sites of one query share it), at the cost of one signature.
 *
 * Batching changes transport only: each query in a batch is verified, answered or refused on
 * its own by the node, and a refusal reaches the caller of `request` as that query's error.
 */
import { FedcreditError } from '../lib/errors.js';
import { refusalError, RequestStreamClient } from '../lib/grpc-streams.js';
import type { TransparencyLog } from '../log/store.js';
import type { NodeScoringClient } from '../proto/gen/fedcredit/v1/NodeScoring.js';
import type { ShareBatch } from '../proto/gen/fedcredit/v1/ShareBatch.js';
import type { ShareBatchResponse__Output } from '../proto/gen/fedcredit/v1/ShareBatchResponse.js';
import type { ShareRequest } from '../proto/gen/fedcredit/v1/ShareRequest.js';
import type { ShareResponse__Output } from '../proto/gen/fedcredit/v1/ShareResponse.js';

export interface ShareBatchOptions {
  readonly log: TransparencyLog;
  /** The client for a site at its registered address (kept open: lib/node-channels.ts). */
  readonly client: (site: string, address: string) => NodeScoringClient;
  /** Batches in flight to one node at once: later queries queue for the next. */
  readonly maxInFlight?: number;
  /** Queries per batch at most. */
  readonly maxBatch?: number;
  readonly deadlineMs?: number;
}

/**
 * Batches in flight to one node at once: one. With two, batches were smaller (3.6 against 5.6
 * queries at 16 in flight) and the CPU per query higher, with no better latency.
 */
const DEFAULT_MAX_IN_FLIGHT = 1;
const DEFAULT_MAX_BATCH = 128;
/** Log entries sent with one batch at most; a node further behind reads the rest itself. */
const MAX_CARRIED_ENTRIES = 4096;
/**
 * Bytes of carried entries per batch at most: 4096 entries of up to 64 KiB would be 256 MiB,
 * past ComputeShares' 32 MiB limit (lib/message-limits.ts), which 128 share requests (~4.3 MiB)
 * plus 16 MiB of entries stay well under. The node reads what is left with GetEntries.
 */
export const MAX_CARRIED_BYTES = 16 * 1024 * 1024;
/** Entries read from the log store at a time while filling a batch's byte budget. */
const CARRY_READ_CHUNK = 256;

/**
 * The entries [from, from + n) to carry, for the largest n with n <= upTo - from whose bytes
 * stay within `maxBytes` (read chunk by chunk, so an over-budget range is never all in memory).
 */
export async function carriedEntries(
  read: (from: number, to: number) => Promise<Uint8Array[]>, from: number, upTo: number, maxBytes = MAX_CARRIED_BYTES,
): Promise<Uint8Array[]> {
  const carried: Uint8Array[] = [];
  let bytes = 0;
  for (let at = from; at < upTo; at += CARRY_READ_CHUNK) {
    for (const e of await read(at, Math.min(upTo, at + CARRY_READ_CHUNK))) {
      if (bytes + e.byteLength > maxBytes) return carried;
      bytes += e.byteLength;
      carried.push(e);
    }
  }
  return carried;
}

interface Waiting {
  readonly request: ShareRequest;
  readonly logIndex: number;
  readonly resolve: (res: ShareResponse__Output) => void;
  readonly reject: (err: unknown) => void;
}

interface NodeQueue {
  address: string;
  /** The kept-open ComputeShares stream to the node at `address`. */
  stream: RequestStreamClient<ShareBatch, ShareBatchResponse__Output>;
  readonly waiting: Waiting[];
  inFlight: number;
  /** Where the node's unread log entries start, when known. */
  nextEntry: number | undefined;
}

export class ShareBatches {
  readonly #opts: ShareBatchOptions;
  readonly #queues = new Map<string, NodeQueue>();
  /** The checkpoint last signed for batches, by size: the sites of one query ask for the same one. */
  #checkpoint: { size: number; note: Promise<string> } | undefined;

  constructor(opts: ShareBatchOptions) {
    this.#opts = opts;
  }

  /**
   * The site's share for one logged query (its entry at `request.logIndex`); rejects with the
   * node's refusal (its code) or the failure of the batch.
   */
  request(site: string, address: string, request: ShareRequest): Promise<ShareResponse__Output> {
    let queue = this.#queues.get(site);
    if (!queue) {
      queue = { address, stream: this.#stream(site, address), waiting: [], inFlight: 0, nextEntry: undefined };
      this.#queues.set(site, queue);
    }
    if (queue.address !== address) {
      queue.stream.close();
      queue.address = address;
      queue.stream = this.#stream(site, address);
      queue.nextEntry = undefined;
    }
    const q = queue;
    return new Promise((resolve, reject) => {
      q.waiting.push({ request, logIndex: Number(request.logIndex), resolve, reject });
      this.#send(site, q);
    });
  }

  #stream(site: string, address: string): RequestStreamClient<ShareBatch, ShareBatchResponse__Output> {
    return new RequestStreamClient(() => {
      const client = this.#opts.client(site, address);
      return client.ComputeShares();
    }, `site ${site} (${address})`, (r) => Number(r.seq));
  }

  close(): void {
    for (const queue of this.#queues.values()) queue.stream.close();
  }

  #send(site: string, queue: NodeQueue): void {
    const maxInFlight = this.#opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    while (queue.waiting.length > 0 && queue.inFlight < maxInFlight) {
      const batch = queue.waiting.splice(0, this.#opts.maxBatch ?? DEFAULT_MAX_BATCH);
      queue.inFlight++;
      void this.#sendBatch(site, queue, batch).finally(() => {
        queue.inFlight--;
        this.#send(site, queue);
      });
    }
  }

  #checkpointAt(size: number): Promise<string> {
    if (this.#checkpoint?.size !== size) {
      const note = this.#opts.log.checkpointAt(size);
      this.#checkpoint = { size, note };
      note.catch(() => { if (this.#checkpoint?.note === note) this.#checkpoint = undefined; });
    }
    return this.#checkpoint.note;
  }

  async #sendBatch(site: string, queue: NodeQueue, batch: Waiting[]): Promise<void> {
    // The entries up to the newest query of the batch, and on to the end of the committed log
    // (the node reads those next anyway): batches sent to the sites at about the same time then
    // end at one size and share one signed checkpoint, whose root is in memory (log/store.ts).
    const newest = Math.max(...batch.map((w) => w.logIndex)) + 1;
    const known = queue.nextEntry;
    const upTo = known === undefined ? newest : Math.max(newest, Math.min(this.#opts.log.size, known + MAX_CARRIED_ENTRIES));
    const from = known !== undefined && known <= upTo && upTo - known <= MAX_CARRIED_ENTRIES ? known : upTo;
    queue.nextEntry = Math.max(known ?? 0, upTo);
    try {
      // Cut to the byte budget: the checkpoint is then for the carried prefix, and the node
      // fetches the rest up to its queries itself (log/follower.ts syncTo).
      const entries = from < upTo ? await carriedEntries((a, b) => this.#opts.log.entries(a, b), from, upTo) : [];
      const checkpoint = entries.length > 0 ? await this.#checkpointAt(from + entries.length) : '';
      const res = await queue.stream.ask((seq) => ({
        seq: String(seq), queries: batch.map((w) => w.request), entriesFrom: String(from),
        entries: entries.map((e) => Buffer.from(e.buffer, e.byteOffset, e.byteLength)), checkpoint,
      }), this.#opts.deadlineMs ?? 10_000);
      if (res.failure) throw refusalError({ code: res.failure.code, message: `site ${site}: ${res.failure.message}` }, '');
      if (res.outcomes.length !== batch.length) throw new FedcreditError('INTERNAL', `site ${site} answered ${res.outcomes.length} of a batch of ${batch.length} queries`);
      queue.nextEntry = Math.max(queue.nextEntry ?? 0, Number(res.logSize));
      batch.forEach((w, i) => {
        const outcome = res.outcomes[i]!;
        if (outcome.share) w.resolve(outcome.share);
        else w.reject(refusalError(outcome.refusal, `site ${site} gave no answer`));
      });
    } catch (err) {
      queue.nextEntry = undefined;
      for (const w of batch) w.reject(err);
    }
  }
}
