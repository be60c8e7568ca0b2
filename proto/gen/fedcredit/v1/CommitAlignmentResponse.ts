// Original file: proto/fedcredit/v1/alignment.proto

import type { Long } from '@grpc/proto-loader';

export interface CommitAlignmentResponse {
  'site'?: (string);
  'stored'?: (number | string | Long);
}

export interface CommitAlignmentResponse__Output {
  'site': (string);
  'stored': (string);
}
