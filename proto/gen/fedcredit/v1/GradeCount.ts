// Original file: proto/fedcredit/v1/monitoring.proto


export interface GradeCount {
  'grade'?: (string);
  'count'?: (number);
}

export interface GradeCount__Output {
  'grade': (string);
  'count': (number);
}
