// Original file: proto/fedcredit/v1/training.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ApplyGradientRequest as _fedcredit_v1_ApplyGradientRequest, ApplyGradientRequest__Output as _fedcredit_v1_ApplyGradientRequest__Output } from '../../fedcredit/v1/ApplyGradientRequest.js';
import type { EpochOutcome as _fedcredit_v1_EpochOutcome, EpochOutcome__Output as _fedcredit_v1_EpochOutcome__Output } from '../../fedcredit/v1/EpochOutcome.js';
import type { EpochResultRequest as _fedcredit_v1_EpochResultRequest, EpochResultRequest__Output as _fedcredit_v1_EpochResultRequest__Output } from '../../fedcredit/v1/EpochResultRequest.js';
import type { FinishEpochRequest as _fedcredit_v1_FinishEpochRequest, FinishEpochRequest__Output as _fedcredit_v1_FinishEpochRequest__Output } from '../../fedcredit/v1/FinishEpochRequest.js';
import type { FinishTrainingRequest as _fedcredit_v1_FinishTrainingRequest, FinishTrainingRequest__Output as _fedcredit_v1_FinishTrainingRequest__Output } from '../../fedcredit/v1/FinishTrainingRequest.js';
import type { FinishTrainingResponse as _fedcredit_v1_FinishTrainingResponse, FinishTrainingResponse__Output as _fedcredit_v1_FinishTrainingResponse__Output } from '../../fedcredit/v1/FinishTrainingResponse.js';
import type { GradientRequest as _fedcredit_v1_GradientRequest, GradientRequest__Output as _fedcredit_v1_GradientRequest__Output } from '../../fedcredit/v1/GradientRequest.js';
import type { MaskedGradient as _fedcredit_v1_MaskedGradient, MaskedGradient__Output as _fedcredit_v1_MaskedGradient__Output } from '../../fedcredit/v1/MaskedGradient.js';
import type { MaskedScoresRequest as _fedcredit_v1_MaskedScoresRequest, MaskedScoresRequest__Output as _fedcredit_v1_MaskedScoresRequest__Output } from '../../fedcredit/v1/MaskedScoresRequest.js';
import type { MaskedScoresResponse as _fedcredit_v1_MaskedScoresResponse, MaskedScoresResponse__Output as _fedcredit_v1_MaskedScoresResponse__Output } from '../../fedcredit/v1/MaskedScoresResponse.js';
import type { ResidualRequest as _fedcredit_v1_ResidualRequest, ResidualRequest__Output as _fedcredit_v1_ResidualRequest__Output } from '../../fedcredit/v1/ResidualRequest.js';
import type { ResidualResponse as _fedcredit_v1_ResidualResponse, ResidualResponse__Output as _fedcredit_v1_ResidualResponse__Output } from '../../fedcredit/v1/ResidualResponse.js';
import type { SealedPayload as _fedcredit_v1_SealedPayload, SealedPayload__Output as _fedcredit_v1_SealedPayload__Output } from '../../fedcredit/v1/SealedPayload.js';
import type { StartTrainingRequest as _fedcredit_v1_StartTrainingRequest, StartTrainingRequest__Output as _fedcredit_v1_StartTrainingRequest__Output } from '../../fedcredit/v1/StartTrainingRequest.js';
import type { StartTrainingResponse as _fedcredit_v1_StartTrainingResponse, StartTrainingResponse__Output as _fedcredit_v1_StartTrainingResponse__Output } from '../../fedcredit/v1/StartTrainingResponse.js';
import type { TrainingAck as _fedcredit_v1_TrainingAck, TrainingAck__Output as _fedcredit_v1_TrainingAck__Output } from '../../fedcredit/v1/TrainingAck.js';
import type { TrainingJobRef as _fedcredit_v1_TrainingJobRef, TrainingJobRef__Output as _fedcredit_v1_TrainingJobRef__Output } from '../../fedcredit/v1/TrainingJobRef.js';
import type { TrainingStepRef as _fedcredit_v1_TrainingStepRef, TrainingStepRef__Output as _fedcredit_v1_TrainingStepRef__Output } from '../../fedcredit/v1/TrainingStepRef.js';

