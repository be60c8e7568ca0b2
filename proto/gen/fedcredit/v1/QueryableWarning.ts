// Original file: proto/fedcredit/v1/scoring.proto


export interface QueryableWarning {
  'level'?: (string);
  'belowPoints'?: (number);
}

export interface QueryableWarning__Output {
  'level': (string);
  'belowPoints': (number);
}
