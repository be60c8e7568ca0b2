// Original file: proto/fedcredit/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface RowProblem {
  'line'?: (number | string | Long);
  'column'?: (string);
  'problem'?: (string);
}

export interface RowProblem__Output {
  'line': (string);
  'column': (string);
  'problem': (string);
}
