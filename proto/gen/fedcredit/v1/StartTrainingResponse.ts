// Original file: proto/fedcredit/v1/training.proto


export interface StartTrainingResponse {
  'site'?: (string);
  'hasLabels'?: (boolean);
  'featureCount'?: (number);
  'trainSize'?: (number);
  'validationSize'?: (number);
  'alignmentDigest'?: (string);
}

export interface StartTrainingResponse__Output {
  'site': (string);
  'hasLabels': (boolean);
  'featureCount': (number);
  'trainSize': (number);
  'validationSize': (number);
  'alignmentDigest': (string);
}
