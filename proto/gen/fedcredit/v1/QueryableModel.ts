// Original file: proto/fedcredit/v1/scoring.proto

import type { QueryableScale as _fedcredit_v1_QueryableScale, QueryableScale__Output as _fedcredit_v1_QueryableScale__Output } from '../../fedcredit/v1/QueryableScale.js';
import type { QueryableGrade as _fedcredit_v1_QueryableGrade, QueryableGrade__Output as _fedcredit_v1_QueryableGrade__Output } from '../../fedcredit/v1/QueryableGrade.js';
import type { QueryableWarning as _fedcredit_v1_QueryableWarning, QueryableWarning__Output as _fedcredit_v1_QueryableWarning__Output } from '../../fedcredit/v1/QueryableWarning.js';
import type { Long } from '@grpc/proto-loader';

export interface QueryableModel {
  'modelVersion'?: (string);
  'kind'?: (string);
  'purpose'?: (string);
  'sites'?: (string)[];
  'trainedMs'?: (number | string | Long);
  'scale'?: (_fedcredit_v1_QueryableScale | null);
  'grades'?: (_fedcredit_v1_QueryableGrade)[];
  'warnings'?: (_fedcredit_v1_QueryableWarning)[];
}

export interface QueryableModel__Output {
  'modelVersion': (string);
  'kind': (string);
  'purpose': (string);
  'sites': (string)[];
  'trainedMs': (string);
  'scale': (_fedcredit_v1_QueryableScale__Output | null);
  'grades': (_fedcredit_v1_QueryableGrade__Output)[];
  'warnings': (_fedcredit_v1_QueryableWarning__Output)[];
}
