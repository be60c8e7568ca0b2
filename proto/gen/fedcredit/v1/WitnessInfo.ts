// Original file: proto/fedcredit/v1/log.proto


export interface WitnessInfo {
  'site'?: (string);
  'name'?: (string);
  'publicKey'?: (Buffer | Uint8Array | string);
  'address'?: (string);
}

export interface WitnessInfo__Output {
  'site': (string);
  'name': (string);
  'publicKey': (Buffer);
  'address': (string);
}
