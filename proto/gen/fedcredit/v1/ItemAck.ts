// Original file: proto/fedcredit/v1/monitoring.proto


export interface ItemAck {
  'subject'?: (string);
  'ok'?: (boolean);
  'code'?: (string);
  'message'?: (string);
}

export interface ItemAck__Output {
  'subject': (string);
  'ok': (boolean);
  'code': (string);
  'message': (string);
}
