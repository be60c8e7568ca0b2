// Original file: proto/fedcredit/v1/scoring.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetScoringStatsRequest as _fedcredit_v1_GetScoringStatsRequest, GetScoringStatsRequest__Output as _fedcredit_v1_GetScoringStatsRequest__Output } from '../../fedcredit/v1/GetScoringStatsRequest.js';
import type { ScoringStats as _fedcredit_v1_ScoringStats, ScoringStats__Output as _fedcredit_v1_ScoringStats__Output } from '../../fedcredit/v1/ScoringStats.js';
import type { ShareRequest as _fedcredit_v1_ShareRequest, ShareRequest__Output as _fedcredit_v1_ShareRequest__Output } from '../../fedcredit/v1/ShareRequest.js';
import type { ShareResponse as _fedcredit_v1_ShareResponse, ShareResponse__Output as _fedcredit_v1_ShareResponse__Output } from '../../fedcredit/v1/ShareResponse.js';

export interface NodeScoringClient extends grpc.Client {
  ComputeShare(argument: _fedcredit_v1_ShareRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ShareResponse__Output>): grpc.ClientUnaryCall;
  ComputeShare(argument: _fedcredit_v1_ShareRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ShareResponse__Output>): grpc.ClientUnaryCall;
  ComputeShare(argument: _fedcredit_v1_ShareRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ShareResponse__Output>): grpc.ClientUnaryCall;
  ComputeShare(argument: _fedcredit_v1_ShareRequest, callback: grpc.requestCallback<_fedcredit_v1_ShareResponse__Output>): grpc.ClientUnaryCall;
  computeShare(argument: _fedcredit_v1_ShareRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ShareResponse__Output>): grpc.ClientUnaryCall;
  computeShare(argument: _fedcredit_v1_ShareRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ShareResponse__Output>): grpc.ClientUnaryCall;
  computeShare(argument: _fedcredit_v1_ShareRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ShareResponse__Output>): grpc.ClientUnaryCall;
  computeShare(argument: _fedcredit_v1_ShareRequest, callback: grpc.requestCallback<_fedcredit_v1_ShareResponse__Output>): grpc.ClientUnaryCall;
  
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
  ComputeShare: grpc.handleUnaryCall<_fedcredit_v1_ShareRequest__Output, _fedcredit_v1_ShareResponse>;
  
  GetScoringStats: grpc.handleUnaryCall<_fedcredit_v1_GetScoringStatsRequest__Output, _fedcredit_v1_ScoringStats>;
  
}

export interface NodeScoringDefinition extends grpc.ServiceDefinition {
  ComputeShare: MethodDefinition<_fedcredit_v1_ShareRequest, _fedcredit_v1_ShareResponse, _fedcredit_v1_ShareRequest__Output, _fedcredit_v1_ShareResponse__Output>
  GetScoringStats: MethodDefinition<_fedcredit_v1_GetScoringStatsRequest, _fedcredit_v1_ScoringStats, _fedcredit_v1_GetScoringStatsRequest__Output, _fedcredit_v1_ScoringStats__Output>
}
