// Original file: proto/fedcredit/v1/scoring.proto

import type { Long } from '@grpc/proto-loader';

export interface GetReceiptRequest {
  'logIndex'?: (number | string | Long);
  'waitMs'?: (number);
}

export interface GetReceiptRequest__Output {
  'logIndex': (string);
  'waitMs': (number);
}
