// Original file: proto/fedcredit/v1/log.proto


export interface SubmitCosignatureResponse {
  'final'?: (boolean);
  'cosignatures'?: (number);
  'quorum'?: (number);
}

export interface SubmitCosignatureResponse__Output {
  'final': (boolean);
  'cosignatures': (number);
  'quorum': (number);
}
