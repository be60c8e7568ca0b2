/**
 * The training driver's calls to nodes (training/driver.ts): one open channel per node, every
 * call recorded for the transcript tests and counted for the job's metrics, and a node that is
 * UNAVAILABLE retried with backoff for `retryMs`, re-reading its address from the registry
 * (a restarted node may listen elsewhere). Past that the call fails with a clear error and the
 * job stays resumable.
 */
import type * as grpc from '@grpc/grpc-js';
import { nodeTrainingClient } from '../proto/clients.js';
import { NodeChannels } from '../lib/node-channels.js';
import { FedcreditError } from '../lib/errors.js';
import { call } from '../lib/grpc.js';
import type { Transport } from '../lib/tls.js';
import type { NodeTrainingClient } from '../proto/gen/fedcredit/v1/NodeTraining.js';
import type { NodeRegistry } from '../registration/registry.js';

/** How long one step may take at a node before the call fails. */
export const STEP_DEADLINE_MS = 10 * 60_000;

/** One message the coordinator sent to or received from a node (transcript tests, metrics). */
export interface TrainingMessageRecord {
  readonly direction: 'sent' | 'received';
  readonly site: string;
  readonly method: string;
  readonly message: unknown;
}

export interface NodeCallsOptions {
  readonly registry: NodeRegistry;
  readonly transport: Transport;
  readonly log: (line: string) => void;
  readonly retryMs: number;
  readonly onMessage?: (m: TrainingMessageRecord) => void;
  /** Payload bytes a call moved for a job (its request and answer). */
  readonly countBytes: (jobId: string, bytes: number) => void;
}

export interface CallOptions<Res> {
  readonly retry?: boolean;
  /** What the transcript shows of the call: the method name, the request and the decoded answer. */
  readonly shown?: { method: string; request: unknown; response: (r: Res) => unknown };
}

export class NodeCalls {
  #closed = false;
  /** One open channel per node for every step of every job (lib/node-channels.ts). */
  readonly #clients: NodeChannels<NodeTrainingClient>;

  constructor(private readonly opts: NodeCallsOptions) {
    this.#clients = new NodeChannels<NodeTrainingClient>((address, site) => nodeTrainingClient(address, opts.transport, site));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Call one node, retrying while it is unreachable (it may be restarting elsewhere). */
  async call<Req, Res>(
    jobId: string, site: string, method: string, pick: (c: NodeTrainingClient) => (req: Req, cb: grpc.requestCallback<Res>) => grpc.ClientUnaryCall,
    request: Req, deadlineMs = STEP_DEADLINE_MS, opts: CallOptions<Res> = {},
  ): Promise<Res> {
    const shown = opts.shown ?? { method, request, response: (r: Res) => r };
    const first = Date.now();
    let delay = 250;
    for (;;) {
      const node = await this.opts.registry.get(site);
      if (!node) throw new FedcreditError('NOT_FOUND', `site '${site}' has no registered node`);
      const client = this.#clients.get(site, node.address);
      try {
        this.opts.onMessage?.({ direction: 'sent', site, method: shown.method, message: shown.request });
        const response = await call(client, pick(client), request, deadlineMs);
        const seen = shown.response(response);
        this.opts.onMessage?.({ direction: 'received', site, method: shown.method, message: seen });
        this.opts.countBytes(jobId, payloadSize(shown.request) + payloadSize(seen));
        return response;
      } catch (err) {
        const unavailable = err instanceof FedcreditError && err.code === 'UNAVAILABLE';
        if (unavailable) this.#clients.drop(site);
        if (!unavailable || opts.retry === false || this.#closed) {
          if (err instanceof FedcreditError) throw new FedcreditError(err.code, err.message.includes(site) ? err.message : `${site}: ${err.message}`, err.detail);
          throw err;
        }
        if (Date.now() - first > this.opts.retryMs) {
          throw new FedcreditError('UNAVAILABLE', `${site} has not answered ${method} for ${Math.round((Date.now() - first) / 1000)} s (${err.message})`);
        }
        this.opts.log(`training ${jobId}: ${site} unreachable on ${method}; retrying in ${delay} ms or once it registers anew`);
        await this.#backoff(site, node.address, delay);
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  /** Wait `ms`, or less if the site registers at another address meanwhile (a restarted node listens elsewhere). */
  async #backoff(site: string, failedAddress: string, ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && !this.#closed) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, until - Date.now())));
      if ((await this.opts.registry.get(site))?.address !== failedAddress) return;
    }
  }

  /** Calls in flight stop retrying; the channels close with `close`. */
  stop(): void {
    this.#closed = true;
  }

  close(): void {
    this.#closed = true;
    this.#clients.close();
  }
}

/** Bytes of binary fields plus 8 per number, over a message's fields: what a step moves, give or take framing. */
function payloadSize(value: unknown): number {
  if (value instanceof Uint8Array) return value.length;
  if (typeof value === 'number') return 8;
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + payloadSize(v), 0);
  if (value !== null && typeof value === 'object') return Object.values(value).reduce((sum: number, v) => sum + payloadSize(v), 0);
  return 0;
}
