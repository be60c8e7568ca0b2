// Original file: proto/fedcredit/v1/training.proto

import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from '../../google/protobuf/Any.js';

export interface TrainingStepResult {
  'site'?: (string);
  'payload'?: (_google_protobuf_Any | null);
}

export interface TrainingStepResult__Output {
  'site': (string);
  'payload': (_google_protobuf_Any__Output | null);
}
