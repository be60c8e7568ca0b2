/**
 * One kept-open NodeMonitoring.Rescore stream per node for one run (docs/design/monitoring.md
 * 2.2 step 3). Replies are matched to batches by `batch_seq`; the site's sealing key statement
 * comes in the first reply of a stream and is kept for the events of every batch.
 *
 * Carried entries as in scoring/share-batches.ts: where the node's unread entries start is
 * known from its last reply (`log_position`) and from what this stream already carried; when
 * it is not known (a new stream, after a failure) nothing before the batch is carried and the
 * node reads any gap itself (log/follower.ts).
 */
import type * as grpc from '@grpc/grpc-js';
import { FedcreditError } from '../lib/errors.js';
import { fromServiceError } from '../lib/grpc.js';
import type { RescoreBatch } from '../proto/gen/fedcredit/v1/RescoreBatch.js';
import type { RescoreBatchResponse__Output } from '../proto/gen/fedcredit/v1/RescoreBatchResponse.js';
import type { NodeLink } from './node-link.js';

interface Waiter {
  readonly resolve: (r: RescoreBatchResponse__Output) => void;
  readonly reject: (e: unknown) => void;
}

interface SiteStream {
  readonly call: grpc.ClientDuplexStream<RescoreBatch, RescoreBatchResponse__Output>;
  readonly waiting: Map<number, Waiter>;
  keyStatement?: Uint8Array;
  /** Where the node's unread log entries start, when known. */
  next?: number;
  closed: boolean;
}

export class RescoreStreams {
  readonly #streams = new Map<string, SiteStream>();
  readonly #keys = new Map<string, Uint8Array>();

  constructor(private readonly nodes: NodeLink, private readonly deadlineMs: number) {}

  /** The site's answer to one batch. `make(from)` builds the message given where carried entries start (undefined: unknown). */
  async ask(site: string, make: (from: number | undefined) => Promise<RescoreBatch>, batchSeq: number, upTo: number): Promise<RescoreBatchResponse__Output> {
    const s = await this.#stream(site);
    const msg = await make(s.next !== undefined && s.next <= upTo ? s.next : undefined);
    s.next = Math.max(s.next ?? 0, upTo);
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
      s.call.write(msg);
    });
  }

  /** The site's sealing key statement, from the first reply of its stream (empty until then). */
  keyStatement(site: string): Uint8Array {
    return this.#keys.get(site) ?? new Uint8Array(0);
  }

  close(): void {
    for (const [site, s] of this.#streams) {
      this.#drop(site, s, new FedcreditError('UNAVAILABLE', `the Rescore stream to ${site} was closed`));
      s.call.end();
    }
  }

  async #stream(site: string): Promise<SiteStream> {
    const open = this.#streams.get(site);
    if (open && !open.closed) return open;
    const address = await this.nodes.address(site);
    if (!address) throw new FedcreditError('SHARE_MISSING', `site ${site} is not reachable; the run resumes when it is`);
    const call = this.nodes.client(site, address).Rescore();
    const s: SiteStream = { call, waiting: new Map(), closed: false };
    this.#streams.set(site, s);
    call.on('data', (r: RescoreBatchResponse__Output) => {
      if (r.siteKeyStatement.length > 0) this.#keys.set(site, new Uint8Array(r.siteKeyStatement));
      const pos = Number(r.logPosition);
      if (pos > 0) s.next = Math.max(s.next ?? 0, pos);
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
    if (this.#streams.get(site) === s) this.#streams.delete(site);
    for (const w of s.waiting.values()) w.reject(err);
    s.waiting.clear();
  }
}
