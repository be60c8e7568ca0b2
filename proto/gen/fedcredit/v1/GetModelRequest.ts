// Original file: proto/fedcredit/v1/training.proto


export interface GetModelRequest {
  'modelVersion'?: (string);
}

export interface GetModelRequest__Output {
  'modelVersion': (string);
}
