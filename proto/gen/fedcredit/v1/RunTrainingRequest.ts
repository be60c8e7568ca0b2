// Original file: proto/fedcredit/v1/training.proto

import type { Preprocessing as _fedcredit_v1_Preprocessing, Preprocessing__Output as _fedcredit_v1_Preprocessing__Output } from '../../fedcredit/v1/Preprocessing.js';
import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from '../../google/protobuf/Any.js';

export interface RunTrainingRequest {
  'alignmentId'?: (string);
  'epochs'?: (number);
  'batchSize'?: (number);
  'learningRate'?: (number | string);
  'l2'?: (number | string);
  'decay'?: (number | string);
  'seed'?: (number);
  'patience'?: (number);
  'purpose'?: (string);
  'resumeJobId'?: (string);
  'plaintext'?: (boolean);
  'modelKind'?: (string);
  'preprocessing'?: (_fedcredit_v1_Preprocessing | null);
  'kindParams'?: (_google_protobuf_Any | null);
  'followOnly'?: (boolean);
}

export interface RunTrainingRequest__Output {
  'alignmentId': (string);
  'epochs': (number);
  'batchSize': (number);
  'learningRate': (number);
  'l2': (number);
  'decay': (number);
  'seed': (number);
  'patience': (number);
  'purpose': (string);
  'resumeJobId': (string);
  'plaintext': (boolean);
  'modelKind': (string);
  'preprocessing': (_fedcredit_v1_Preprocessing__Output | null);
  'kindParams': (_google_protobuf_Any__Output | null);
  'followOnly': (boolean);
}
