// Original file: proto/fedcredit/v1/training.proto

import type { FeatureTransforms as _fedcredit_v1_FeatureTransforms, FeatureTransforms__Output as _fedcredit_v1_FeatureTransforms__Output } from '../../fedcredit/v1/FeatureTransforms.js';

export interface FinishTrainingResponse {
  'site'?: (string);
  'featureCount'?: (number);
  'reportJson'?: (string);
  'transforms'?: (_fedcredit_v1_FeatureTransforms)[];
}

export interface FinishTrainingResponse__Output {
  'site': (string);
  'featureCount': (number);
  'reportJson': (string);
  'transforms': (_fedcredit_v1_FeatureTransforms__Output)[];
}
