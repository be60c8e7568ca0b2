// Original file: proto/fedcredit/v1/monitoring.proto


export interface PsiBin {
  'from'?: (number | string);
  'to'?: (number | string);
  'expected'?: (number | string);
  'actual'?: (number | string);
}

export interface PsiBin__Output {
  'from': (number);
  'to': (number);
  'expected': (number);
  'actual': (number);
}
