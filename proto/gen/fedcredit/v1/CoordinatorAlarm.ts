// Original file: proto/fedcredit/v1/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface CoordinatorAlarm {
  'code'?: (string);
  'site'?: (string);
  'message'?: (string);
  'sinceMs'?: (number | string | Long);
}

export interface CoordinatorAlarm__Output {
  'code': (string);
  'site': (string);
  'message': (string);
  'sinceMs': (string);
}
