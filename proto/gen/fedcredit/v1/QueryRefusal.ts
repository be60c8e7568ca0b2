// Original file: proto/fedcredit/v1/scoring.proto


export interface QueryRefusal {
  'code'?: (string);
  'message'?: (string);
}

export interface QueryRefusal__Output {
  'code': (string);
  'message': (string);
}
