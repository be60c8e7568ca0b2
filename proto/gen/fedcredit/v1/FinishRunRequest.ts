// Original file: proto/fedcredit/v1/monitoring.proto


export interface FinishRunRequest {
  'runId'?: (string);
}

export interface FinishRunRequest__Output {
  'runId': (string);
}
