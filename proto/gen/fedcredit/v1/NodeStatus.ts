// Original file: proto/fedcredit/v1/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface NodeStatus {
  'site'?: (string);
  'address'?: (string);
  'identityPublicKey'?: (Buffer | Uint8Array | string);
  'registeredAtMs'?: (number | string | Long);
  'health'?: (string);
  'lastSeenMs'?: (number | string | Long);
  'lastError'?: (string);
  'sealingPublicKey'?: (Buffer | Uint8Array | string);
}

export interface NodeStatus__Output {
  'site': (string);
  'address': (string);
  'identityPublicKey': (Buffer);
  'registeredAtMs': (string);
  'health': (string);
  'lastSeenMs': (string);
  'lastError': (string);
  'sealingPublicKey': (Buffer);
}
