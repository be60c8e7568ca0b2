// Original file: proto/fedcredit/v1/alignment.proto

import type { SiteSetSize as _fedcredit_v1_SiteSetSize, SiteSetSize__Output as _fedcredit_v1_SiteSetSize__Output } from '../../fedcredit/v1/SiteSetSize.js';
import type { Long } from '@grpc/proto-loader';

export interface AlignmentSummary {
  'alignmentId'?: (string);
  'ring'?: (string)[];
  'setSizes'?: (_fedcredit_v1_SiteSetSize)[];
  'intersectionSize'?: (number | string | Long);
  'trainSize'?: (number | string | Long);
  'validationSize'?: (number | string | Long);
  'splitSeed'?: (string);
  'validationFraction'?: (number | string);
  'alignmentDigest'?: (string);
  'logIndex'?: (number | string | Long);
  'seconds'?: (number | string);
  'bytesRelayed'?: (number | string | Long);
  'createdAtMs'?: (number | string | Long);
  'idType'?: (string);
  'idCase'?: (string);
}

export interface AlignmentSummary__Output {
  'alignmentId': (string);
  'ring': (string)[];
  'setSizes': (_fedcredit_v1_SiteSetSize__Output)[];
  'intersectionSize': (string);
  'trainSize': (string);
  'validationSize': (string);
  'splitSeed': (string);
  'validationFraction': (number);
  'alignmentDigest': (string);
  'logIndex': (string);
  'seconds': (number);
  'bytesRelayed': (string);
  'createdAtMs': (string);
  'idType': (string);
  'idCase': (string);
}
