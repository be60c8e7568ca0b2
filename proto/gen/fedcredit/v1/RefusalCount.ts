// Original file: proto/fedcredit/v1/scoring.proto

import type { Long } from '@grpc/proto-loader';

export interface RefusalCount {
  'code'?: (string);
  'count'?: (number | string | Long);
}

export interface RefusalCount__Output {
  'code': (string);
  'count': (string);
}
