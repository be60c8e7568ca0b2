// Original file: proto/fedcredit/v1/log.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CheckpointResponse as _fedcredit_v1_CheckpointResponse, CheckpointResponse__Output as _fedcredit_v1_CheckpointResponse__Output } from '../../fedcredit/v1/CheckpointResponse.js';
import type { ConsistencyProofRequest as _fedcredit_v1_ConsistencyProofRequest, ConsistencyProofRequest__Output as _fedcredit_v1_ConsistencyProofRequest__Output } from '../../fedcredit/v1/ConsistencyProofRequest.js';
import type { EntriesResponse as _fedcredit_v1_EntriesResponse, EntriesResponse__Output as _fedcredit_v1_EntriesResponse__Output } from '../../fedcredit/v1/EntriesResponse.js';
import type { GetCheckpointRequest as _fedcredit_v1_GetCheckpointRequest, GetCheckpointRequest__Output as _fedcredit_v1_GetCheckpointRequest__Output } from '../../fedcredit/v1/GetCheckpointRequest.js';
import type { GetEntriesRequest as _fedcredit_v1_GetEntriesRequest, GetEntriesRequest__Output as _fedcredit_v1_GetEntriesRequest__Output } from '../../fedcredit/v1/GetEntriesRequest.js';
import type { GetLogInfoRequest as _fedcredit_v1_GetLogInfoRequest, GetLogInfoRequest__Output as _fedcredit_v1_GetLogInfoRequest__Output } from '../../fedcredit/v1/GetLogInfoRequest.js';
import type { InclusionProofRequest as _fedcredit_v1_InclusionProofRequest, InclusionProofRequest__Output as _fedcredit_v1_InclusionProofRequest__Output } from '../../fedcredit/v1/InclusionProofRequest.js';
import type { LogInfo as _fedcredit_v1_LogInfo, LogInfo__Output as _fedcredit_v1_LogInfo__Output } from '../../fedcredit/v1/LogInfo.js';
import type { ProofResponse as _fedcredit_v1_ProofResponse, ProofResponse__Output as _fedcredit_v1_ProofResponse__Output } from '../../fedcredit/v1/ProofResponse.js';
import type { SubmitCosignatureRequest as _fedcredit_v1_SubmitCosignatureRequest, SubmitCosignatureRequest__Output as _fedcredit_v1_SubmitCosignatureRequest__Output } from '../../fedcredit/v1/SubmitCosignatureRequest.js';
import type { SubmitCosignatureResponse as _fedcredit_v1_SubmitCosignatureResponse, SubmitCosignatureResponse__Output as _fedcredit_v1_SubmitCosignatureResponse__Output } from '../../fedcredit/v1/SubmitCosignatureResponse.js';

export interface TransparencyLogClient extends grpc.Client {
  GetCheckpoint(argument: _fedcredit_v1_GetCheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CheckpointResponse__Output>): grpc.ClientUnaryCall;
  GetCheckpoint(argument: _fedcredit_v1_GetCheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_CheckpointResponse__Output>): grpc.ClientUnaryCall;
  GetCheckpoint(argument: _fedcredit_v1_GetCheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CheckpointResponse__Output>): grpc.ClientUnaryCall;
  GetCheckpoint(argument: _fedcredit_v1_GetCheckpointRequest, callback: grpc.requestCallback<_fedcredit_v1_CheckpointResponse__Output>): grpc.ClientUnaryCall;
  getCheckpoint(argument: _fedcredit_v1_GetCheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CheckpointResponse__Output>): grpc.ClientUnaryCall;
  getCheckpoint(argument: _fedcredit_v1_GetCheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_CheckpointResponse__Output>): grpc.ClientUnaryCall;
  getCheckpoint(argument: _fedcredit_v1_GetCheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CheckpointResponse__Output>): grpc.ClientUnaryCall;
  getCheckpoint(argument: _fedcredit_v1_GetCheckpointRequest, callback: grpc.requestCallback<_fedcredit_v1_CheckpointResponse__Output>): grpc.ClientUnaryCall;
  
