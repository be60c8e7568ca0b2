// Original file: proto/fedcredit/v1/scoring.proto


export interface ShareRefusal {
  'code'?: (string);
  'message'?: (string);
}

export interface ShareRefusal__Output {
  'code': (string);
  'message': (string);
}
