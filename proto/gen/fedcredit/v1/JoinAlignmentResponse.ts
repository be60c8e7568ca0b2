// Original file: proto/fedcredit/v1/alignment.proto

import type { SiteSetSize as _fedcredit_v1_SiteSetSize, SiteSetSize__Output as _fedcredit_v1_SiteSetSize__Output } from '../../fedcredit/v1/SiteSetSize.js';
import type { Long } from '@grpc/proto-loader';

export interface JoinAlignmentResponse {
  'site'?: (string);
  'setSizes'?: (_fedcredit_v1_SiteSetSize)[];
  'intersectionSize'?: (number | string | Long);
  'trainSize'?: (number | string | Long);
  'validationSize'?: (number | string | Long);
  'alignmentDigest'?: (string);
  'duplicatesRemoved'?: (number | string | Long);
}

export interface JoinAlignmentResponse__Output {
  'site': (string);
  'setSizes': (_fedcredit_v1_SiteSetSize__Output)[];
  'intersectionSize': (string);
  'trainSize': (string);
  'validationSize': (string);
  'alignmentDigest': (string);
  'duplicatesRemoved': (string);
}
