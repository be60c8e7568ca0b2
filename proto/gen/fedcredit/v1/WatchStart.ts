// Original file: proto/fedcredit/v1/monitoring.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchStart {
  'portfolio'?: (string);
  'after'?: (number | string | Long);
  '_after'?: "after";
}

export interface WatchStart__Output {
  'portfolio': (string);
  'after'?: (string);
  '_after'?: "after";
}
