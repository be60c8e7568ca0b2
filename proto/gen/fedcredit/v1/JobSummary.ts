// Original file: proto/fedcredit/v1/training.proto

import type { Long } from '@grpc/proto-loader';

export interface JobSummary {
  'jobId'?: (string);
  'alignmentId'?: (string);
  'modelKind'?: (string);
  'purpose'?: (string);
  'stage'?: (string);
  'epoch'?: (number);
  'epochs'?: (number);
  'validationAuc'?: (number | string);
  'startedMs'?: (number | string | Long);
  'finishedMs'?: (number | string | Long);
  'modelVersion'?: (string);
  'errorCode'?: (string);
  'errorMessage'?: (string);
  'running'?: (boolean);
  'step'?: (number);
  'batches'?: (number);
  'aucHistory'?: (number | string)[];
  'epochSeconds'?: (number | string)[];
  'trainSize'?: (number);
  'validationSize'?: (number);
  'sites'?: (string)[];
}

export interface JobSummary__Output {
  'jobId': (string);
  'alignmentId': (string);
  'modelKind': (string);
  'purpose': (string);
  'stage': (string);
  'epoch': (number);
  'epochs': (number);
  'validationAuc': (number);
  'startedMs': (string);
  'finishedMs': (string);
  'modelVersion': (string);
  'errorCode': (string);
  'errorMessage': (string);
  'running': (boolean);
  'step': (number);
  'batches': (number);
  'aucHistory': (number)[];
  'epochSeconds': (number)[];
  'trainSize': (number);
  'validationSize': (number);
  'sites': (string)[];
}
