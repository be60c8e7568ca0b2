/**
 * The gRPC clients of a console's kind (docs/design/console.md section 2), all with the
 * party's client certificate: the console is a client like the CLI, and the server checks
 * every call against lib/rpc-roles.ts. Reads carry a 10 s deadline; at most 16 calls are in
 * flight per console (the console must not starve its own party, section 10). Errors come back
 * as FedcreditError with the server's stable code; server.ts shows them as an error page
 * (PERMISSION_DENIED and ROLE_NOT_ALLOWED as 403).
 *
 * Clients are made on first use: a coordinator console never opens a node's channel.
 */
import type * as grpc from '@grpc/grpc-js';
import { call, DEFAULT_DEADLINE_MS } from '../lib/grpc.js';
import { FedcreditError } from '../lib/errors.js';
import { loadTlsMaterial, type Transport } from '../lib/tls.js';
import {
  coordinatorAlignmentClient, coordinatorClient, coordinatorTrainingClient, dataNodeClient, monitoringClient,
  nodeAuditClient, nodeMonitoringClient, scoringClient, transparencyLogClient,
} from '../proto/clients.js';
import type { CoordinatorClient } from '../proto/gen/fedcredit/v1/Coordinator.js';
import type { TransparencyLogClient } from '../proto/gen/fedcredit/v1/TransparencyLog.js';
import type { TrainingClient } from '../proto/gen/fedcredit/v1/Training.js';
import type { AlignmentClient } from '../proto/gen/fedcredit/v1/Alignment.js';
import type { ScoringClient } from '../proto/gen/fedcredit/v1/Scoring.js';
import type { MonitoringClient } from '../proto/gen/fedcredit/v1/Monitoring.js';
import type { DataNodeClient } from '../proto/gen/fedcredit/v1/DataNode.js';
import type { NodeAuditClient } from '../proto/gen/fedcredit/v1/NodeAudit.js';
import type { NodeMonitoringClient } from '../proto/gen/fedcredit/v1/NodeMonitoring.js';
import type { ConsoleKind } from './kinds.js';

export const READ_DEADLINE_MS = 10_000;
export const MAX_CALLS_IN_FLIGHT = 16;

type UnaryMethod<Req, Res> = (request: Req, callback: grpc.requestCallback<Res>) => grpc.ClientUnaryCall;

export class KindClients {
  private readonly made = new Map<string, grpc.Client>();
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly kind: ConsoleKind, readonly target: string, readonly transport: Transport, private readonly operatorTlsDir?: string) {}

  private once<C extends grpc.Client>(name: string, kinds: readonly ConsoleKind[], make: () => C): C {
    if (!kinds.includes(this.kind)) {
      throw new FedcreditError('INTERNAL', `a ${this.kind} console has no ${name} client (a page of another kind asked for it)`);
    }
    let client = this.made.get(name);
    if (!client) { client = make(); this.made.set(name, client); }
    return client as C;
  }

  // The coordinator's services: coordinator, bank and auditor consoles target the coordinator.
  get coordinator(): CoordinatorClient { return this.once('Coordinator', ['coordinator', 'bank', 'auditor'], () => coordinatorClient(this.target, this.transport)); }
  get log(): TransparencyLogClient { return this.once('TransparencyLog', ['coordinator', 'bank', 'auditor'], () => transparencyLogClient(this.target, this.transport)); }
  get training(): TrainingClient { return this.once('Training', ['coordinator', 'bank'], () => coordinatorTrainingClient(this.target, this.transport)); }
  get alignment(): AlignmentClient { return this.once('Alignment', ['coordinator'], () => coordinatorAlignmentClient(this.target, this.transport)); }
  get scoring(): ScoringClient { return this.once('Scoring', ['coordinator', 'bank', 'auditor'], () => scoringClient(this.target, this.transport)); }
  get monitoring(): MonitoringClient { return this.once('Monitoring', ['coordinator', 'bank'], () => monitoringClient(this.target, this.transport)); }
  // A site's node: the node console targets its own site (the server must be that site).
  get dataNode(): DataNodeClient { return this.once('DataNode', ['node'], () => dataNodeClient(this.target, this.transport, this.site)); }
  get nodeAudit(): NodeAuditClient { return this.once('NodeAudit', ['node'], () => nodeAuditClient(this.target, this.transport, this.site)); }
  get nodeMonitoring(): NodeMonitoringClient { return this.once('NodeMonitoring', ['node'], () => nodeMonitoringClient(this.target, this.transport, this.site)); }

  /** The auditor's NodeAudit client of a registered site at `address` (served records). */
  nodeAuditAt(address: string, site: string): NodeAuditClient {
    return this.once(`NodeAudit@${site}@${address}`, ['auditor'], () => nodeAuditClient(address, this.transport, site));
  }

  /** Bank with --operator-tls: Training as the label holder's operator (model reports, training/model-access.ts); undefined without it. */
  get operatorTraining(): TrainingClient | undefined {
    if (this.kind !== 'bank' || !this.operatorTlsDir) return undefined;
    const dir = this.operatorTlsDir;
    return this.once('Training@operator', ['bank'], () => coordinatorTrainingClient(this.target, { kind: 'tls', material: loadTlsMaterial(dir) }));
  }

  /** The certified name of this console's party (the site for a node console). */
  get site(): string | undefined {
    return this.transport.kind === 'tls' ? this.transport.material.identity.name : undefined;
  }

  /**
   * A unary call with the console's deadline (10 s unless given) and concurrency limit; rejects
   * with a FedcreditError carrying the server's code. Streams: use the client directly, with
   * `slot()` around them.
   */
  async call<Req, Res>(client: grpc.Client, method: UnaryMethod<Req, Res>, request: Req, deadlineMs = READ_DEADLINE_MS): Promise<Res> {
    const release = await this.slot();
    try {
      return await call(client, method, request, Math.min(deadlineMs, DEFAULT_DEADLINE_MS * 10));
    } finally {
      release();
    }
  }

  /** Waits for one of the 16 call slots; call the result when done. */
  async slot(): Promise<() => void> {
    if (this.inFlight >= MAX_CALLS_IN_FLIGHT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.waiting.shift()?.();
    };
  }

  close(): void {
    for (const client of this.made.values()) client.close();
    this.made.clear();
  }
}
