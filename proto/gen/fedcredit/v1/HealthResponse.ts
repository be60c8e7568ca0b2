// Original file: proto/fedcredit/v1/common.proto

import type { Long } from '@grpc/proto-loader';

export interface HealthResponse {
  'status'?: (string);
  'role'?: (string);
  'version'?: (string);
  'identityPublicKey'?: (Buffer | Uint8Array | string);
  'uptimeSeconds'?: (number | string);
  'detail'?: (string);
  'featuresEpoch'?: (number | string | Long);
  'asOf'?: (string);
}

export interface HealthResponse__Output {
  'status': (string);
  'role': (string);
  'version': (string);
  'identityPublicKey': (Buffer);
  'uptimeSeconds': (number);
  'detail': (string);
  'featuresEpoch': (string);
  'asOf': (string);
}
