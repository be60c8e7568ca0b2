// Original file: proto/fedcredit/v1/training.proto

import type { TrainingStepRef as _fedcredit_v1_TrainingStepRef, TrainingStepRef__Output as _fedcredit_v1_TrainingStepRef__Output } from '../../fedcredit/v1/TrainingStepRef.js';

export interface FinishEpochRequest {
  'ref'?: (_fedcredit_v1_TrainingStepRef | null);
  'values'?: (number | string)[];
}

export interface FinishEpochRequest__Output {
  'ref': (_fedcredit_v1_TrainingStepRef__Output | null);
  'values': (number)[];
}
