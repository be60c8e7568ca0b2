// Original file: proto/fedcredit/v1/training.proto

import type { ModelInfo as _fedcredit_v1_ModelInfo, ModelInfo__Output as _fedcredit_v1_ModelInfo__Output } from '../../fedcredit/v1/ModelInfo.js';

export interface TrainingProgress {
  'stage'?: (string);
  'jobId'?: (string);
  'message'?: (string);
  'epoch'?: (number);
  'validationAuc'?: (number | string);
  'elapsedSeconds'?: (number | string);
  'model'?: (_fedcredit_v1_ModelInfo | null);
}

export interface TrainingProgress__Output {
  'stage': (string);
  'jobId': (string);
  'message': (string);
  'epoch': (number);
  'validationAuc': (number);
  'elapsedSeconds': (number);
  'model': (_fedcredit_v1_ModelInfo__Output | null);
}
