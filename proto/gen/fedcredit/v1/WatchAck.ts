// Original file: proto/fedcredit/v1/monitoring.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchAck {
  'eventId'?: (number | string | Long);
}

export interface WatchAck__Output {
  'eventId': (string);
}
