// Original file: proto/fedcredit/v1/training.proto


export interface ListJobsRequest {
  'limit'?: (number);
  'jobId'?: (string);
}

export interface ListJobsRequest__Output {
  'limit': (number);
  'jobId': (string);
}
