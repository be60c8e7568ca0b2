// Original file: proto/fedcredit/v1/monitoring.proto


export interface LastScore {
  'points'?: (number);
  'grade'?: (string);
  'warning'?: (string);
  'asOf'?: (string);
  'runId'?: (string);
}

export interface LastScore__Output {
  'points': (number);
  'grade': (string);
  'warning': (string);
  'asOf': (string);
  'runId': (string);
}
