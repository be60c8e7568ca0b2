// Original file: proto/fedcredit/v1/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface RemoveNodeResponse {
  'site'?: (string);
  'removedIdentityPublicKey'?: (Buffer | Uint8Array | string);
  'logIndex'?: (number | string | Long);
}

export interface RemoveNodeResponse__Output {
  'site': (string);
  'removedIdentityPublicKey': (Buffer);
  'logIndex': (string);
}
