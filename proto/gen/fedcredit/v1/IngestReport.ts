// Original file: proto/fedcredit/v1/node.proto

import type { RowProblem as _fedcredit_v1_RowProblem, RowProblem__Output as _fedcredit_v1_RowProblem__Output } from '../../fedcredit/v1/RowProblem.js';
import type { Long } from '@grpc/proto-loader';

export interface IngestReport {
  'fileName'?: (string);
  'kind'?: (string);
  'rows'?: (number | string | Long);
  'committed'?: (boolean);
  'problems'?: (_fedcredit_v1_RowProblem)[];
  'problemCount'?: (number | string | Long);
  'sha256'?: (string);
  'seconds'?: (number | string);
  'enterprises'?: (number | string | Long);
  'featuresPerEnterprise'?: (number | string | Long);
}

export interface IngestReport__Output {
  'fileName': (string);
  'kind': (string);
  'rows': (string);
  'committed': (boolean);
  'problems': (_fedcredit_v1_RowProblem__Output)[];
  'problemCount': (string);
  'sha256': (string);
  'seconds': (number);
  'enterprises': (string);
  'featuresPerEnterprise': (string);
}
