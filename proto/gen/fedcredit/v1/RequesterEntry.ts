// Original file: proto/fedcredit/v1/scoring.proto

import type { Long } from '@grpc/proto-loader';

export interface RequesterEntry {
  'logIndex'?: (number | string | Long);
  'entry'?: (Buffer | Uint8Array | string);
}

export interface RequesterEntry__Output {
  'logIndex': (string);
  'entry': (Buffer);
}
