// Original file: proto/fedcredit/v1/monitoring.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DriftStatus as _fedcredit_v1_DriftStatus, DriftStatus__Output as _fedcredit_v1_DriftStatus__Output } from '../../fedcredit/v1/DriftStatus.js';
import type { FinishRunRequest as _fedcredit_v1_FinishRunRequest, FinishRunRequest__Output as _fedcredit_v1_FinishRunRequest__Output } from '../../fedcredit/v1/FinishRunRequest.js';
import type { FinishRunResponse as _fedcredit_v1_FinishRunResponse, FinishRunResponse__Output as _fedcredit_v1_FinishRunResponse__Output } from '../../fedcredit/v1/FinishRunResponse.js';
import type { GetDriftStatusRequest as _fedcredit_v1_GetDriftStatusRequest, GetDriftStatusRequest__Output as _fedcredit_v1_GetDriftStatusRequest__Output } from '../../fedcredit/v1/GetDriftStatusRequest.js';
import type { ItemsAck as _fedcredit_v1_ItemsAck, ItemsAck__Output as _fedcredit_v1_ItemsAck__Output } from '../../fedcredit/v1/ItemsAck.js';
import type { ItemsBatch as _fedcredit_v1_ItemsBatch, ItemsBatch__Output as _fedcredit_v1_ItemsBatch__Output } from '../../fedcredit/v1/ItemsBatch.js';
import type { RescoreBatch as _fedcredit_v1_RescoreBatch, RescoreBatch__Output as _fedcredit_v1_RescoreBatch__Output } from '../../fedcredit/v1/RescoreBatch.js';
import type { RescoreBatchResponse as _fedcredit_v1_RescoreBatchResponse, RescoreBatchResponse__Output as _fedcredit_v1_RescoreBatchResponse__Output } from '../../fedcredit/v1/RescoreBatchResponse.js';

export interface NodeMonitoringClient extends grpc.Client {
  FinishRun(argument: _fedcredit_v1_FinishRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_FinishRunResponse__Output>): grpc.ClientUnaryCall;
  FinishRun(argument: _fedcredit_v1_FinishRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_FinishRunResponse__Output>): grpc.ClientUnaryCall;
  FinishRun(argument: _fedcredit_v1_FinishRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_FinishRunResponse__Output>): grpc.ClientUnaryCall;
  FinishRun(argument: _fedcredit_v1_FinishRunRequest, callback: grpc.requestCallback<_fedcredit_v1_FinishRunResponse__Output>): grpc.ClientUnaryCall;
  finishRun(argument: _fedcredit_v1_FinishRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_FinishRunResponse__Output>): grpc.ClientUnaryCall;
  finishRun(argument: _fedcredit_v1_FinishRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_FinishRunResponse__Output>): grpc.ClientUnaryCall;
  finishRun(argument: _fedcredit_v1_FinishRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_FinishRunResponse__Output>): grpc.ClientUnaryCall;
  finishRun(argument: _fedcredit_v1_FinishRunRequest, callback: grpc.requestCallback<_fedcredit_v1_FinishRunResponse__Output>): grpc.ClientUnaryCall;
  
  GetDriftStatus(argument: _fedcredit_v1_GetDriftStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_DriftStatus__Output>): grpc.ClientUnaryCall;
  GetDriftStatus(argument: _fedcredit_v1_GetDriftStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_DriftStatus__Output>): grpc.ClientUnaryCall;
  GetDriftStatus(argument: _fedcredit_v1_GetDriftStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_DriftStatus__Output>): grpc.ClientUnaryCall;
  GetDriftStatus(argument: _fedcredit_v1_GetDriftStatusRequest, callback: grpc.requestCallback<_fedcredit_v1_DriftStatus__Output>): grpc.ClientUnaryCall;
  getDriftStatus(argument: _fedcredit_v1_GetDriftStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_DriftStatus__Output>): grpc.ClientUnaryCall;
  getDriftStatus(argument: _fedcredit_v1_GetDriftStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_DriftStatus__Output>): grpc.ClientUnaryCall;
  getDriftStatus(argument: _fedcredit_v1_GetDriftStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_DriftStatus__Output>): grpc.ClientUnaryCall;
  getDriftStatus(argument: _fedcredit_v1_GetDriftStatusRequest, callback: grpc.requestCallback<_fedcredit_v1_DriftStatus__Output>): grpc.ClientUnaryCall;
  
  Rescore(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_RescoreBatch, _fedcredit_v1_RescoreBatchResponse__Output>;
  Rescore(options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_RescoreBatch, _fedcredit_v1_RescoreBatchResponse__Output>;
  rescore(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_RescoreBatch, _fedcredit_v1_RescoreBatchResponse__Output>;
  rescore(options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_RescoreBatch, _fedcredit_v1_RescoreBatchResponse__Output>;
  
  StoreItems(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_ItemsBatch, _fedcredit_v1_ItemsAck__Output>;
  StoreItems(options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_ItemsBatch, _fedcredit_v1_ItemsAck__Output>;
  storeItems(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_ItemsBatch, _fedcredit_v1_ItemsAck__Output>;
  storeItems(options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_ItemsBatch, _fedcredit_v1_ItemsAck__Output>;
  
}

export interface NodeMonitoringHandlers extends grpc.UntypedServiceImplementation {
  FinishRun: grpc.handleUnaryCall<_fedcredit_v1_FinishRunRequest__Output, _fedcredit_v1_FinishRunResponse>;
  
  GetDriftStatus: grpc.handleUnaryCall<_fedcredit_v1_GetDriftStatusRequest__Output, _fedcredit_v1_DriftStatus>;
  
  Rescore: grpc.handleBidiStreamingCall<_fedcredit_v1_RescoreBatch__Output, _fedcredit_v1_RescoreBatchResponse>;
  
  StoreItems: grpc.handleBidiStreamingCall<_fedcredit_v1_ItemsBatch__Output, _fedcredit_v1_ItemsAck>;
  
}

export interface NodeMonitoringDefinition extends grpc.ServiceDefinition {
  FinishRun: MethodDefinition<_fedcredit_v1_FinishRunRequest, _fedcredit_v1_FinishRunResponse, _fedcredit_v1_FinishRunRequest__Output, _fedcredit_v1_FinishRunResponse__Output>
  GetDriftStatus: MethodDefinition<_fedcredit_v1_GetDriftStatusRequest, _fedcredit_v1_DriftStatus, _fedcredit_v1_GetDriftStatusRequest__Output, _fedcredit_v1_DriftStatus__Output>
  Rescore: MethodDefinition<_fedcredit_v1_RescoreBatch, _fedcredit_v1_RescoreBatchResponse, _fedcredit_v1_RescoreBatch__Output, _fedcredit_v1_RescoreBatchResponse__Output>
  StoreItems: MethodDefinition<_fedcredit_v1_ItemsBatch, _fedcredit_v1_ItemsAck, _fedcredit_v1_ItemsBatch__Output, _fedcredit_v1_ItemsAck__Output>
}
