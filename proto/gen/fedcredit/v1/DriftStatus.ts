// Original file: proto/fedcredit/v1/monitoring.proto

import type { ModelDrift as _fedcredit_v1_ModelDrift, ModelDrift__Output as _fedcredit_v1_ModelDrift__Output } from '../../fedcredit/v1/ModelDrift.js';

export interface DriftStatus {
  'site'?: (string);
  'models'?: (_fedcredit_v1_ModelDrift)[];
}

export interface DriftStatus__Output {
  'site': (string);
  'models': (_fedcredit_v1_ModelDrift__Output)[];
}
