// Original file: proto/fedcredit/v1/log.proto

import type { Long } from '@grpc/proto-loader';

export interface GetServedRecordsRequest {
  'from'?: (number | string | Long);
}

export interface GetServedRecordsRequest__Output {
  'from': (string);
}
