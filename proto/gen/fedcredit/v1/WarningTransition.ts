// Original file: proto/fedcredit/v1/monitoring.proto


export interface WarningTransition {
  'from'?: (string);
  'to'?: (string);
  'count'?: (number);
  'belowMinCell'?: (boolean);
}

export interface WarningTransition__Output {
  'from': (string);
  'to': (string);
  'count': (number);
  'belowMinCell': (boolean);
}
