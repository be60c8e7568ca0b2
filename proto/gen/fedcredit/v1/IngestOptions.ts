// Original file: proto/fedcredit/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface IngestOptions {
  'fileName'?: (string);
  'kind'?: (string);
  'idColumn'?: (string);
  'labelColumn'?: (string);
  'idFormat'?: (string);
  'skipFeatures'?: (boolean);
  'delimiter'?: (string);
  'encoding'?: (string);
  'categorical'?: (string)[];
  'integer'?: (string)[];
  'table'?: (string);
  'size'?: (number | string | Long);
}

export interface IngestOptions__Output {
  'fileName': (string);
  'kind': (string);
  'idColumn': (string);
  'labelColumn': (string);
  'idFormat': (string);
  'skipFeatures': (boolean);
  'delimiter': (string);
  'encoding': (string);
  'categorical': (string)[];
  'integer': (string)[];
  'table': (string);
  'size': (string);
}