export interface NodeTrainingClient extends grpc.Client {
  AbortTraining(argument: _fedcredit_v1_TrainingJobRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  AbortTraining(argument: _fedcredit_v1_TrainingJobRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  AbortTraining(argument: _fedcredit_v1_TrainingJobRef, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  AbortTraining(argument: _fedcredit_v1_TrainingJobRef, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  abortTraining(argument: _fedcredit_v1_TrainingJobRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  abortTraining(argument: _fedcredit_v1_TrainingJobRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  abortTraining(argument: _fedcredit_v1_TrainingJobRef, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  abortTraining(argument: _fedcredit_v1_TrainingJobRef, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  
  ApplyGradient(argument: _fedcredit_v1_ApplyGradientRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  ApplyGradient(argument: _fedcredit_v1_ApplyGradientRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  ApplyGradient(argument: _fedcredit_v1_ApplyGradientRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  ApplyGradient(argument: _fedcredit_v1_ApplyGradientRequest, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  applyGradient(argument: _fedcredit_v1_ApplyGradientRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  applyGradient(argument: _fedcredit_v1_ApplyGradientRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  applyGradient(argument: _fedcredit_v1_ApplyGradientRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  applyGradient(argument: _fedcredit_v1_ApplyGradientRequest, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  
  EpochResult(argument: _fedcredit_v1_EpochResultRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  EpochResult(argument: _fedcredit_v1_EpochResultRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  EpochResult(argument: _fedcredit_v1_EpochResultRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  EpochResult(argument: _fedcredit_v1_EpochResultRequest, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  epochResult(argument: _fedcredit_v1_EpochResultRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  epochResult(argument: _fedcredit_v1_EpochResultRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  epochResult(argument: _fedcredit_v1_EpochResultRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  epochResult(argument: _fedcredit_v1_EpochResultRequest, callback: grpc.requestCallback<_fedcredit_v1_TrainingAck__Output>): grpc.ClientUnaryCall;
  
  FinishEpoch(argument: _fedcredit_v1_FinishEpochRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_EpochOutcome__Output>): grpc.ClientUnaryCall;
  FinishEpoch(argument: _fedcredit_v1_FinishEpochRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_EpochOutcome__Output>): grpc.ClientUnaryCall;
  FinishEpoch(argument: _fedcredit_v1_FinishEpochRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_EpochOutcome__Output>): grpc.ClientUnaryCall;
  FinishEpoch(argument: _fedcredit_v1_FinishEpochRequest, callback: grpc.requestCallback<_fedcredit_v1_EpochOutcome__Output>): grpc.ClientUnaryCall;
  finishEpoch(argument: _fedcredit_v1_FinishEpochRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_EpochOutcome__Output>): grpc.ClientUnaryCall;
  finishEpoch(argument: _fedcredit_v1_FinishEpochRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_EpochOutcome__Output>): grpc.ClientUnaryCall;
  finishEpoch(argument: _fedcredit_v1_FinishEpochRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_EpochOutcome__Output>): grpc.ClientUnaryCall;
  finishEpoch(argument: _fedcredit_v1_FinishEpochRequest, callback: grpc.requestCallback<_fedcredit_v1_EpochOutcome__Output>): grpc.ClientUnaryCall;
  
  FinishTraining(argument: _fedcredit_v1_FinishTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  FinishTraining(argument: _fedcredit_v1_FinishTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  FinishTraining(argument: _fedcredit_v1_FinishTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  FinishTraining(argument: _fedcredit_v1_FinishTrainingRequest, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  finishTraining(argument: _fedcredit_v1_FinishTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  finishTraining(argument: _fedcredit_v1_FinishTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  finishTraining(argument: _fedcredit_v1_FinishTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  finishTraining(argument: _fedcredit_v1_FinishTrainingRequest, callback: grpc.requestCallback<_fedcredit_v1_FinishTrainingResponse__Output>): grpc.ClientUnaryCall;
  
  Gradient(argument: _fedcredit_v1_GradientRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_MaskedGradient__Output>): grpc.ClientUnaryCall;
  Gradient(argument: _fedcredit_v1_GradientRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_MaskedGradient__Output>): grpc.ClientUnaryCall;
  Gradient(argument: _fedcredit_v1_GradientRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_MaskedGradient__Output>): grpc.ClientUnaryCall;
  Gradient(argument: _fedcredit_v1_GradientRequest, callback: grpc.requestCallback<_fedcredit_v1_MaskedGradient__Output>): grpc.ClientUnaryCall;
  gradient(argument: _fedcredit_v1_GradientRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_MaskedGradient__Output>): grpc.ClientUnaryCall;
  gradient(argument: _fedcredit_v1_GradientRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_MaskedGradient__Output>): grpc.ClientUnaryCall;
  gradient(argument: _fedcredit_v1_GradientRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_MaskedGradient__Output>): grpc.ClientUnaryCall;
  gradient(argument: _fedcredit_v1_GradientRequest, callback: grpc.requestCallback<_fedcredit_v1_MaskedGradient__Output>): grpc.ClientUnaryCall;
  
  MaskedScores(argument: _fedcredit_v1_MaskedScoresRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_MaskedScoresResponse__Output>): grpc.ClientUnaryCall;
  MaskedScores(argument: _fedcredit_v1_MaskedScoresRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_MaskedScoresResponse__Output>): grpc.ClientUnaryCall;
  MaskedScores(argument: _fedcredit_v1_MaskedScoresRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_MaskedScoresResponse__Output>): grpc.ClientUnaryCall;
  MaskedScores(argument: _fedcredit_v1_MaskedScoresRequest, callback: grpc.requestCallback<_fedcredit_v1_MaskedScoresResponse__Output>): grpc.ClientUnaryCall;
  maskedScores(argument: _fedcredit_v1_MaskedScoresRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_MaskedScoresResponse__Output>): grpc.ClientUnaryCall;
  maskedScores(argument: _fedcredit_v1_MaskedScoresRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_MaskedScoresResponse__Output>): grpc.ClientUnaryCall;
  maskedScores(argument: _fedcredit_v1_MaskedScoresRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_MaskedScoresResponse__Output>): grpc.ClientUnaryCall;
  maskedScores(argument: _fedcredit_v1_MaskedScoresRequest, callback: grpc.requestCallback<_fedcredit_v1_MaskedScoresResponse__Output>): grpc.ClientUnaryCall;
  
  PartialLinear(argument: _fedcredit_v1_TrainingStepRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  PartialLinear(argument: _fedcredit_v1_TrainingStepRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  PartialLinear(argument: _fedcredit_v1_TrainingStepRef, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  PartialLinear(argument: _fedcredit_v1_TrainingStepRef, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  partialLinear(argument: _fedcredit_v1_TrainingStepRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  partialLinear(argument: _fedcredit_v1_TrainingStepRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  partialLinear(argument: _fedcredit_v1_TrainingStepRef, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  partialLinear(argument: _fedcredit_v1_TrainingStepRef, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  
  Residual(argument: _fedcredit_v1_ResidualRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ResidualResponse__Output>): grpc.ClientUnaryCall;
  Residual(argument: _fedcredit_v1_ResidualRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ResidualResponse__Output>): grpc.ClientUnaryCall;
  Residual(argument: _fedcredit_v1_ResidualRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ResidualResponse__Output>): grpc.ClientUnaryCall;
  Residual(argument: _fedcredit_v1_ResidualRequest, callback: grpc.requestCallback<_fedcredit_v1_ResidualResponse__Output>): grpc.ClientUnaryCall;
  residual(argument: _fedcredit_v1_ResidualRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ResidualResponse__Output>): grpc.ClientUnaryCall;
  residual(argument: _fedcredit_v1_ResidualRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_ResidualResponse__Output>): grpc.ClientUnaryCall;
  residual(argument: _fedcredit_v1_ResidualRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_ResidualResponse__Output>): grpc.ClientUnaryCall;
  residual(argument: _fedcredit_v1_ResidualRequest, callback: grpc.requestCallback<_fedcredit_v1_ResidualResponse__Output>): grpc.ClientUnaryCall;
  
  StartTraining(argument: _fedcredit_v1_StartTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  StartTraining(argument: _fedcredit_v1_StartTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  StartTraining(argument: _fedcredit_v1_StartTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  StartTraining(argument: _fedcredit_v1_StartTrainingRequest, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _fedcredit_v1_StartTrainingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _fedcredit_v1_StartTrainingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _fedcredit_v1_StartTrainingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  startTraining(argument: _fedcredit_v1_StartTrainingRequest, callback: grpc.requestCallback<_fedcredit_v1_StartTrainingResponse__Output>): grpc.ClientUnaryCall;
  
  ValidationPartial(argument: _fedcredit_v1_TrainingStepRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  ValidationPartial(argument: _fedcredit_v1_TrainingStepRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  ValidationPartial(argument: _fedcredit_v1_TrainingStepRef, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  ValidationPartial(argument: _fedcredit_v1_TrainingStepRef, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  validationPartial(argument: _fedcredit_v1_TrainingStepRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  validationPartial(argument: _fedcredit_v1_TrainingStepRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  validationPartial(argument: _fedcredit_v1_TrainingStepRef, options: grpc.CallOptions, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  validationPartial(argument: _fedcredit_v1_TrainingStepRef, callback: grpc.requestCallback<_fedcredit_v1_SealedPayload__Output>): grpc.ClientUnaryCall;
  
}

export interface NodeTrainingHandlers extends grpc.UntypedServiceImplementation {
  AbortTraining: grpc.handleUnaryCall<_fedcredit_v1_TrainingJobRef__Output, _fedcredit_v1_TrainingAck>;
  
  ApplyGradient: grpc.handleUnaryCall<_fedcredit_v1_ApplyGradientRequest__Output, _fedcredit_v1_TrainingAck>;
  
  EpochResult: grpc.handleUnaryCall<_fedcredit_v1_EpochResultRequest__Output, _fedcredit_v1_TrainingAck>;
  
  FinishEpoch: grpc.handleUnaryCall<_fedcredit_v1_FinishEpochRequest__Output, _fedcredit_v1_EpochOutcome>;
  
  FinishTraining: grpc.handleUnaryCall<_fedcredit_v1_FinishTrainingRequest__Output, _fedcredit_v1_FinishTrainingResponse>;
  
  Gradient: grpc.handleUnaryCall<_fedcredit_v1_GradientRequest__Output, _fedcredit_v1_MaskedGradient>;
  
  MaskedScores: grpc.handleUnaryCall<_fedcredit_v1_MaskedScoresRequest__Output, _fedcredit_v1_MaskedScoresResponse>;
  
  PartialLinear: grpc.handleUnaryCall<_fedcredit_v1_TrainingStepRef__Output, _fedcredit_v1_SealedPayload>;
  
  Residual: grpc.handleUnaryCall<_fedcredit_v1_ResidualRequest__Output, _fedcredit_v1_ResidualResponse>;
  
  StartTraining: grpc.handleUnaryCall<_fedcredit_v1_StartTrainingRequest__Output, _fedcredit_v1_StartTrainingResponse>;
  
  ValidationPartial: grpc.handleUnaryCall<_fedcredit_v1_TrainingStepRef__Output, _fedcredit_v1_SealedPayload>;
  
}

export interface NodeTrainingDefinition extends grpc.ServiceDefinition {
  AbortTraining: MethodDefinition<_fedcredit_v1_TrainingJobRef, _fedcredit_v1_TrainingAck, _fedcredit_v1_TrainingJobRef__Output, _fedcredit_v1_TrainingAck__Output>
  ApplyGradient: MethodDefinition<_fedcredit_v1_ApplyGradientRequest, _fedcredit_v1_TrainingAck, _fedcredit_v1_ApplyGradientRequest__Output, _fedcredit_v1_TrainingAck__Output>
  EpochResult: MethodDefinition<_fedcredit_v1_EpochResultRequest, _fedcredit_v1_TrainingAck, _fedcredit_v1_EpochResultRequest__Output, _fedcredit_v1_TrainingAck__Output>
  FinishEpoch: MethodDefinition<_fedcredit_v1_FinishEpochRequest, _fedcredit_v1_EpochOutcome, _fedcredit_v1_FinishEpochRequest__Output, _fedcredit_v1_EpochOutcome__Output>
  FinishTraining: MethodDefinition<_fedcredit_v1_FinishTrainingRequest, _fedcredit_v1_FinishTrainingResponse, _fedcredit_v1_FinishTrainingRequest__Output, _fedcredit_v1_FinishTrainingResponse__Output>
  Gradient: MethodDefinition<_fedcredit_v1_GradientRequest, _fedcredit_v1_MaskedGradient, _fedcredit_v1_GradientRequest__Output, _fedcredit_v1_MaskedGradient__Output>
  MaskedScores: MethodDefinition<_fedcredit_v1_MaskedScoresRequest, _fedcredit_v1_MaskedScoresResponse, _fedcredit_v1_MaskedScoresRequest__Output, _fedcredit_v1_MaskedScoresResponse__Output>
  PartialLinear: MethodDefinition<_fedcredit_v1_TrainingStepRef, _fedcredit_v1_SealedPayload, _fedcredit_v1_TrainingStepRef__Output, _fedcredit_v1_SealedPayload__Output>
  Residual: MethodDefinition<_fedcredit_v1_ResidualRequest, _fedcredit_v1_ResidualResponse, _fedcredit_v1_ResidualRequest__Output, _fedcredit_v1_ResidualResponse__Output>
  StartTraining: MethodDefinition<_fedcredit_v1_StartTrainingRequest, _fedcredit_v1_StartTrainingResponse, _fedcredit_v1_StartTrainingRequest__Output, _fedcredit_v1_StartTrainingResponse__Output>
  ValidationPartial: MethodDefinition<_fedcredit_v1_TrainingStepRef, _fedcredit_v1_SealedPayload, _fedcredit_v1_TrainingStepRef__Output, _fedcredit_v1_SealedPayload__Output>
}
