// Original file: proto/fedcredit/v1/scoring.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ConsentRecordAck as _fedcredit_v1_ConsentRecordAck, ConsentRecordAck__Output as _fedcredit_v1_ConsentRecordAck__Output } from '../../fedcredit/v1/ConsentRecordAck.js';
import type { ConsentRecordSubmission as _fedcredit_v1_ConsentRecordSubmission, ConsentRecordSubmission__Output as _fedcredit_v1_ConsentRecordSubmission__Output } from '../../fedcredit/v1/ConsentRecordSubmission.js';
import type { GetReceiptRequest as _fedcredit_v1_GetReceiptRequest, GetReceiptRequest__Output as _fedcredit_v1_GetReceiptRequest__Output } from '../../fedcredit/v1/GetReceiptRequest.js';
import type { ListQueryableModelsRequest as _fedcredit_v1_ListQueryableModelsRequest, ListQueryableModelsRequest__Output as _fedcredit_v1_ListQueryableModelsRequest__Output } from '../../fedcredit/v1/ListQueryableModelsRequest.js';
import type { ListRequesterEntriesRequest as _fedcredit_v1_ListRequesterEntriesRequest, ListRequesterEntriesRequest__Output as _fedcredit_v1_ListRequesterEntriesRequest__Output } from '../../fedcredit/v1/ListRequesterEntriesRequest.js';
import type { QueryableModels as _fedcredit_v1_QueryableModels, QueryableModels__Output as _fedcredit_v1_QueryableModels__Output } from '../../fedcredit/v1/QueryableModels.js';
import type { RequesterEntries as _fedcredit_v1_RequesterEntries, RequesterEntries__Output as _fedcredit_v1_RequesterEntries__Output } from '../../fedcredit/v1/RequesterEntries.js';
import type { ScoreReceipt as _fedcredit_v1_ScoreReceipt, ScoreReceipt__Output as _fedcredit_v1_ScoreReceipt__Output } from '../../fedcredit/v1/ScoreReceipt.js';
import type { ScoreRequest as _fedcredit_v1_ScoreRequest, ScoreRequest__Output as _fedcredit_v1_ScoreRequest__Output } from '../../fedcredit/v1/ScoreRequest.js';
import type { ScoreResponse as _fedcredit_v1_ScoreResponse, ScoreResponse__Output as _fedcredit_v1_ScoreResponse__Output } from '../../fedcredit/v1/ScoreResponse.js';
import type { ScoreStreamReply as _fedcredit_v1_ScoreStreamReply, ScoreStreamReply__Output as _fedcredit_v1_ScoreStreamReply__Output } from '../../fedcredit/v1/ScoreStreamReply.js';

