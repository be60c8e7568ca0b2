// Original file: proto/fedcredit/v1/coordinator.proto


export interface RemoveNodeRequest {
  'site'?: (string);
  'reason'?: (string);
  'keyFingerprint'?: (string);
}

export interface RemoveNodeRequest__Output {
  'site': (string);
  'reason': (string);
  'keyFingerprint': (string);
}
