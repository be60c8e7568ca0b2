// Original file: proto/fedcredit/v1/training.proto

import type { TrainingStepRef as _fedcredit_v1_TrainingStepRef, TrainingStepRef__Output as _fedcredit_v1_TrainingStepRef__Output } from '../../fedcredit/v1/TrainingStepRef.js';
import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from '../../google/protobuf/Any.js';

export interface TrainingStep {
  'ref'?: (_fedcredit_v1_TrainingStepRef | null);
  'modelKind'?: (string);
  'name'?: (string);
  'payload'?: (_google_protobuf_Any | null);
}

export interface TrainingStep__Output {
  'ref': (_fedcredit_v1_TrainingStepRef__Output | null);
  'modelKind': (string);
  'name': (string);
  'payload': (_google_protobuf_Any__Output | null);
}
