// Original file: proto/fedcredit/v1/training.proto


export interface TrainingStepRef {
  'jobId'?: (string);
  'attempt'?: (string);
  'epoch'?: (number);
  'step'?: (number);
}

export interface TrainingStepRef__Output {
  'jobId': (string);
  'attempt': (string);
  'epoch': (number);
  'step': (number);
}
