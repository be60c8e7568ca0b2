// Original file: proto/fedcredit/v1/monitoring.proto

import type { DriftBin as _fedcredit_v1_DriftBin, DriftBin__Output as _fedcredit_v1_DriftBin__Output } from '../../fedcredit/v1/DriftBin.js';

export interface FeatureDrift {
  'feature'?: (string);
  'csi'?: (number | string);
  'level'?: (string);
  'bins'?: (_fedcredit_v1_DriftBin)[];
}

export interface FeatureDrift__Output {
  'feature': (string);
  'csi': (number);
  'level': (string);
  'bins': (_fedcredit_v1_DriftBin__Output)[];
}
