// Original file: proto/fedcredit/v1/monitoring.proto


export interface DriftBin {
  'label'?: (string);
  'expected'?: (number | string);
  'actual'?: (number | string);
}

export interface DriftBin__Output {
  'label': (string);
  'expected': (number);
  'actual': (number);
}
