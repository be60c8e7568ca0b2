/**
 * Typed gRPC clients for each service. Transport security is decided here in one place: every
 * client takes the caller's Transport (lib/tls.ts) and, with TLS, checks that the server is
 * the role it dials (the coordinator, or a site node, by name when the caller knows it).
 */
import type * as grpc from '@grpc/grpc-js';
import { channelOptions, loadProto } from '../lib/grpc.js';
import { FedcreditError } from '../lib/errors.js';
import { channelCredentials, channelOptionsFor, type ExpectedPeer, type Transport } from '../lib/tls.js';
import type { DataNodeClient } from './gen/fedcredit/v1/DataNode.js';
import type { CoordinatorClient } from './gen/fedcredit/v1/Coordinator.js';
import type { AlignmentClient } from './gen/fedcredit/v1/Alignment.js';
import type { NodeAlignmentClient } from './gen/fedcredit/v1/NodeAlignment.js';
import type { BackupClient } from './gen/fedcredit/v1/Backup.js';
import type { NodeAuditClient } from './gen/fedcredit/v1/NodeAudit.js';
import type { TransparencyLogClient } from './gen/fedcredit/v1/TransparencyLog.js';
import type { TrainingClient } from './gen/fedcredit/v1/Training.js';
import type { NodeTrainingClient } from './gen/fedcredit/v1/NodeTraining.js';
import type { ScoringClient } from './gen/fedcredit/v1/Scoring.js';
import type { NodeScoringClient } from './gen/fedcredit/v1/NodeScoring.js';
import type { MonitoringClient } from './gen/fedcredit/v1/Monitoring.js';
import type { NodeMonitoringClient } from './gen/fedcredit/v1/NodeMonitoring.js';

type ClientConstructor<C> = new (address: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions) => C;

function connect<C>(Client: ClientConstructor<C>, address: string, transport: Transport, expect: ExpectedPeer): C {
  checkDialAddress(address);
  return new Client(address, channelCredentials(transport, expect), channelOptionsFor(transport, channelOptions, expect));
}

/**
 * A party listens on a port it chose (`--port`, 0 = any free one, printed at start-up): there
 * is no fedcredit default port, and grpc-js would dial a bare `localhost` on 443 and fail later
 * with a puzzling UNAVAILABLE. So an address without a port is refused here, saying so.
 */
export function checkDialAddress(address: string): void {
  if (address.startsWith('unix:')) return;
  const hostPort = /^(\[[0-9a-fA-F:.]+\]|[^:\s\/]+):(\d{1,5})$/.exec(address.replace(/^dns:(\/\/\/)?/, ''));
  if (!hostPort || Number(hostPort[2]) === 0 || Number(hostPort[2]) > 65535) {
    throw new FedcreditError('BAD_REQUEST', `'${address.slice(0, 80)}' is not HOST:PORT: fedcredit has no default port, so name the port the party listens on ` +
      '(the "port" of the first line `serve` prints, or its --port), e.g. localhost:7443 or [::1]:7443');
  }
}

const coordinatorPeer: ExpectedPeer = { role: 'coordinator', name: 'coordinator' };
/** `site`: the node's site when known (a registered node); the server must then be that site. */
const sitePeer = (site: string | undefined): ExpectedPeer => (site === undefined ? { role: 'site' } : { role: 'site', name: site });

export function dataNodeClient(address: string, transport: Transport, site?: string): DataNodeClient {
  return connect(loadProto().fedcredit.v1.DataNode, address, transport, sitePeer(site));
}

export function coordinatorClient(address: string, transport: Transport): CoordinatorClient {
  return connect(loadProto().fedcredit.v1.Coordinator, address, transport, coordinatorPeer);
}

export function transparencyLogClient(address: string, transport: Transport): TransparencyLogClient {
  return connect(loadProto().fedcredit.v1.TransparencyLog, address, transport, coordinatorPeer);
}

export function nodeAuditClient(address: string, transport: Transport, site?: string): NodeAuditClient {
  return connect(loadProto().fedcredit.v1.NodeAudit, address, transport, sitePeer(site));
}

export function coordinatorAlignmentClient(address: string, transport: Transport): AlignmentClient {
  return connect(loadProto().fedcredit.v1.Alignment, address, transport, coordinatorPeer);
}

export function nodeAlignmentClient(address: string, transport: Transport, site?: string): NodeAlignmentClient {
  return connect(loadProto().fedcredit.v1.NodeAlignment, address, transport, sitePeer(site));
}

/** `peer`: the party being backed up (the coordinator, or a site node). Used by backup/service.ts. */
export function backupClient(address: string, transport: Transport, peer: ExpectedPeer): BackupClient {
  return connect(loadProto().fedcredit.v1.Backup, address, transport, peer);
}

export function coordinatorTrainingClient(address: string, transport: Transport): TrainingClient {
  return connect(loadProto().fedcredit.v1.Training, address, transport, coordinatorPeer);
}

export function nodeTrainingClient(address: string, transport: Transport, site?: string): NodeTrainingClient {
  return connect(loadProto().fedcredit.v1.NodeTraining, address, transport, sitePeer(site));
}

export function scoringClient(address: string, transport: Transport): ScoringClient {
  return connect(loadProto().fedcredit.v1.Scoring, address, transport, coordinatorPeer);
}

export function nodeScoringClient(address: string, transport: Transport, site?: string): NodeScoringClient {
  return connect(loadProto().fedcredit.v1.NodeScoring, address, transport, sitePeer(site));
}

/** Post-loan monitoring at the coordinator (docs/design/monitoring.md): not served yet (lib/rpc-roles.ts NOT_YET_SERVED). */
export function monitoringClient(address: string, transport: Transport): MonitoringClient {
  return connect(loadProto().fedcredit.v1.Monitoring, address, transport, coordinatorPeer);
}

/** A node's side of post-loan monitoring (monitoring/node.ts). */
export function nodeMonitoringClient(address: string, transport: Transport, site?: string): NodeMonitoringClient {
  return connect(loadProto().fedcredit.v1.NodeMonitoring, address, transport, sitePeer(site));
}
