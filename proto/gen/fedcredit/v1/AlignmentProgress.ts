// Original file: proto/fedcredit/v1/alignment.proto

import type { AlignmentSummary as _fedcredit_v1_AlignmentSummary, AlignmentSummary__Output as _fedcredit_v1_AlignmentSummary__Output } from '../../fedcredit/v1/AlignmentSummary.js';
import type { Long } from '@grpc/proto-loader';

export interface AlignmentProgress {
  'stage'?: (string);
  'site'?: (string);
  'message'?: (string);
  'bytesRelayed'?: (number | string | Long);
  'result'?: (_fedcredit_v1_AlignmentSummary | null);
}

export interface AlignmentProgress__Output {
  'stage': (string);
  'site': (string);
  'message': (string);
  'bytesRelayed': (string);
  'result': (_fedcredit_v1_AlignmentSummary__Output | null);
}
