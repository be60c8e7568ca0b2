// Original file: proto/fedcredit/v1/alignment.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AlignmentRef as _fedcredit_v1_AlignmentRef, AlignmentRef__Output as _fedcredit_v1_AlignmentRef__Output } from '../../fedcredit/v1/AlignmentRef.js';
import type { CommitAlignmentResponse as _fedcredit_v1_CommitAlignmentResponse, CommitAlignmentResponse__Output as _fedcredit_v1_CommitAlignmentResponse__Output } from '../../fedcredit/v1/CommitAlignmentResponse.js';
import type { DescribeIdsRequest as _fedcredit_v1_DescribeIdsRequest, DescribeIdsRequest__Output as _fedcredit_v1_DescribeIdsRequest__Output } from '../../fedcredit/v1/DescribeIdsRequest.js';
import type { DescribeIdsResponse as _fedcredit_v1_DescribeIdsResponse, DescribeIdsResponse__Output as _fedcredit_v1_DescribeIdsResponse__Output } from '../../fedcredit/v1/DescribeIdsResponse.js';
import type { JoinAlignmentRequest as _fedcredit_v1_JoinAlignmentRequest, JoinAlignmentRequest__Output as _fedcredit_v1_JoinAlignmentRequest__Output } from '../../fedcredit/v1/JoinAlignmentRequest.js';
import type { JoinAlignmentResponse as _fedcredit_v1_JoinAlignmentResponse, JoinAlignmentResponse__Output as _fedcredit_v1_JoinAlignmentResponse__Output } from '../../fedcredit/v1/JoinAlignmentResponse.js';
import type { PsiEnvelope as _fedcredit_v1_PsiEnvelope, PsiEnvelope__Output as _fedcredit_v1_PsiEnvelope__Output } from '../../fedcredit/v1/PsiEnvelope.js';
import type { RelayAck as _fedcredit_v1_RelayAck, RelayAck__Output as _fedcredit_v1_RelayAck__Output } from '../../fedcredit/v1/RelayAck.js';

