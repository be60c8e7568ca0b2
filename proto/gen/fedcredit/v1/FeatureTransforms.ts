// Original file: proto/fedcredit/v1/training.proto


export interface FeatureTransforms {
  'feature'?: (string);
  'steps'?: (string)[];
}

export interface FeatureTransforms__Output {
  'feature': (string);
  'steps': (string)[];
}
