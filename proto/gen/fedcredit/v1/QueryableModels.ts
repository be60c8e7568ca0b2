// Original file: proto/fedcredit/v1/scoring.proto

import type { QueryableModel as _fedcredit_v1_QueryableModel, QueryableModel__Output as _fedcredit_v1_QueryableModel__Output } from '../../fedcredit/v1/QueryableModel.js';

export interface QueryableModels {
  'models'?: (_fedcredit_v1_QueryableModel)[];
}

export interface QueryableModels__Output {
  'models': (_fedcredit_v1_QueryableModel__Output)[];
}
