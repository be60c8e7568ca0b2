// Original file: proto/fedcredit/v1/monitoring.proto

import type { FeatureCsi as _fedcredit_v1_FeatureCsi, FeatureCsi__Output as _fedcredit_v1_FeatureCsi__Output } from '../../fedcredit/v1/FeatureCsi.js';

export interface SiteCsi {
  'site'?: (string);
  'covered'?: (number);
  'state'?: (string);
  'features'?: (_fedcredit_v1_FeatureCsi)[];
}

export interface SiteCsi__Output {
  'site': (string);
  'covered': (number);
  'state': (string);
  'features': (_fedcredit_v1_FeatureCsi__Output)[];
}
