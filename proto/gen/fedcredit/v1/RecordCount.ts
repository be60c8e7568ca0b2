// Original file: proto/fedcredit/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface RecordCount {
  'kind'?: (string);
  'count'?: (number | string | Long);
}

export interface RecordCount__Output {
  'kind': (string);
  'count': (string);
}
