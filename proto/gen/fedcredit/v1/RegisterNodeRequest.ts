// Original file: proto/fedcredit/v1/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface RegisterNodeRequest {
  'site'?: (string);
  'address'?: (string);
  'identityPublicKey'?: (Buffer | Uint8Array | string);
  'timestampMs'?: (number | string | Long);
  'signature'?: (Buffer | Uint8Array | string);
  'sealingPublicKey'?: (Buffer | Uint8Array | string);
  'tlsCertificate'?: (Buffer | Uint8Array | string);
  'tlsSignature'?: (Buffer | Uint8Array | string);
  'previousIdentityPublicKey'?: (Buffer | Uint8Array | string);
  'previousKeySignature'?: (Buffer | Uint8Array | string);
  'rotatedAtMs'?: (number | string | Long);
}

export interface RegisterNodeRequest__Output {
  'site': (string);
  'address': (string);
  'identityPublicKey': (Buffer);
  'timestampMs': (string);
  'signature': (Buffer);
  'sealingPublicKey': (Buffer);
  'tlsCertificate': (Buffer);
  'tlsSignature': (Buffer);
  'previousIdentityPublicKey': (Buffer);
  'previousKeySignature': (Buffer);
  'rotatedAtMs': (string);
}