export interface ScoringClient extends grpc.Client {
  GetReceipt(argument: _fedcredit_v1_GetReceiptRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  GetReceipt(argument: _fedcredit_v1_GetReceiptRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  GetReceipt(argument: _fedcredit_v1_GetReceiptRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  GetReceipt(argument: _fedcredit_v1_GetReceiptRequest, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  getReceipt(argument: _fedcredit_v1_GetReceiptRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  getReceipt(argument: _fedcredit_v1_GetReceiptRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  getReceipt(argument: _fedcredit_v1_GetReceiptRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  getReceipt(argument: _fedcredit_v1_GetReceiptRequest, callback: grpc.requestCallback<_fedcredit_v1_ScoreReceipt__Output>): grpc.ClientUnaryCall;
  
  ListQueryableModels(argument: _fedcredit_v1_ListQueryableModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_QueryableModels__Output>): grpc.ClientUnaryCall;
  ListQueryableModels(argument: _fedcredit_v1_ListQueryableModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_QueryableModels__Output>): grpc.ClientUnaryCall;
  ListQueryableModels(argument: _fedcredit_v1_ListQueryableModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_QueryableModels__Output>): grpc.ClientUnaryCall;
  ListQueryableModels(argument: _fedcredit_v1_ListQueryableModelsRequest, callback: grpc.requestCallback<_fedcredit_v1_QueryableModels__Output>): grpc.ClientUnaryCall;
  listQueryableModels(argument: _fedcredit_v1_ListQueryableModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_QueryableModels__Output>): grpc.ClientUnaryCall;
  listQueryableModels(argument: _fedcredit_v1_ListQueryableModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_QueryableModels__Output>): grpc.ClientUnaryCall;
  listQueryableModels(argument: _fedcredit_v1_ListQueryableModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_QueryableModels__Output>): grpc.ClientUnaryCall;
  listQueryableModels(argument: _fedcredit_v1_ListQueryableModelsRequest, callback: grpc.requestCallback<_fedcredit_v1_QueryableModels__Output>): grpc.ClientUnaryCall;
  
  ListRequesterEntries(argument: _fedcredit_v1_ListRequesterEntriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RequesterEntries__Output>): grpc.ClientUnaryCall;
  ListRequesterEntries(argument: _fedcredit_v1_ListRequesterEntriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RequesterEntries__Output>): grpc.ClientUnaryCall;
  ListRequesterEntries(argument: _fedcredit_v1_ListRequesterEntriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RequesterEntries__Output>): grpc.ClientUnaryCall;
  ListRequesterEntries(argument: _fedcredit_v1_ListRequesterEntriesRequest, callback: grpc.requestCallback<_fedcredit_v1_RequesterEntries__Output>): grpc.ClientUnaryCall;
  listRequesterEntries(argument: _fedcredit_v1_ListRequesterEntriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RequesterEntries__Output>): grpc.ClientUnaryCall;
  listRequesterEntries(argument: _fedcredit_v1_ListRequesterEntriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_RequesterEntries__Output>): grpc.ClientUnaryCall;
  listRequesterEntries(argument: _fedcredit_v1_ListRequesterEntriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_RequesterEntries__Output>): grpc.ClientUnaryCall;
  listRequesterEntries(argument: _fedcredit_v1_ListRequesterEntriesRequest, callback: grpc.requestCallback<_fedcredit_v1_RequesterEntries__Output>): grpc.ClientUnaryCall;
  
  Score(argument: _fedcredit_v1_ScoreRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  Score(argument: _fedcredit_v1_ScoreRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  Score(argument: _fedcredit_v1_ScoreRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  Score(argument: _fedcredit_v1_ScoreRequest, callback: grpc.requestCallback<_fedcredit_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  score(argument: _fedcredit_v1_ScoreRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  score(argument: _fedcredit_v1_ScoreRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  score(argument: _fedcredit_v1_ScoreRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  score(argument: _fedcredit_v1_ScoreRequest, callback: grpc.requestCallback<_fedcredit_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  
  ScoreStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_ScoreRequest, _fedcredit_v1_ScoreStreamReply__Output>;
  ScoreStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_ScoreRequest, _fedcredit_v1_ScoreStreamReply__Output>;
  scoreStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_ScoreRequest, _fedcredit_v1_ScoreStreamReply__Output>;
  scoreStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_fedcredit_v1_ScoreRequest, _fedcredit_v1_ScoreStreamReply__Output>;
  
  SubmitConsentRecord(argument: _fedcredit_v1_ConsentRecordSubmission, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ConsentRecordAck__Output>): grpc.ClientUnaryCall;
  SubmitConsentRecord(argument: _fedcredit_v1_ConsentRecordSubmission, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ConsentRecordAck__Output>): grpc.ClientUnaryCall;
  SubmitConsentRecord(argument: _fedcredit_v1_ConsentRecordSubmission, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ConsentRecordAck__Output>): grpc.ClientUnaryCall;
  SubmitConsentRecord(argument: _fedcredit_v1_ConsentRecordSubmission, callback: grpc.requestCallback<_fedcredit_v1_ConsentRecordAck__Output>): grpc.ClientUnaryCall;
  submitConsentRecord(argument: _fedcredit_v1_ConsentRecordSubmission, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ConsentRecordAck__Output>): grpc.ClientUnaryCall;
  submitConsentRecord(argument: _fedcredit_v1_ConsentRecordSubmission, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ConsentRecordAck__Output>): grpc.ClientUnaryCall;
  submitConsentRecord(argument: _fedcredit_v1_ConsentRecordSubmission, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ConsentRecordAck__Output>): grpc.ClientUnaryCall;
  submitConsentRecord(argument: _fedcredit_v1_ConsentRecordSubmission, callback: grpc.requestCallback<_fedcredit_v1_ConsentRecordAck__Output>): grpc.ClientUnaryCall;
  
}

export interface ScoringHandlers extends grpc.UntypedServiceImplementation {
  GetReceipt: grpc.handleUnaryCall<_fedcredit_v1_GetReceiptRequest__Output, _fedcredit_v1_ScoreReceipt>;
  
  ListQueryableModels: grpc.handleUnaryCall<_fedcredit_v1_ListQueryableModelsRequest__Output, _fedcredit_v1_QueryableModels>;
  
  ListRequesterEntries: grpc.handleUnaryCall<_fedcredit_v1_ListRequesterEntriesRequest__Output, _fedcredit_v1_RequesterEntries>;
  
  Score: grpc.handleUnaryCall<_fedcredit_v1_ScoreRequest__Output, _fedcredit_v1_ScoreResponse>;
  
  ScoreStream: grpc.handleBidiStreamingCall<_fedcredit_v1_ScoreRequest__Output, _fedcredit_v1_ScoreStreamReply>;
  
  SubmitConsentRecord: grpc.handleUnaryCall<_fedcredit_v1_ConsentRecordSubmission__Output, _fedcredit_v1_ConsentRecordAck>;
  
}

export interface ScoringDefinition extends grpc.ServiceDefinition {
  GetReceipt: MethodDefinition<_fedcredit_v1_GetReceiptRequest, _fedcredit_v1_ScoreReceipt, _fedcredit_v1_GetReceiptRequest__Output, _fedcredit_v1_ScoreReceipt__Output>
  ListQueryableModels: MethodDefinition<_fedcredit_v1_ListQueryableModelsRequest, _fedcredit_v1_QueryableModels, _fedcredit_v1_ListQueryableModelsRequest__Output, _fedcredit_v1_QueryableModels__Output>
  ListRequesterEntries: MethodDefinition<_fedcredit_v1_ListRequesterEntriesRequest, _fedcredit_v1_RequesterEntries, _fedcredit_v1_ListRequesterEntriesRequest__Output, _fedcredit_v1_RequesterEntries__Output>
  Score: MethodDefinition<_fedcredit_v1_ScoreRequest, _fedcredit_v1_ScoreResponse, _fedcredit_v1_ScoreRequest__Output, _fedcredit_v1_ScoreResponse__Output>
  ScoreStream: MethodDefinition<_fedcredit_v1_ScoreRequest, _fedcredit_v1_ScoreStreamReply, _fedcredit_v1_ScoreRequest__Output, _fedcredit_v1_ScoreStreamReply__Output>
  SubmitConsentRecord: MethodDefinition<_fedcredit_v1_ConsentRecordSubmission, _fedcredit_v1_ConsentRecordAck, _fedcredit_v1_ConsentRecordSubmission__Output, _fedcredit_v1_ConsentRecordAck__Output>
}