  GetConsistencyProof(argument: _fedcredit_v1_ConsistencyProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  GetConsistencyProof(argument: _fedcredit_v1_ConsistencyProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  GetConsistencyProof(argument: _fedcredit_v1_ConsistencyProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  GetConsistencyProof(argument: _fedcredit_v1_ConsistencyProofRequest, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  getConsistencyProof(argument: _fedcredit_v1_ConsistencyProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  getConsistencyProof(argument: _fedcredit_v1_ConsistencyProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  getConsistencyProof(argument: _fedcredit_v1_ConsistencyProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  getConsistencyProof(argument: _fedcredit_v1_ConsistencyProofRequest, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  
  GetEntries(argument: _fedcredit_v1_GetEntriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_EntriesResponse__Output>): grpc.ClientUnaryCall;
  GetEntries(argument: _fedcredit_v1_GetEntriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_EntriesResponse__Output>): grpc.ClientUnaryCall;
  GetEntries(argument: _fedcredit_v1_GetEntriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_EntriesResponse__Output>): grpc.ClientUnaryCall;
  GetEntries(argument: _fedcredit_v1_GetEntriesRequest, callback: grpc.requestCallback<_fedcredit_v1_EntriesResponse__Output>): grpc.ClientUnaryCall;
  getEntries(argument: _fedcredit_v1_GetEntriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_EntriesResponse__Output>): grpc.ClientUnaryCall;
  getEntries(argument: _fedcredit_v1_GetEntriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_EntriesResponse__Output>): grpc.ClientUnaryCall;
  getEntries(argument: _fedcredit_v1_GetEntriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_EntriesResponse__Output>): grpc.ClientUnaryCall;
  getEntries(argument: _fedcredit_v1_GetEntriesRequest, callback: grpc.requestCallback<_fedcredit_v1_EntriesResponse__Output>): grpc.ClientUnaryCall;
  
  GetInclusionProof(argument: _fedcredit_v1_InclusionProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  GetInclusionProof(argument: _fedcredit_v1_InclusionProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  GetInclusionProof(argument: _fedcredit_v1_InclusionProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  GetInclusionProof(argument: _fedcredit_v1_InclusionProofRequest, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  getInclusionProof(argument: _fedcredit_v1_InclusionProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  getInclusionProof(argument: _fedcredit_v1_InclusionProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  getInclusionProof(argument: _fedcredit_v1_InclusionProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  getInclusionProof(argument: _fedcredit_v1_InclusionProofRequest, callback: grpc.requestCallback<_fedcredit_v1_ProofResponse__Output>): grpc.ClientUnaryCall;
  
  GetLogInfo(argument: _fedcredit_v1_GetLogInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_LogInfo__Output>): grpc.ClientUnaryCall;
  GetLogInfo(argument: _fedcredit_v1_GetLogInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_LogInfo__Output>): grpc.ClientUnaryCall;
  GetLogInfo(argument: _fedcredit_v1_GetLogInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_LogInfo__Output>): grpc.ClientUnaryCall;
  GetLogInfo(argument: _fedcredit_v1_GetLogInfoRequest, callback: grpc.requestCallback<_fedcredit_v1_LogInfo__Output>): grpc.ClientUnaryCall;
  getLogInfo(argument: _fedcredit_v1_GetLogInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_LogInfo__Output>): grpc.ClientUnaryCall;
  getLogInfo(argument: _fedcredit_v1_GetLogInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_LogInfo__Output>): grpc.ClientUnaryCall;
  getLogInfo(argument: _fedcredit_v1_GetLogInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_LogInfo__Output>): grpc.ClientUnaryCall;
  getLogInfo(argument: _fedcredit_v1_GetLogInfoRequest, callback: grpc.requestCallback<_fedcredit_v1_LogInfo__Output>): grpc.ClientUnaryCall;
  
  SubmitCosignature(argument: _fedcredit_v1_SubmitCosignatureRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_SubmitCosignatureResponse__Output>): grpc.ClientUnaryCall;
  SubmitCosignature(argument: _fedcredit_v1_SubmitCosignatureRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_SubmitCosignatureResponse__Output>): grpc.ClientUnaryCall;
  SubmitCosignature(argument: _fedcredit_v1_SubmitCosignatureRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_SubmitCosignatureResponse__Output>): grpc.ClientUnaryCall;
  SubmitCosignature(argument: _fedcredit_v1_SubmitCosignatureRequest, callback: grpc.requestCallback<_fedcredit_v1_SubmitCosignatureResponse__Output>): grpc.ClientUnaryCall;
  submitCosignature(argument: _fedcredit_v1_SubmitCosignatureRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_SubmitCosignatureResponse__Output>): grpc.ClientUnaryCall;
  submitCosignature(argument: _fedcredit_v1_SubmitCosignatureRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_SubmitCosignatureResponse__Output>): grpc.ClientUnaryCall;
  submitCosignature(argument: _fedcredit_v1_SubmitCosignatureRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_SubmitCosignatureResponse__Output>): grpc.ClientUnaryCall;
  submitCosignature(argument: _fedcredit_v1_SubmitCosignatureRequest, callback: grpc.requestCallback<_fedcredit_v1_SubmitCosignatureResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface TransparencyLogHandlers extends grpc.UntypedServiceImplementation {
  GetCheckpoint: grpc.handleUnaryCall<_fedcredit_v1_GetCheckpointRequest__Output, _fedcredit_v1_CheckpointResponse>;
  
  GetConsistencyProof: grpc.handleUnaryCall<_fedcredit_v1_ConsistencyProofRequest__Output, _fedcredit_v1_ProofResponse>;
  
  GetEntries: grpc.handleUnaryCall<_fedcredit_v1_GetEntriesRequest__Output, _fedcredit_v1_EntriesResponse>;
  
  GetInclusionProof: grpc.handleUnaryCall<_fedcredit_v1_InclusionProofRequest__Output, _fedcredit_v1_ProofResponse>;
  
  GetLogInfo: grpc.handleUnaryCall<_fedcredit_v1_GetLogInfoRequest__Output, _fedcredit_v1_LogInfo>;
  
  SubmitCosignature: grpc.handleUnaryCall<_fedcredit_v1_SubmitCosignatureRequest__Output, _fedcredit_v1_SubmitCosignatureResponse>;
  
}

export interface TransparencyLogDefinition extends grpc.ServiceDefinition {
  GetCheckpoint: MethodDefinition<_fedcredit_v1_GetCheckpointRequest, _fedcredit_v1_CheckpointResponse, _fedcredit_v1_GetCheckpointRequest__Output, _fedcredit_v1_CheckpointResponse__Output>
  GetConsistencyProof: MethodDefinition<_fedcredit_v1_ConsistencyProofRequest, _fedcredit_v1_ProofResponse, _fedcredit_v1_ConsistencyProofRequest__Output, _fedcredit_v1_ProofResponse__Output>
  GetEntries: MethodDefinition<_fedcredit_v1_GetEntriesRequest, _fedcredit_v1_EntriesResponse, _fedcredit_v1_GetEntriesRequest__Output, _fedcredit_v1_EntriesResponse__Output>
  GetInclusionProof: MethodDefinition<_fedcredit_v1_InclusionProofRequest, _fedcredit_v1_ProofResponse, _fedcredit_v1_InclusionProofRequest__Output, _fedcredit_v1_ProofResponse__Output>
  GetLogInfo: MethodDefinition<_fedcredit_v1_GetLogInfoRequest, _fedcredit_v1_LogInfo, _fedcredit_v1_GetLogInfoRequest__Output, _fedcredit_v1_LogInfo__Output>
  SubmitCosignature: MethodDefinition<_fedcredit_v1_SubmitCosignatureRequest, _fedcredit_v1_SubmitCosignatureResponse, _fedcredit_v1_SubmitCosignatureRequest__Output, _fedcredit_v1_SubmitCosignatureResponse__Output>
}
