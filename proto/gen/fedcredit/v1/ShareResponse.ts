// Original file: proto/fedcredit/v1/scoring.proto

import type { Long } from '@grpc/proto-loader';

export interface ShareResponse {
  'site'?: (string);
  'maskedShare'?: (number | string | Long);
  'covered'?: (boolean);
  'sealedExplanation'?: (Buffer | Uint8Array | string);
  'siteKeyStatement'?: (Buffer | Uint8Array | string);
}

export interface ShareResponse__Output {
  'site': (string);
  'maskedShare': (string);
  'covered': (boolean);
  'sealedExplanation': (Buffer);
  'siteKeyStatement': (Buffer);
}
