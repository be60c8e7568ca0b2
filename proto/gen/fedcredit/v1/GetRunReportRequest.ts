// Original file: proto/fedcredit/v1/monitoring.proto


export interface GetRunReportRequest {
  'runId'?: (string);
}

export interface GetRunReportRequest__Output {
  'runId': (string);
}
