// Original file: proto/fedcredit/v1/training.proto


export interface FinishTrainingResponse {
  'site'?: (string);
  'featureCount'?: (number);
  'reportJson'?: (string);
}

export interface FinishTrainingResponse__Output {
  'site': (string);
  'featureCount': (number);
  'reportJson': (string);
}
