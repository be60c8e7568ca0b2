// Original file: proto/fedcredit/v1/alignment.proto

import type { Long } from '@grpc/proto-loader';

export interface PeerKeys {
  'site'?: (string);
  'identityPublicKey'?: (Buffer | Uint8Array | string);
  'sealingPublicKey'?: (Buffer | Uint8Array | string);
  'address'?: (string);
  'registrationTimeMs'?: (number | string | Long);
  'tlsCertificate'?: (Buffer | Uint8Array | string);
  'tlsSignature'?: (Buffer | Uint8Array | string);
}

export interface PeerKeys__Output {
  'site': (string);
  'identityPublicKey': (Buffer);
  'sealingPublicKey': (Buffer);
  'address': (string);
  'registrationTimeMs': (string);
  'tlsCertificate': (Buffer);
  'tlsSignature': (Buffer);
}
