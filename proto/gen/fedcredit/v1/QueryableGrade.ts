// Original file: proto/fedcredit/v1/scoring.proto


export interface QueryableGrade {
  'grade'?: (string);
  'minPoints'?: (number);
}

export interface QueryableGrade__Output {
  'grade': (string);
  'minPoints': (number);
}
