// Original file: proto/fedcredit/v1/alignment.proto

import type { Long } from '@grpc/proto-loader';

export interface AlignmentRef {
  'alignmentId'?: (string);
  'logIndex'?: (number | string | Long);
  'entry'?: (Buffer | Uint8Array | string);
}

export interface AlignmentRef__Output {
  'alignmentId': (string);
  'logIndex': (string);
  'entry': (Buffer);
}
