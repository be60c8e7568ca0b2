// Original file: proto/fedcredit/v1/monitoring.proto


export interface ListRunsRequest {
  'portfolio'?: (string);
  'modelVersion'?: (string);
  'limit'?: (number);
}

export interface ListRunsRequest__Output {
  'portfolio': (string);
  'modelVersion': (string);
  'limit': (number);
}
