// Original file: proto/fedcredit/v1/log.proto


export interface ServedRecord {
  'record'?: (Buffer | Uint8Array | string);
  'signature'?: (Buffer | Uint8Array | string);
  'subjects'?: (string)[];
}

export interface ServedRecord__Output {
  'record': (Buffer);
  'signature': (Buffer);
  'subjects': (string)[];
}
