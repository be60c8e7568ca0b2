// Original file: proto/fedcredit/v1/training.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { FinishTrainingRequest as _fedcredit_v1_FinishTrainingRequest, FinishTrainingRequest__Output as _fedcredit_v1_FinishTrainingRequest__Output } from '../../fedcredit/v1/FinishTrainingRequest.js';
import type { FinishTrainingResponse as _fedcredit_v1_FinishTrainingResponse, FinishTrainingResponse__Output as _fedcredit_v1_FinishTrainingResponse__Output } from '../../fedcredit/v1/FinishTrainingResponse.js';
import type { StartTrainingRequest as _fedcredit_v1_StartTrainingRequest, StartTrainingRequest__Output as _fedcredit_v1_StartTrainingRequest__Output } from '../../fedcredit/v1/StartTrainingRequest.js';
import type { StartTrainingResponse as _fedcredit_v1_StartTrainingResponse, StartTrainingResponse__Output as _fedcredit_v1_StartTrainingResponse__Output } from '../../fedcredit/v1/StartTrainingResponse.js';
import type { TrainingAck as _fedcredit_v1_TrainingAck, TrainingAck__Output as _fedcredit_v1_TrainingAck__Output } from '../../fedcredit/v1/TrainingAck.js';
import type { TrainingJobRef as _fedcredit_v1_TrainingJobRef, TrainingJobRef__Output as _fedcredit_v1_TrainingJobRef__Output } from '../../fedcredit/v1/TrainingJobRef.js';
import type { TrainingStep as _fedcredit_v1_TrainingStep, TrainingStep__Output as _fedcredit_v1_TrainingStep__Output } from '../../fedcredit/v1/TrainingStep.js';
import type { TrainingStepResult as _fedcredit_v1_TrainingStepResult, TrainingStepResult__Output as _fedcredit_v1_TrainingStepResult__Output } from '../../fedcredit/v1/TrainingStepResult.js';

export interface NodeTrainingClient extends grpc.Client {
  AbortTraining(argument: _fedcredit_v1_TrainingJobRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  AbortTraining(argument: _fedcredit_v1_TrainingJobRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  AbortTraining(argument: _fedcredit_v1_TrainingJobRef, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  AbortTraining(argument: _fedcredit_v1_TrainingJobRef, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  abortTraining(argument: _fedcredit_v1_TrainingJobRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  abortTraining(argument: _fedcredit_v1_TrainingJobRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  abortTraining(argument: _fedcredit_v1_TrainingJobRef, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  abortTraining(argument: _fedcredit_v1_TrainingJobRef, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  
  FinishTraining(argument: _fedcredit_v1_FinishTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  FinishTraining(argument: _fedcredit_v1_FinishTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  FinishTraining(argument: _fedcredit_v1_FinishTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  FinishTraining(argument: _fedcredit_v1_FinishTrainingRequest, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  finishTraining(argument: _fedcredit_v1_FinishTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  finishTraining(argument: _fedcredit_v1_FinishTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  finishTraining(argument: _fedcredit_v1_FinishTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  finishTraining(argument: _fedcredit_v1_FinishTrainingRequest, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  
  StartTraining(argument: _fedcredit_v1_StartTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  StartTraining(argument: _fedcredit_v1_StartTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  StartTraining(argument: _fedcredit_v1_StartTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  StartTraining(argument: _fedcredit_v1_StartTrainingRequest, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _fedcredit_v1_StartTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _fedcredit_v1_StartTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _fedcredit_v1_StartTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _fedcredit_v1_StartTrainingRequest, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  
  Step(argument: _fedcredit_v1_TrainingStep, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingStepResult__Output>): grpc.ClientUnaryCall;
  Step(argument: _fedcredit_v1_TrainingStep, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_TrainingStepResult__Output>): grpc.ClientUnaryCall;
  Step(argument: _fedcredit_v1_TrainingStep, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingStepResult__Output>): grpc.ClientUnaryCall;
  Step(argument: _fedcredit_v1_TrainingStep, callback: grpc.requestCallback<_fedcredit_v1_TrainingStepResult__Output>): grpc.ClientUnaryCall;
  step(argument: _fedcredit_v1_TrainingStep, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingStepResult__Output>): grpc.ClientUnaryCall;
  step(argument: _fedcredit_v1_TrainingStep, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_TrainingStepResult__Output>): grpc.ClientUnaryCall;
  step(argument: _fedcredit_v1_TrainingStep, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingStepResult__Output>): grpc.ClientUnaryCall;
  step(argument: _fedcredit_v1_TrainingStep, callback: grpc.requestCallback<_fedcredit_v1_TrainingStepResult__Output>): grpc.ClientUnaryCall;
  
}

export interface NodeTrainingHandlers extends grpc.UntypedServiceImplementation {
  AbortTraining: grpc.handleUnaryCall<_fedcredit_v1_TrainingJobRef__Output, _fedcredit_v1_TrainingAck>;
  
  FinishTraining: grpc.handleUnaryCall<_fedcredit_v1_FinishTrainingRequest__Output, _fedcredit_v1_FinishTrainingResponse>;
  
  StartTraining: grpc.handleUnaryCall<_fedcredit_v1_StartTrainingRequest__Output, _fedcredit_v1_StartTrainingResponse>;
  
  Step: grpc.handleUnaryCall<_fedcredit_v1_TrainingStep__Output, _fedcredit_v1_TrainingStepResult>;
  
}

export interface NodeTrainingDefinition extends grpc.ServiceDefinition {
  AbortTraining: MethodDefinition<_fedcredit_v1_TrainingJobRef, _fedcredit_v1_TrainingAck, _fedcredit_v1_TrainingJobRef__Output, _fedcredit_v1_TrainingAck__Output>
  FinishTraining: MethodDefinition<_fedcredit_v1_FinishTrainingRequest, _fedcredit_v1_FinishTrainingResponse, _fedcredit_v1_FinishTrainingRequest__Output, _fedcredit_v1_FinishTrainingResponse__Output>
  StartTraining: MethodDefinition<_fedcredit_v1_StartTrainingRequest, _fedcredit_v1_StartTrainingResponse, _fedcredit_v1_StartTrainingRequest__Output, _fedcredit_v1_StartTrainingResponse__Output>
  Step: MethodDefinition<_fedcredit_v1_TrainingStep, _fedcredit_v1_TrainingStepResult, _fedcredit_v1_TrainingStep__Output, _fedcredit_v1_TrainingStepResult__Output>
}
