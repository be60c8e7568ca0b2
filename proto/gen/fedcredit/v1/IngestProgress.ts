// Original file: proto/fedcredit/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface IngestProgress {
  'fileName'?: (string);
  'stage'?: (string);
  'rows'?: (number | string | Long);
  'bytesDone'?: (number | string | Long);
  'bytesTotal'?: (number | string | Long);
  'startedMs'?: (number | string | Long);
}

export interface IngestProgress__Output {
  'fileName': (string);
  'stage': (string);
  'rows': (string);
  'bytesDone': (string);
  'bytesTotal': (string);
  'startedMs': (string);
}
