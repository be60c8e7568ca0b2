// Original file: proto/fedcredit/v1/log.proto


export interface CheckpointResponse {
  'latest'?: (string);
  'final'?: (string);
}

export interface CheckpointResponse__Output {
  'latest': (string);
  'final': (string);
}
