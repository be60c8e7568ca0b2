// Original file: proto/fedcredit/v1/alignment.proto


export interface PsiEnvelope {
  'session'?: (string);
  'from'?: (string);
  'to'?: (string);
  'kind'?: (string);
  'payload'?: (Buffer | Uint8Array | string);
  'signature'?: (Buffer | Uint8Array | string);
}

export interface PsiEnvelope__Output {
  'session': (string);
  'from': (string);
  'to': (string);
  'kind': (string);
  'payload': (Buffer);
  'signature': (Buffer);
}
