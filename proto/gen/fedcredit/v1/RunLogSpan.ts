// Original file: proto/fedcredit/v1/monitoring.proto

import type { Long } from '@grpc/proto-loader';

export interface RunLogSpan {
  'firstIndex'?: (number | string | Long);
  'lastIndex'?: (number | string | Long);
  'entries'?: (number | string | Long);
  'bytes'?: (number | string | Long);
}

export interface RunLogSpan__Output {
  'firstIndex': (string);
  'lastIndex': (string);
  'entries': (string);
  'bytes': (string);
}
