/**
 * Client for the coordinator's Training service: RunTraining's progress stream and the model
 * registry. Used by `fedcredit train`, `fedcredit model`, the demo and tests.
 */
import * as grpc from '@grpc/grpc-js';
import { coordinatorTrainingClient } from '../proto/clients.js';
import { FedcreditError } from '../lib/errors.js';
import { call, fromServiceError } from '../lib/grpc.js';
import type { Transport } from '../lib/tls.js';
import type { RunTrainingRequest } from '../proto/gen/fedcredit/v1/RunTrainingRequest.js';
import type { TrainingProgress__Output } from '../proto/gen/fedcredit/v1/TrainingProgress.js';
import type { ModelInfo__Output } from '../proto/gen/fedcredit/v1/ModelInfo.js';
import type { JobSummary__Output } from '../proto/gen/fedcredit/v1/JobSummary.js';
import type { ModelMetadata } from './model-registry.js';

export type TrainingRequest = RunTrainingRequest;

function parseModel(info: ModelInfo__Output): ModelMetadata {
  try {
    return JSON.parse(info.metadataJson) as ModelMetadata;
  } catch {
    throw new FedcreditError('INTERNAL', `model ${info.modelVersion}: the coordinator sent unreadable metadata`);
  }
}

/** Run (or with resumeJobId, resume or follow) a training job; resolves with the stored model. */
export function runTraining(
  address: string, transport: Transport, request: TrainingRequest, onProgress: (p: TrainingProgress__Output) => void = () => undefined,
): Promise<ModelMetadata> {
  const client = coordinatorTrainingClient(address, transport);
  return new Promise<ModelMetadata>((resolve, reject) => {
    let result: ModelMetadata | undefined;
    const stream = client.RunTraining(request, new grpc.Metadata(), { deadline: Date.now() + 24 * 3600_000 });
    stream.on('data', (p: TrainingProgress__Output) => {
      if (p.model) result = parseModel(p.model);
      onProgress(p);
    });
    stream.on('error', (err) => reject(fromServiceError(err, address)));
    stream.on('end', () => (result ? resolve(result) : reject(new FedcreditError('UNAVAILABLE', `${address} ended the training stream without a model`))));
  }).finally(() => client.close());
}

export async function getModel(address: string, transport: Transport, version: string): Promise<ModelMetadata> {
  const client = coordinatorTrainingClient(address, transport);
  try {
    return parseModel(await call(client, client.GetModel, { modelVersion: version }));
  } finally {
    client.close();
  }
}

export async function listModels(address: string, transport: Transport): Promise<ModelMetadata[]> {
  const client = coordinatorTrainingClient(address, transport);
  try {
    return (await call(client, client.ListModels, {})).models.map(parseModel);
  } finally {
    client.close();
  }
}

/** The coordinator's training jobs (Training.ListJobs), newest first; `jobId` for one job. */
export async function listJobs(address: string, transport: Transport, request: { limit?: number; jobId?: string } = {}): Promise<JobSummary__Output[]> {
  const client = coordinatorTrainingClient(address, transport);
  try {
    return (await call(client, client.ListJobs, { limit: request.limit ?? 0, jobId: request.jobId ?? '' })).jobs;
  } finally {
    client.close();
  }
}
