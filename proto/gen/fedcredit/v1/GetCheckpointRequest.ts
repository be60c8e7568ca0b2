// Original file: proto/fedcredit/v1/log.proto


export interface GetCheckpointRequest {
  'witnessSite'?: (string);
}

export interface GetCheckpointRequest__Output {
  'witnessSite': (string);
}
