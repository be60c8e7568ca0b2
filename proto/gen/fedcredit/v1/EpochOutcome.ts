// Original file: proto/fedcredit/v1/training.proto


export interface EpochOutcome {
  'epoch'?: (number);
  'improved'?: (boolean);
  'stop'?: (boolean);
  'validationAuc'?: (number | string);
}

export interface EpochOutcome__Output {
  'epoch': (number);
  'improved': (boolean);
  'stop': (boolean);
  'validationAuc': (number);
}
