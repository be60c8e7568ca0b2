// Original file: proto/fedcredit/v1/training.proto

import type { TrainingPeer as _fedcredit_v1_TrainingPeer, TrainingPeer__Output as _fedcredit_v1_TrainingPeer__Output } from '../../fedcredit/v1/TrainingPeer.js';
import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from '../../google/protobuf/Any.js';
import type { TrainingParams as _fedcredit_v1_TrainingParams, TrainingParams__Output as _fedcredit_v1_TrainingParams__Output } from '../../fedcredit/v1/TrainingParams.js';
import type { Long } from '@grpc/proto-loader';

export interface StartTrainingRequest {
  'jobId'?: (string);
  'alignmentId'?: (string);
  'alignmentDigest'?: (string);
  'purpose'?: (string);
  'bank'?: (string);
  'passives'?: (string)[];
  'peers'?: (_fedcredit_v1_TrainingPeer)[];
  'checkOnly'?: (boolean);
  'plaintext'?: (boolean);
  'modelVersion'?: (string);
  'logIndex'?: (number | string | Long);
  'entry'?: (Buffer | Uint8Array | string);
  'modelKind'?: (string);
  'kindStart'?: (_google_protobuf_Any | null);
  'params'?: (_fedcredit_v1_TrainingParams | null);
}

export interface StartTrainingRequest__Output {
  'jobId': (string);
  'alignmentId': (string);
  'alignmentDigest': (string);
  'purpose': (string);
  'bank': (string);
  'passives': (string)[];
  'peers': (_fedcredit_v1_TrainingPeer__Output)[];
  'checkOnly': (boolean);
  'plaintext': (boolean);
  'modelVersion': (string);
  'logIndex': (string);
  'entry': (Buffer);
  'modelKind': (string);
  'kindStart': (_google_protobuf_Any__Output | null);
  'params': (_fedcredit_v1_TrainingParams__Output | null);
}
