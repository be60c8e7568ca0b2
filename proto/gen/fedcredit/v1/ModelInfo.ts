// Original file: proto/fedcredit/v1/training.proto


export interface ModelInfo {
  'modelVersion'?: (string);
  'jobId'?: (string);
  'metadataJson'?: (string);
}

export interface ModelInfo__Output {
  'modelVersion': (string);
  'jobId': (string);
  'metadataJson': (string);
}
