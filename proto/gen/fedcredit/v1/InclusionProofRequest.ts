// Original file: proto/fedcredit/v1/log.proto

import type { Long } from '@grpc/proto-loader';

export interface InclusionProofRequest {
  'index'?: (number | string | Long);
  'treeSize'?: (number | string | Long);
}

export interface InclusionProofRequest__Output {
  'index': (string);
  'treeSize': (string);
}
