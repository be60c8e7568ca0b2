// Original file: proto/fedcredit/v1/training.proto

import type { TrainingStepRef as _fedcredit_v1_TrainingStepRef, TrainingStepRef__Output as _fedcredit_v1_TrainingStepRef__Output } from '../../fedcredit/v1/TrainingStepRef.js';
import type { SealedPayload as _fedcredit_v1_SealedPayload, SealedPayload__Output as _fedcredit_v1_SealedPayload__Output } from '../../fedcredit/v1/SealedPayload.js';

export interface GradientRequest {
  'ref'?: (_fedcredit_v1_TrainingStepRef | null);
  'residual'?: (_fedcredit_v1_SealedPayload | null);
}

export interface GradientRequest__Output {
  'ref': (_fedcredit_v1_TrainingStepRef__Output | null);
  'residual': (_fedcredit_v1_SealedPayload__Output | null);
}
