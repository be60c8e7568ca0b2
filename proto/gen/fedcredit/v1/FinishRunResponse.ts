// Original file: proto/fedcredit/v1/monitoring.proto

import type { FeatureCsi as _fedcredit_v1_FeatureCsi, FeatureCsi__Output as _fedcredit_v1_FeatureCsi__Output } from '../../fedcredit/v1/FeatureCsi.js';

export interface FinishRunResponse {
  'site'?: (string);
  'covered'?: (number);
  'insufficient'?: (boolean);
  'features'?: (_fedcredit_v1_FeatureCsi)[];
  'sharePolicy'?: (string);
}

export interface FinishRunResponse__Output {
  'site': (string);
  'covered': (number);
  'insufficient': (boolean);
  'features': (_fedcredit_v1_FeatureCsi__Output)[];
  'sharePolicy': (string);
}
