// Original file: proto/fedcredit/v1/training.proto


export interface TrainingJobRef {
  'jobId'?: (string);
}

export interface TrainingJobRef__Output {
  'jobId': (string);
}
