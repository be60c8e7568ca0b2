// Original file: proto/fedcredit/v1/training.proto

import type { ModelInfo as _fedcredit_v1_ModelInfo, ModelInfo__Output as _fedcredit_v1_ModelInfo__Output } from '../../fedcredit/v1/ModelInfo.js';

export interface ModelList {
  'models'?: (_fedcredit_v1_ModelInfo)[];
}

export interface ModelList__Output {
  'models': (_fedcredit_v1_ModelInfo__Output)[];
}
