/**
 * How the coordinator's monitoring reaches the data nodes (NodeMonitoring): the registered
 * address of a site, a kept-open client per site, the log entries to carry with a message
 * (as scoring/share-batches.ts does for ShareBatch: the entries the node has not read and the
 * signed checkpoint of their end, so the node verifies them against the tree it holds), and a
 * one-message exchange on a bidirectional stream (StoreItems).
 */
import type * as grpc from '@grpc/grpc-js';
import { FedcreditError } from '../lib/errors.js';
import { fromServiceError } from '../lib/grpc.js';
import type { CoordinatorLog } from '../log/service.js';
import type { NodeMonitoringClient } from '../proto/gen/fedcredit/v1/NodeMonitoring.js';
import { carriedEntries } from '../scoring/share-batches.js';

export interface NodeLink {
  /** The site's registered address, or undefined when it is not registered or known unreachable. */
  address(site: string): Promise<string | undefined>;
  client(site: string, address: string): NodeMonitoringClient;
}

/** Entries carried when where a node's unread entries start is not known: the last ones before the message's own. */
const CARRY_WHEN_UNKNOWN = 4096;

/**
 * Where each node's unread log entries start, as far as its last answer said (ItemsAck.log_size,
 * RescoreBatchResponse.log_position). A node checks an item's consent against the key bindings
 * it has read, and those precede the item's add in the log: so the entries before the add are
 * carried too, from where the node stands (or the last CARRY_WHEN_UNKNOWN when that is not known).
 */
export class NodePositions {
  readonly #known = new Map<string, number>();

  /** Where to carry from for a message whose own entries end at `upTo`. */
  from(site: string, upTo: number): number {
    const known = this.#known.get(site);
    return known !== undefined && known <= upTo ? known : Math.max(0, upTo - CARRY_WHEN_UNKNOWN);
  }

  saw(site: string, size: number): void {
    if (Number.isSafeInteger(size) && size > 0) this.#known.set(site, Math.max(this.#known.get(site) ?? 0, size));
  }

  forget(site: string): void {
    this.#known.delete(site);
  }
}

/** Entries [from, upTo) (cut to the byte budget) and the checkpoint of their end; none when from >= upTo. */
export async function carry(log: CoordinatorLog, from: number, upTo: number): Promise<{ entriesFrom: string; entries: Buffer[]; checkpoint: string }> {
  const entries = from < upTo ? await carriedEntries((a, b) => log.store.entries(a, b), from, upTo) : [];
  const checkpoint = entries.length > 0 ? await log.store.checkpointAt(from + entries.length) : '';
  return { entriesFrom: String(from), entries: entries.map((e) => Buffer.from(e.buffer, e.byteOffset, e.byteLength)), checkpoint };
}

/** Writes one message on a fresh bidirectional stream and resolves with the first reply. */
export function exchangeOnce<Req, Res>(call: grpc.ClientDuplexStream<Req, Res>, message: Req, target: string, deadlineMs: number): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    const timer = setTimeout(() => settle(() => {
      call.cancel();
      reject(new FedcreditError('UNAVAILABLE', `${target} did not answer within ${deadlineMs} ms`));
    }), deadlineMs);
    call.on('data', (res: Res) => settle(() => {
      call.end();
      resolve(res);
    }));
    call.on('error', (err: unknown) => settle(() => reject(fromServiceError(err, target))));
    call.on('end', () => settle(() => reject(new FedcreditError('UNAVAILABLE', `${target} ended the stream without an answer`))));
    call.write(message);
  });
}
