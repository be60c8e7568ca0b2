// Original file: proto/fedcredit/v1/node.proto

import type { Long } from '@grpc/proto-loader';

export interface IngestManifestEntry {
  'seq'?: (number | string | Long);
  'fileName'?: (string);
  'kind'?: (string);
  'rows'?: (number | string | Long);
  'sha256'?: (string);
  'committedAt'?: (string);
}

export interface IngestManifestEntry__Output {
  'seq': (string);
  'fileName': (string);
  'kind': (string);
  'rows': (string);
  'sha256': (string);
  'committedAt': (string);
}
