// Original file: proto/fedcredit/v1/monitoring.proto


export interface GetDriftStatusRequest {
  'modelVersion'?: (string);
}

export interface GetDriftStatusRequest__Output {
  'modelVersion': (string);
}
