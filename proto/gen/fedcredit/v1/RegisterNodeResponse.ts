// Original file: proto/fedcredit/v1/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface RegisterNodeResponse {
  'site'?: (string);
  'replaced'?: (boolean);
  'logIndex'?: (number | string | Long);
  'rotated'?: (boolean);
}

export interface RegisterNodeResponse__Output {
  'site': (string);
  'replaced': (boolean);
  'logIndex': (string);
  'rotated': (boolean);
}
