// Original file: proto/fedcredit/v1/monitoring.proto


export interface RunTiming {
  'seconds'?: (number | string);
  'perBatchP50'?: (number | string);
  'perBatchMax'?: (number | string);
}

export interface RunTiming__Output {
  'seconds': (number);
  'perBatchP50': (number);
  'perBatchMax': (number);
}
