// Original file: proto/fedcredit/v1/log.proto

import type { Long } from '@grpc/proto-loader';

export interface ConsistencyProofRequest {
  'oldSize'?: (number | string | Long);
  'newSize'?: (number | string | Long);
}

export interface ConsistencyProofRequest__Output {
  'oldSize': (string);
  'newSize': (string);
}
