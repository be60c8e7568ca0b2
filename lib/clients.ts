/**
 * Typed gRPC clients for each service. Transport security is decided here in one place
 * (insecure loopback for now; the mutual-TLS issue replaces it for every client at once).
 */
import * as grpc from '@grpc/grpc-js';
import { channelOptions, loadProto } from './grpc.js';
import type { DataNodeClient } from '../proto/gen/fedcredit/v1/DataNode.js';
import type { CoordinatorClient } from '../proto/gen/fedcredit/v1/Coordinator.js';
import type { AlignmentClient } from '../proto/gen/fedcredit/v1/Alignment.js';
import type { NodeAlignmentClient } from '../proto/gen/fedcredit/v1/NodeAlignment.js';
import type { NodeAuditClient } from '../proto/gen/fedcredit/v1/NodeAudit.js';
import type { TransparencyLogClient } from '../proto/gen/fedcredit/v1/TransparencyLog.js';

export function dataNodeClient(address: string): DataNodeClient {
  const proto = loadProto();
  return new proto.fedcredit.v1.DataNode(address, grpc.credentials.createInsecure(), channelOptions);
}

export function coordinatorClient(address: string): CoordinatorClient {
  const proto = loadProto();
  return new proto.fedcredit.v1.Coordinator(address, grpc.credentials.createInsecure(), channelOptions);
}

export function transparencyLogClient(address: string): TransparencyLogClient {
  const proto = loadProto();
  return new proto.fedcredit.v1.TransparencyLog(address, grpc.credentials.createInsecure(), channelOptions);
}

export function nodeAuditClient(address: string): NodeAuditClient {
  const proto = loadProto();
  return new proto.fedcredit.v1.NodeAudit(address, grpc.credentials.createInsecure(), channelOptions);
}

export function coordinatorAlignmentClient(address: string): AlignmentClient {
  const proto = loadProto();
  return new proto.fedcredit.v1.Alignment(address, grpc.credentials.createInsecure(), channelOptions);
}

export function nodeAlignmentClient(address: string): NodeAlignmentClient {
  const proto = loadProto();
  return new proto.fedcredit.v1.NodeAlignment(address, grpc.credentials.createInsecure(), channelOptions);
}
