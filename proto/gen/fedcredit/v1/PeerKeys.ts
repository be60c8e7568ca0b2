// Original file: proto/fedcredit/v1/alignment.proto


export interface PeerKeys {
  'site'?: (string);
  'identityPublicKey'?: (Buffer | Uint8Array | string);
  'sealingPublicKey'?: (Buffer | Uint8Array | string);
}

export interface PeerKeys__Output {
  'site': (string);
  'identityPublicKey': (Buffer);
  'sealingPublicKey': (Buffer);
}
