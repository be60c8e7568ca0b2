// Original file: proto/fedcredit/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface TableVersionInfo {
  'name'?: (string);
  'version'?: (number);
  'active'?: (boolean);
  'rows'?: (number | string | Long);
  'columns'?: (string)[];
  'ingestedAt'?: (string);
  'fileName'?: (string);
  'sha256'?: (string);
  'hasLabels'?: (boolean);
  'trainedOnBy'?: (string)[];
  'models'?: (string)[];
}

export interface TableVersionInfo__Output {
  'name': (string);
  'version': (number);
  'active': (boolean);
  'rows': (string);
  'columns': (string)[];
  'ingestedAt': (string);
  'fileName': (string);
  'sha256': (string);
  'hasLabels': (boolean);
  'trainedOnBy': (string)[];
  'models': (string)[];
}
