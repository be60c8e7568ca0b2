// Original file: proto/fedcredit/v1/node.proto

import type { FeatureDescription as _fedcredit_v1_FeatureDescription, FeatureDescription__Output as _fedcredit_v1_FeatureDescription__Output } from '../../fedcredit/v1/FeatureDescription.js';

export interface FeatureStatus {
  'feature'?: (_fedcredit_v1_FeatureDescription | null);
  'hasMissingRate'?: (boolean);
  'missingRate'?: (number | string);
}

export interface FeatureStatus__Output {
  'feature': (_fedcredit_v1_FeatureDescription__Output | null);
  'hasMissingRate': (boolean);
  'missingRate': (number);
}
