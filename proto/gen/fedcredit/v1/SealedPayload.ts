// Original file: proto/fedcredit/v1/training.proto


export interface SealedPayload {
  'jobId'?: (string);
  'attempt'?: (string);
  'from'?: (string);
  'to'?: (string);
  'kind'?: (string);
  'epoch'?: (number);
  'step'?: (number);
  'sealed'?: (Buffer | Uint8Array | string);
  'signature'?: (Buffer | Uint8Array | string);
}

export interface SealedPayload__Output {
  'jobId': (string);
  'attempt': (string);
  'from': (string);
  'to': (string);
  'kind': (string);
  'epoch': (number);
  'step': (number);
  'sealed': (Buffer);
  'signature': (Buffer);
}
