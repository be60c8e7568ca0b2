// Original file: proto/fedcredit/v1/training.proto


export interface RunTrainingRequest {
  'alignmentId'?: (string);
  'epochs'?: (number);
  'batchSize'?: (number);
  'learningRate'?: (number | string);
  'l2'?: (number | string);
  'decay'?: (number | string);
  'seed'?: (number);
  'patience'?: (number);
  'purpose'?: (string);
  'resumeJobId'?: (string);
  'plaintext'?: (boolean);
  'modelKind'?: (string);
}

export interface RunTrainingRequest__Output {
  'alignmentId': (string);
  'epochs': (number);
  'batchSize': (number);
  'learningRate': (number);
  'l2': (number);
  'decay': (number);
  'seed': (number);
  'patience': (number);
  'purpose': (string);
  'resumeJobId': (string);
  'plaintext': (boolean);
  'modelKind': (string);
}
