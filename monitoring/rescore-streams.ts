/**
 * One kept-open NodeMonitoring.Rescore stream per node for one run (docs/design/monitoring.md
 * 2.2 step 3). Replies are matched to batches by `batch_seq`; the site's sealing key statement
 * comes in the first reply of a stream and is kept for the events of every batch.
 *
 * Carried entries as in scoring/share-batches.ts, from where the node's unread entries start
 * (node-link.ts NodePositions: its last reply's `log_position`); the node applies only those
 * past what it has read.
 */
import type * as grpc from '@grpc/grpc-js';
import { FedcreditError } from '../lib/errors.js';
import { fromServiceError } from '../lib/grpc.js';
import type { RescoreBatch } from '../proto/gen/fedcredit/v1/RescoreBatch.js';
import type { RescoreBatchResponse__Output } from '../proto/gen/fedcredit/v1/RescoreBatchResponse.js';
import type { NodeLink, NodePositions } from './node-link.js';

interface Waiter {
  readonly resolve: (r: RescoreBatchResponse__Output) => void;
  readonly reject: (e: unknown) => void;
}

interface SiteStream {
  readonly call: grpc.ClientDuplexStream<RescoreBatch, RescoreBatchResponse__Output>;
  readonly waiting: Map<number, Waiter>;
  keyStatement?: Uint8Array;
  closed: boolean;
}

export class RescoreStreams {
  readonly #streams = new Map<string, SiteStream>();
  readonly #keys = new Map<string, Uint8Array>();
  #closed = false;

  /**
   * Payload bytes sent to and received from the nodes (bytes and string fields, 8 per number;
   * gRPC and TLS framing not counted), added to by every stream of the run: for the metrics
   * endpoint and the bench's bytes per enterprise.
   */
  constructor(private readonly nodes: NodeLink, private readonly positions: NodePositions, private readonly deadlineMs: number,
    private readonly wire: { toNodes: number; fromNodes: number } = { toNodes: 0, fromNodes: 0 }) {}

  /** The site's answer to one batch. `make(from)` builds the message given where carried entries start. */
  async ask(site: string, make: (from: number) => Promise<RescoreBatch>, batchSeq: number, upTo: number): Promise<RescoreBatchResponse__Output> {
    const s = await this.#stream(site);
    const msg = await make(this.positions.from(site, upTo));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!s.waiting.delete(batchSeq)) return;
        reject(new FedcreditError('UNAVAILABLE', `site ${site} did not answer batch ${batchSeq} within ${this.deadlineMs} ms`));
        this.#drop(site, s, new FedcreditError('UNAVAILABLE', `site ${site} stopped answering on its Rescore stream`));
        s.call.cancel();
      }, this.deadlineMs);
      s.waiting.set(batchSeq, {
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.wire.toNodes += requestBytes(msg);
      s.call.write(msg);
    });
  }

  /** The site's sealing key statement, from the first reply of its stream (empty until then). */
  keyStatement(site: string): Uint8Array {
    return this.#keys.get(site) ?? new Uint8Array(0);
  }

  close(): void {
    this.#closed = true;
    for (const [site, s] of this.#streams) {
      this.#drop(site, s, new FedcreditError('UNAVAILABLE', `the Rescore stream to ${site} was closed`));
      s.call.end();
    }
  }

  async #stream(site: string): Promise<SiteStream> {
    if (this.#closed) throw new FedcreditError('UNAVAILABLE', `the run's streams are closed (the coordinator is stopping)`);
    const open = this.#streams.get(site);
    if (open && !open.closed) return open;
    const address = await this.nodes.address(site);
    if (!address) throw new FedcreditError('SHARE_MISSING', `site ${site} is not reachable; the run resumes when it is`);
    const call = this.nodes.client(site, address).Rescore();
    const s: SiteStream = { call, waiting: new Map(), closed: false };
    this.#streams.set(site, s);
    call.on('data', (r: RescoreBatchResponse__Output) => {
      this.wire.fromNodes += responseBytes(r);
      if (r.siteKeyStatement.length > 0) this.#keys.set(site, new Uint8Array(r.siteKeyStatement));
      this.positions.saw(site, Number(r.logPosition));
      const w = s.waiting.get(r.batchSeq);
      if (!w) return;
      s.waiting.delete(r.batchSeq);
      w.resolve(r);
    });
    call.on('error', (err: unknown) => this.#drop(site, s, fromServiceError(err, `site ${site}`)));
    call.on('end', () => this.#drop(site, s, new FedcreditError('UNAVAILABLE', `site ${site} ended its Rescore stream`)));
    return s;
  }

  #drop(site: string, s: SiteStream, err: FedcreditError): void {
    s.closed = true;
    this.positions.forget(site);
    if (this.#streams.get(site) === s) this.#streams.delete(site);
    for (const w of s.waiting.values()) w.reject(err);
    s.waiting.clear();
  }
}

function requestBytes(m: RescoreBatch): number {
  let n = 8 * 4 + (m.runId?.length ?? 0) + (m.checkpoint?.length ?? 0);
  for (const e of m.entries ?? []) n += e.length;
  return n;
}

function responseBytes(r: RescoreBatchResponse__Output): number {
  let n = 8 * 2 + r.runId.length + r.site.length + r.shares.length + r.covered.length + r.sealedExplanations.length + r.siteKeyStatement.length;
  for (const x of r.refused) n += 8 + x.code.length;
  return n;
}
