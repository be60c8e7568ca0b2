// Original file: proto/fedcredit/v1/log.proto

import type { Long } from '@grpc/proto-loader';

export interface EntriesResponse {
  'from'?: (number | string | Long);
  'entries'?: (Buffer | Uint8Array | string)[];
}

export interface EntriesResponse__Output {
  'from': (string);
  'entries': (Buffer)[];
}
