// Original file: proto/fedcredit/v1/scoring.proto


export interface LeafChainHop {
  'queryId'?: (string);
  'modelVersion'?: (string);
  'hop'?: (number);
  'payload'?: (Buffer | Uint8Array | string);
  'next'?: (string);
  'from'?: (string);
  'last'?: (boolean);
}

export interface LeafChainHop__Output {
  'queryId': (string);
  'modelVersion': (string);
  'hop': (number);
  'payload': (Buffer);
  'next': (string);
  'from': (string);
  'last': (boolean);
}
