// Original file: proto/fedcredit/v1/training.proto


export interface MaskedGradient {
  'site'?: (string);
  'shares'?: (Buffer | Uint8Array | string)[];
}

export interface MaskedGradient__Output {
  'site': (string);
  'shares': (Buffer)[];
}
