// Original file: proto/fedcredit/v1/training.proto


export interface FinishTrainingRequest {
  'jobId'?: (string);
  'modelVersion'?: (string);
}

export interface FinishTrainingRequest__Output {
  'jobId': (string);
  'modelVersion': (string);
}
