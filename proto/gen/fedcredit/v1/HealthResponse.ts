// Original file: proto/fedcredit/v1/common.proto


export interface HealthResponse {
  'status'?: (string);
  'role'?: (string);
  'version'?: (string);
  'identityPublicKey'?: (Buffer | Uint8Array | string);
  'uptimeSeconds'?: (number | string);
  'detail'?: (string);
}

export interface HealthResponse__Output {
  'status': (string);
  'role': (string);
  'version': (string);
  'identityPublicKey': (Buffer);
  'uptimeSeconds': (number);
  'detail': (string);
}
