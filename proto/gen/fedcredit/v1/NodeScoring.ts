// Original file: proto/fedcredit/v1/scoring.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetScoringStatsRequest as _fedcredit_v1_GetScoringStatsRequest, GetScoringStatsRequest__Output as _fedcredit_v1_GetScoringStatsRequest__Output } from '../../fedcredit/v1/GetScoringStatsRequest.js';
import type { LeafChainHop as _fedcredit_v1_LeafChainHop, LeafChainHop__Output as _fedcredit_v1_LeafChainHop__Output } from '../../fedcredit/v1/LeafChainHop.js';
import type { LeafChainHopResponse as _fedcredit_v1_LeafChainHopResponse, LeafChainHopResponse__Output as _fedcredit_v1_LeafChainHopResponse__Output } from '../../fedcredit/v1/LeafChainHopResponse.js';
import type { ScoringStats as _fedcredit_v1_ScoringStats, ScoringStats__Output as _fedcredit_v1_ScoringStats__Output } from '../../fedcredit/v1/ScoringStats.js';
import type { ShareBatch as _fedcredit_v1_ShareBatch, ShareBatch__Output as _fedcredit_v1_ShareBatch__Output } from '../../fedcredit/v1/ShareBatch.js';
import type { ShareBatchResponse as _fedcredit_v1_ShareBatchResponse, ShareBatchResponse__Output as _fedcredit_v1_ShareBatchResponse__Output } from '../../fedcredit/v1/ShareBatchResponse.js';

export interface NodeScoringClient extends grpc.Client {
  ChainHop(argument: _fedcredit_v1_LeafChainHop, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_LeafChainHopResponse__Output>): grpc.ClientUnaryCall;
  ChainHop(argument: _fedcredit_v1_LeafChainHop, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_LeafChainHopResponse__Output>): grpc.ClientUnaryCall;
  ChainHop(argument: _fedcredit_v1_LeafChainHop, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_LeafChainHopResponse__Output>): grpc.ClientUnaryCall;
  ChainHop(argument: _fedcredit_v1_LeafChainHop, callback: grpc.requestCallback<_fedcredit_v1_LeafChainHopResponse__Output>): grpc.ClientUnaryCall;
  chainHop(argument: _fedcredit_v1_LeafChainHop, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_LeafChainHopResponse__Output>): grpc.ClientUnaryCall;
  chainHop(argument: _fedcredit_v1_LeafChainHop, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_LeafChainHopResponse__Output>): grpc.ClientUnaryCall;
  chainHop(argument: _fedcredit_v1_LeafChainHop, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_LeafChainHopResponse__Output>): grpc.ClientUnaryCall;
  chainHop(argument: _fedcredit_v1_LeafChainHop, callback: grpc.requestCallback<_fedcredit_v1_LeafChainHopResponse__Output>): grpc.ClientUnaryCall;
  
  ComputeShares(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_ShareBatch, _fedcredit_v1_ShareBatchResponse__Output>;
  ComputeShares(options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_ShareBatch, _fedcredit_v1_ShareBatchResponse__Output>;
  computeShares(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_ShareBatch, _fedcredit_v1_ShareBatchResponse__Output>;
  computeShares(options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_ShareBatch, _fedcredit_v1_ShareBatchResponse__Output>;
  
  GetScoringStats(argument: _fedcredit_v1_GetScoringStatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoringStats__Output>): grpc.ClientUnaryCall;
  GetScoringStats(argument: _fedcredit_v1_GetScoringStatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ScoringStats__Output>): grpc.ClientUnaryCall;
  GetScoringStats(argument: _fedcredit_v1_GetScoringStatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoringStats__Output>): grpc.ClientUnaryCall;
  GetScoringStats(argument: _fedcredit_v1_GetScoringStatsRequest, callback: grpc.requestCallback<_fedcredit_v1_ScoringStats__Output>): grpc.ClientUnaryCall;
  getScoringStats(argument: _fedcredit_v1_GetScoringStatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoringStats__Output>): grpc.ClientUnaryCall;
  getScoringStats(argument: _fedcredit_v1_GetScoringStatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ScoringStats__Output>): grpc.ClientUnaryCall;
  getScoringStats(argument: _fedcredit_v1_GetScoringStatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoringStats__Output>): grpc.ClientUnaryCall;
  getScoringStats(argument: _fedcredit_v1_GetScoringStatsRequest, callback: grpc.requestCallback<_fedcredit_v1_ScoringStats__Output>): grpc.ClientUnaryCall;
  
}

export interface NodeScoringHandlers extends grpc.UntypedServiceImplementation {
  ChainHop: grpc.handleUnaryCall<_fedcredit_v1_LeafChainHop__Output, _fedcredit_v1_LeafChainHopResponse>;
  
  ComputeShares: grpc.handleBidiStreamingCall<_fedcredit_v1_ShareBatch__Output, _fedcredit_v1_ShareBatchResponse>;
  
  GetScoringStats: grpc.handleUnaryCall<_fedcredit_v1_GetScoringStatsRequest__Output, _fedcredit_v1_ScoringStats>;
  
}

export interface NodeScoringDefinition extends grpc.ServiceDefinition {
  ChainHop: MethodDefinition<_fedcredit_v1_LeafChainHop, _fedcredit_v1_LeafChainHopResponse, _fedcredit_v1_LeafChainHop__Output, _fedcredit_v1_LeafChainHopResponse__Output>
  ComputeShares: MethodDefinition<_fedcredit_v1_ShareBatch, _fedcredit_v1_ShareBatchResponse, _fedcredit_v1_ShareBatch__Output, _fedcredit_v1_ShareBatchResponse__Output>
  GetScoringStats: MethodDefinition<_fedcredit_v1_GetScoringStatsRequest, _fedcredit_v1_ScoringStats, _fedcredit_v1_GetScoringStatsRequest__Output, _fedcredit_v1_ScoringStats__Output>
}