export interface NodeAlignmentClient extends grpc.Client {
  AbortAlignment(argument: _fedcredit_v1_AlignmentRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  AbortAlignment(argument: _fedcredit_v1_AlignmentRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  AbortAlignment(argument: _fedcredit_v1_AlignmentRef, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  AbortAlignment(argument: _fedcredit_v1_AlignmentRef, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  abortAlignment(argument: _fedcredit_v1_AlignmentRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  abortAlignment(argument: _fedcredit_v1_AlignmentRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  abortAlignment(argument: _fedcredit_v1_AlignmentRef, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  abortAlignment(argument: _fedcredit_v1_AlignmentRef, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  
  CommitAlignment(argument: _fedcredit_v1_AlignmentRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CommitAlignmentResponse__Output>): grpc.ClientUnaryCall;
  CommitAlignment(argument: _fedcredit_v1_AlignmentRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_CommitAlignmentResponse__Output>): grpc.ClientUnaryCall;
  CommitAlignment(argument: _fedcredit_v1_AlignmentRef, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CommitAlignmentResponse__Output>): grpc.ClientUnaryCall;
  CommitAlignment(argument: _fedcredit_v1_AlignmentRef, callback: grpc.requestCallback<_fedcredit_v1_CommitAlignmentResponse__Output>): grpc.ClientUnaryCall;
  commitAlignment(argument: _fedcredit_v1_AlignmentRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CommitAlignmentResponse__Output>): grpc.ClientUnaryCall;
  commitAlignment(argument: _fedcredit_v1_AlignmentRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_CommitAlignmentResponse__Output>): grpc.ClientUnaryCall;
  commitAlignment(argument: _fedcredit_v1_AlignmentRef, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_CommitAlignmentResponse__Output>): grpc.ClientUnaryCall;
  commitAlignment(argument: _fedcredit_v1_AlignmentRef, callback: grpc.requestCallback<_fedcredit_v1_CommitAlignmentResponse__Output>): grpc.ClientUnaryCall;
  
  DeliverPsiMessage(argument: _fedcredit_v1_PsiEnvelope, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  DeliverPsiMessage(argument: _fedcredit_v1_PsiEnvelope, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  DeliverPsiMessage(argument: _fedcredit_v1_PsiEnvelope, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  DeliverPsiMessage(argument: _fedcredit_v1_PsiEnvelope, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  deliverPsiMessage(argument: _fedcredit_v1_PsiEnvelope, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  deliverPsiMessage(argument: _fedcredit_v1_PsiEnvelope, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  deliverPsiMessage(argument: _fedcredit_v1_PsiEnvelope, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  deliverPsiMessage(argument: _fedcredit_v1_PsiEnvelope, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  
  DescribeIds(argument: _fedcredit_v1_DescribeIdsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_DescribeIdsResponse__Output>): grpc.ClientUnaryCall;
  DescribeIds(argument: _fedcredit_v1_DescribeIdsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_DescribeIdsResponse__Output>): grpc.ClientUnaryCall;
  DescribeIds(argument: _fedcredit_v1_DescribeIdsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_DescribeIdsResponse__Output>): grpc.ClientUnaryCall;
  DescribeIds(argument: _fedcredit_v1_DescribeIdsRequest, callback: grpc.requestCallback<_fedcredit_v1_DescribeIdsResponse__Output>): grpc.ClientUnaryCall;
  describeIds(argument: _fedcredit_v1_DescribeIdsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_DescribeIdsResponse__Output>): grpc.ClientUnaryCall;
  describeIds(argument: _fedcredit_v1_DescribeIdsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_DescribeIdsResponse__Output>): grpc.ClientUnaryCall;
  describeIds(argument: _fedcredit_v1_DescribeIdsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_DescribeIdsResponse__Output>): grpc.ClientUnaryCall;
  describeIds(argument: _fedcredit_v1_DescribeIdsRequest, callback: grpc.requestCallback<_fedcredit_v1_DescribeIdsResponse__Output>): grpc.ClientUnaryCall;
  
  JoinAlignment(argument: _fedcredit_v1_JoinAlignmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_JoinAlignmentResponse__Output>): grpc.ClientUnaryCall;
  JoinAlignment(argument: _fedcredit_v1_JoinAlignmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_JoinAlignmentResponse__Output>): grpc.ClientUnaryCall;
  JoinAlignment(argument: _fedcredit_v1_JoinAlignmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_JoinAlignmentResponse__Output>): grpc.ClientUnaryCall;
  JoinAlignment(argument: _fedcredit_v1_JoinAlignmentRequest, callback: grpc.requestCallback<_fedcredit_v1_JoinAlignmentResponse__Output>): grpc.ClientUnaryCall;
  joinAlignment(argument: _fedcredit_v1_JoinAlignmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_JoinAlignmentResponse__Output>): grpc.ClientUnaryCall;
  joinAlignment(argument: _fedcredit_v1_JoinAlignmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_JoinAlignmentResponse__Output>): grpc.ClientUnaryCall;
  joinAlignment(argument: _fedcredit_v1_JoinAlignmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_JoinAlignmentResponse__Output>): grpc.ClientUnaryCall;
  joinAlignment(argument: _fedcredit_v1_JoinAlignmentRequest, callback: grpc.requestCallback<_fedcredit_v1_JoinAlignmentResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface NodeAlignmentHandlers extends grpc.UntypedServiceImplementation {
  AbortAlignment: grpc.handleUnaryCall<_fedcredit_v1_AlignmentRef__Output, _fedcredit_v1_RelayAck>;
  
  CommitAlignment: grpc.handleUnaryCall<_fedcredit_v1_AlignmentRef__Output, _fedcredit_v1_CommitAlignmentResponse>;
  
  DeliverPsiMessage: grpc.handleUnaryCall<_fedcredit_v1_PsiEnvelope__Output, _fedcredit_v1_RelayAck>;
  
  DescribeIds: grpc.handleUnaryCall<_fedcredit_v1_DescribeIdsRequest__Output, _fedcredit_v1_DescribeIdsResponse>;
  
  JoinAlignment: grpc.handleUnaryCall<_fedcredit_v1_JoinAlignmentRequest__Output, _fedcredit_v1_JoinAlignmentResponse>;
  
}

export interface NodeAlignmentDefinition extends grpc.ServiceDefinition {
  AbortAlignment: MethodDefinition<_fedcredit_v1_AlignmentRef, _fedcredit_v1_RelayAck, _fedcredit_v1_AlignmentRef__Output, _fedcredit_v1_RelayAck__Output>
  CommitAlignment: MethodDefinition<_fedcredit_v1_AlignmentRef, _fedcredit_v1_CommitAlignmentResponse, _fedcredit_v1_AlignmentRef__Output, _fedcredit_v1_CommitAlignmentResponse__Output>
  DeliverPsiMessage: MethodDefinition<_fedcredit_v1_PsiEnvelope, _fedcredit_v1_RelayAck, _fedcredit_v1_PsiEnvelope__Output, _fedcredit_v1_RelayAck__Output>
  DescribeIds: MethodDefinition<_fedcredit_v1_DescribeIdsRequest, _fedcredit_v1_DescribeIdsResponse, _fedcredit_v1_DescribeIdsRequest__Output, _fedcredit_v1_DescribeIdsResponse__Output>
  JoinAlignment: MethodDefinition<_fedcredit_v1_JoinAlignmentRequest, _fedcredit_v1_JoinAlignmentResponse, _fedcredit_v1_JoinAlignmentRequest__Output, _fedcredit_v1_JoinAlignmentResponse__Output>
}
