// Original file: proto/fedcredit/v1/training.proto


export interface TrainingAck {
  'site'?: (string);
  'already'?: (boolean);
}

export interface TrainingAck__Output {
  'site': (string);
  'already': (boolean);
}
