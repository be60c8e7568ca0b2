// Original file: proto/fedcredit/v1/log.proto


export interface SubmitCosignatureRequest {
  'site'?: (string);
  'checkpoint'?: (string);
  'cosignature'?: (string);
}

export interface SubmitCosignatureRequest__Output {
  'site': (string);
  'checkpoint': (string);
  'cosignature': (string);
}
