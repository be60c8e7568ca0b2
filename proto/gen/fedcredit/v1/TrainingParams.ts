// Original file: proto/fedcredit/v1/training.proto


export interface TrainingParams {
  'epochs'?: (number);
  'batchSize'?: (number);
  'learningRate'?: (number | string);
  'decay'?: (number | string);
  'l2'?: (number | string);
  'seed'?: (number);
  'patience'?: (number);
  'minDelta'?: (number | string);
}

export interface TrainingParams__Output {
  'epochs': (number);
  'batchSize': (number);
  'learningRate': (number);
  'decay': (number);
  'l2': (number);
  'seed': (number);
  'patience': (number);
  'minDelta': (number);
}
