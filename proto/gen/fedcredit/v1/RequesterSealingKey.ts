// Original file: proto/fedcredit/v1/scoring.proto


export interface RequesterSealingKey {
  'publicKey'?: (Buffer | Uint8Array | string);
  'signature'?: (Buffer | Uint8Array | string);
}

export interface RequesterSealingKey__Output {
  'publicKey': (Buffer);
  'signature': (Buffer);
}
