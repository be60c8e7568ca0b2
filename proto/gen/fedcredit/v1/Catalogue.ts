// Original file: proto/fedcredit/v1/node.proto

import type { FeatureDescription as _fedcredit_v1_FeatureDescription, FeatureDescription__Output as _fedcredit_v1_FeatureDescription__Output } from '../../fedcredit/v1/FeatureDescription.js';

export interface Catalogue {
  'site'?: (string);
  'source'?: (string);
  'features'?: (_fedcredit_v1_FeatureDescription)[];
  'asOf'?: (string);
  'hasLabels'?: (boolean);
}

export interface Catalogue__Output {
  'site': (string);
  'source': (string);
  'features': (_fedcredit_v1_FeatureDescription__Output)[];
  'asOf': (string);
  'hasLabels': (boolean);
}
