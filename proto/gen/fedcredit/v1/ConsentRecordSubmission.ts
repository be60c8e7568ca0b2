// Original file: proto/fedcredit/v1/scoring.proto


export interface ConsentRecordSubmission {
  'record'?: (string);
}

export interface ConsentRecordSubmission__Output {
  'record': (string);
}
