// Original file: proto/fedcredit/v1/training.proto


export interface MaskedScoresResponse {
  'samples'?: (number);
  'ciphertexts'?: (Buffer | Uint8Array | string)[];
}

export interface MaskedScoresResponse__Output {
  'samples': (number);
  'ciphertexts': (Buffer)[];
}
