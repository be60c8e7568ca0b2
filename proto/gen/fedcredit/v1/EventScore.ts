// Original file: proto/fedcredit/v1/monitoring.proto


export interface EventScore {
  'points'?: (number);
  'grade'?: (string);
  'warning'?: (string);
  'probabilityOfDefault'?: (number | string);
  'asOf'?: (string);
  'modelVersion'?: (string);
}

export interface EventScore__Output {
  'points': (number);
  'grade': (string);
  'warning': (string);
  'probabilityOfDefault': (number);
  'asOf': (string);
  'modelVersion': (string);
}
