// Original file: proto/fedcredit/v1/monitoring.proto


export interface SlotRefusal {
  'offset'?: (number);
  'code'?: (string);
}

export interface SlotRefusal__Output {
  'offset': (number);
  'code': (string);
}
