// Original file: proto/fedcredit/v1/log.proto

import type { Long } from '@grpc/proto-loader';

export interface WitnessAlarm {
  'code'?: (string);
  'reason'?: (string);
  'timeMs'?: (number | string | Long);
  'checkpoint'?: (string);
}

export interface WitnessAlarm__Output {
  'code': (string);
  'reason': (string);
  'timeMs': (string);
  'checkpoint': (string);
}
