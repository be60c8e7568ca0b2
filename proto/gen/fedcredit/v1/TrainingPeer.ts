// Original file: proto/fedcredit/v1/training.proto


export interface TrainingPeer {
  'site'?: (string);
  'identityPublicKey'?: (Buffer | Uint8Array | string);
  'sealingPublicKey'?: (Buffer | Uint8Array | string);
}

export interface TrainingPeer__Output {
  'site': (string);
  'identityPublicKey': (Buffer);
  'sealingPublicKey': (Buffer);
}
