// Original file: proto/fedcredit/v1/alignment.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AlignmentList as _fedcredit_v1_AlignmentList, AlignmentList__Output as _fedcredit_v1_AlignmentList__Output } from '../../fedcredit/v1/AlignmentList.js';
import type { AlignmentProgress as _fedcredit_v1_AlignmentProgress, AlignmentProgress__Output as _fedcredit_v1_AlignmentProgress__Output } from '../../fedcredit/v1/AlignmentProgress.js';
import type { ListAlignmentsRequest as _fedcredit_v1_ListAlignmentsRequest, ListAlignmentsRequest__Output as _fedcredit_v1_ListAlignmentsRequest__Output } from '../../fedcredit/v1/ListAlignmentsRequest.js';
import type { PsiEnvelope as _fedcredit_v1_PsiEnvelope, PsiEnvelope__Output as _fedcredit_v1_PsiEnvelope__Output } from '../../fedcredit/v1/PsiEnvelope.js';
import type { RelayAck as _fedcredit_v1_RelayAck, RelayAck__Output as _fedcredit_v1_RelayAck__Output } from '../../fedcredit/v1/RelayAck.js';
import type { RunAlignmentRequest as _fedcredit_v1_RunAlignmentRequest, RunAlignmentRequest__Output as _fedcredit_v1_RunAlignmentRequest__Output } from '../../fedcredit/v1/RunAlignmentRequest.js';

export interface AlignmentClient extends grpc.Client {
  ListAlignments(argument: _fedcredit_v1_ListAlignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_AlignmentList__Output>): grpc.ClientUnaryCall;
  ListAlignments(argument: _fedcredit_v1_ListAlignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_AlignmentList__Output>): grpc.ClientUnaryCall;
  ListAlignments(argument: _fedcredit_v1_ListAlignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_AlignmentList__Output>): grpc.ClientUnaryCall;
  ListAlignments(argument: _fedcredit_v1_ListAlignmentsRequest, callback: grpc.requestCallback<_fedcredit_v1_AlignmentList__Output>): grpc.ClientUnaryCall;
  listAlignments(argument: _fedcredit_v1_ListAlignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_AlignmentList__Output>): grpc.ClientUnaryCall;
  listAlignments(argument: _fedcredit_v1_ListAlignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_AlignmentList__Output>): grpc.ClientUnaryCall;
  listAlignments(argument: _fedcredit_v1_ListAlignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_AlignmentList__Output>): grpc.ClientUnaryCall;
  listAlignments(argument: _fedcredit_v1_ListAlignmentsRequest, callback: grpc.requestCallback<_fedcredit_v1_AlignmentList__Output>): grpc.ClientUnaryCall;
  
  RelayPsiMessage(argument: _fedcredit_v1_PsiEnvelope, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  RelayPsiMessage(argument: _fedcredit_v1_PsiEnvelope, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  RelayPsiMessage(argument: _fedcredit_v1_PsiEnvelope, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  RelayPsiMessage(argument: _fedcredit_v1_PsiEnvelope, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  relayPsiMessage(argument: _fedcredit_v1_PsiEnvelope, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  relayPsiMessage(argument: _fedcredit_v1_PsiEnvelope, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  relayPsiMessage(argument: _fedcredit_v1_PsiEnvelope, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  relayPsiMessage(argument: _fedcredit_v1_PsiEnvelope, callback: grpc.requestCallback<_fedcredit_v1_RelayAck__Output>): grpc.ClientUnaryCall;
  
  RunAlignment(argument: _fedcredit_v1_RunAlignmentRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_AlignmentProgress__Output>;
  RunAlignment(argument: _fedcredit_v1_RunAlignmentRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_AlignmentProgress__Output>;
  runAlignment(argument: _fedcredit_v1_RunAlignmentRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_AlignmentProgress__Output>;
  runAlignment(argument: _fedcredit_v1_RunAlignmentRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_AlignmentProgress__Output>;
  
}

export interface AlignmentHandlers extends grpc.UntypedServiceImplementation {
  ListAlignments: grpc.handleUnaryCall<_fedcredit_v1_ListAlignmentsRequest__Output, _fedcredit_v1_AlignmentList>;
  
  RelayPsiMessage: grpc.handleUnaryCall<_fedcredit_v1_PsiEnvelope__Output, _fedcredit_v1_RelayAck>;
  
  RunAlignment: grpc.handleServerStreamingCall<_fedcredit_v1_RunAlignmentRequest__Output, _fedcredit_v1_AlignmentProgress>;
  
}

export interface AlignmentDefinition extends grpc.ServiceDefinition {
  ListAlignments: MethodDefinition<_fedcredit_v1_ListAlignmentsRequest, _fedcredit_v1_AlignmentList, _fedcredit_v1_ListAlignmentsRequest__Output, _fedcredit_v1_AlignmentList__Output>
  RelayPsiMessage: MethodDefinition<_fedcredit_v1_PsiEnvelope, _fedcredit_v1_RelayAck, _fedcredit_v1_PsiEnvelope__Output, _fedcredit_v1_RelayAck__Output>
  RunAlignment: MethodDefinition<_fedcredit_v1_RunAlignmentRequest, _fedcredit_v1_AlignmentProgress, _fedcredit_v1_RunAlignmentRequest__Output, _fedcredit_v1_AlignmentProgress__Output>
}
