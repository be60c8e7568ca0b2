// Original file: proto/fedcredit/v1/training.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetModelRequest as _fedcredit_v1_GetModelRequest, GetModelRequest__Output as _fedcredit_v1_GetModelRequest__Output } from '../../fedcredit/v1/GetModelRequest.js';
import type { JobList as _fedcredit_v1_JobList, JobList__Output as _fedcredit_v1_JobList__Output } from '../../fedcredit/v1/JobList.js';
import type { ListJobsRequest as _fedcredit_v1_ListJobsRequest, ListJobsRequest__Output as _fedcredit_v1_ListJobsRequest__Output } from '../../fedcredit/v1/ListJobsRequest.js';
import type { ListModelsRequest as _fedcredit_v1_ListModelsRequest, ListModelsRequest__Output as _fedcredit_v1_ListModelsRequest__Output } from '../../fedcredit/v1/ListModelsRequest.js';
import type { ModelInfo as _fedcredit_v1_ModelInfo, ModelInfo__Output as _fedcredit_v1_ModelInfo__Output } from '../../fedcredit/v1/ModelInfo.js';
import type { ModelList as _fedcredit_v1_ModelList, ModelList__Output as _fedcredit_v1_ModelList__Output } from '../../fedcredit/v1/ModelList.js';
import type { RunTrainingRequest as _fedcredit_v1_RunTrainingRequest, RunTrainingRequest__Output as _fedcredit_v1_RunTrainingRequest__Output } from '../../fedcredit/v1/RunTrainingRequest.js';
import type { TrainingProgress as _fedcredit_v1_TrainingProgress, TrainingProgress__Output as _fedcredit_v1_TrainingProgress__Output } from '../../fedcredit/v1/TrainingProgress.js';

export interface TrainingClient extends grpc.Client {
  GetModel(argument: _fedcredit_v1_GetModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _fedcredit_v1_GetModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _fedcredit_v1_GetModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _fedcredit_v1_GetModelRequest, callback: grpc.requestCallback<_fedcredit_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModel(argument: _fedcredit_v1_GetModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModel(argument: _fedcredit_v1_GetModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModel(argument: _fedcredit_v1_GetModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModel(argument: _fedcredit_v1_GetModelRequest, callback: grpc.requestCallback<_fedcredit_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  
  ListJobs(argument: _fedcredit_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_JobList__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _fedcredit_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_JobList__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _fedcredit_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_JobList__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _fedcredit_v1_ListJobsRequest, callback: grpc.requestCallback<_fedcredit_v1_JobList__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _fedcredit_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_JobList__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _fedcredit_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_JobList__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _fedcredit_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_JobList__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _fedcredit_v1_ListJobsRequest, callback: grpc.requestCallback<_fedcredit_v1_JobList__Output>): grpc.ClientUnaryCall;
  
  ListModels(argument: _fedcredit_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ModelList__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _fedcredit_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ModelList__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _fedcredit_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ModelList__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _fedcredit_v1_ListModelsRequest, callback: grpc.requestCallback<_fedcredit_v1_ModelList__Output>): grpc.ClientUnaryCall;
  listModels(argument: _fedcredit_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ModelList__Output>): grpc.ClientUnaryCall;
  listModels(argument: _fedcredit_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ModelList__Output>): grpc.ClientUnaryCall;
  listModels(argument: _fedcredit_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ModelList__Output>): grpc.ClientUnaryCall;
  listModels(argument: _fedcredit_v1_ListModelsRequest, callback: grpc.requestCallback<_fedcredit_v1_ModelList__Output>): grpc.ClientUnaryCall;
  
  RunTraining(argument: _fedcredit_v1_RunTrainingRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_TrainingProgress__Output>;
  RunTraining(argument: _fedcredit_v1_RunTrainingRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_TrainingProgress__Output>;
  runTraining(argument: _fedcredit_v1_RunTrainingRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_TrainingProgress__Output>;
  runTraining(argument: _fedcredit_v1_RunTrainingRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_fedcredit_v1_TrainingProgress__Output>;
  
}

export interface TrainingHandlers extends grpc.UntypedServiceImplementation {
  GetModel: grpc.handleUnaryCall<_fedcredit_v1_GetModelRequest__Output, _fedcredit_v1_ModelInfo>;
  
  ListJobs: grpc.handleUnaryCall<_fedcredit_v1_ListJobsRequest__Output, _fedcredit_v1_JobList>;
  
  ListModels: grpc.handleUnaryCall<_fedcredit_v1_ListModelsRequest__Output, _fedcredit_v1_ModelList>;
  
  RunTraining: grpc.handleServerStreamingCall<_fedcredit_v1_RunTrainingRequest__Output, _fedcredit_v1_TrainingProgress>;
  
}

export interface TrainingDefinition extends grpc.ServiceDefinition {
  GetModel: MethodDefinition<_fedcredit_v1_GetModelRequest, _fedcredit_v1_ModelInfo, _fedcredit_v1_GetModelRequest__Output, _fedcredit_v1_ModelInfo__Output>
  ListJobs: MethodDefinition<_fedcredit_v1_ListJobsRequest, _fedcredit_v1_JobList, _fedcredit_v1_ListJobsRequest__Output, _fedcredit_v1_JobList__Output>
  ListModels: MethodDefinition<_fedcredit_v1_ListModelsRequest, _fedcredit_v1_ModelList, _fedcredit_v1_ListModelsRequest__Output, _fedcredit_v1_ModelList__Output>
  RunTraining: MethodDefinition<_fedcredit_v1_RunTrainingRequest, _fedcredit_v1_TrainingProgress, _fedcredit_v1_RunTrainingRequest__Output, _fedcredit_v1_TrainingProgress__Output>
}
