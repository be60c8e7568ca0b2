// Original file: proto/fedcredit/v1/alignment.proto

import type { Long } from '@grpc/proto-loader';

export interface SiteSetSize {
  'site'?: (string);
  'size'?: (number | string | Long);
}

export interface SiteSetSize__Output {
  'site': (string);
  'size': (string);
}
