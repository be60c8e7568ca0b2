// Original file: proto/fedcredit/v1/monitoring.proto

import type { Long } from '@grpc/proto-loader';

export interface MonitoringItem {
  'subject'?: (string);
  'consent'?: (string);
  'instruction'?: (Buffer | Uint8Array | string);
  'signature'?: (Buffer | Uint8Array | string);
  'addIndex'?: (number | string | Long);
}

export interface MonitoringItem__Output {
  'subject': (string);
  'consent': (string);
  'instruction': (Buffer);
  'signature': (Buffer);
  'addIndex': (string);
}
