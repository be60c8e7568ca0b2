// Original file: proto/fedcredit/v1/monitoring.proto

import type { FeatureDrift as _fedcredit_v1_FeatureDrift, FeatureDrift__Output as _fedcredit_v1_FeatureDrift__Output } from '../../fedcredit/v1/FeatureDrift.js';

export interface ModelDrift {
  'modelVersion'?: (string);
  'runId'?: (string);
  'asOf'?: (string);
  'covered'?: (number);
  'insufficient'?: (boolean);
  'features'?: (_fedcredit_v1_FeatureDrift)[];
}

export interface ModelDrift__Output {
  'modelVersion': (string);
  'runId': (string);
  'asOf': (string);
  'covered': (number);
  'insufficient': (boolean);
  'features': (_fedcredit_v1_FeatureDrift__Output)[];
}
