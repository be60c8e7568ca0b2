// Original file: proto/fedcredit/v1/log.proto

import type { Long } from '@grpc/proto-loader';

export interface GetEntriesRequest {
  'from'?: (number | string | Long);
  'to'?: (number | string | Long);
}

export interface GetEntriesRequest__Output {
  'from': (string);
  'to': (string);
}
