// Original file: proto/fedcredit/v1/monitoring.proto


export interface StartRunRequest {
  'portfolio'?: (string);
  'asOf'?: (string);
  'reason'?: (string);
}

export interface StartRunRequest__Output {
  'portfolio': (string);
  'asOf': (string);
  'reason': (string);
}
