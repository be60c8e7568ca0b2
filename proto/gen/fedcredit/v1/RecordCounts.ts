// Original file: proto/fedcredit/v1/node.proto

import type { RecordCount as _fedcredit_v1_RecordCount, RecordCount__Output as _fedcredit_v1_RecordCount__Output } from '../../fedcredit/v1/RecordCount.js';
import type { Long } from '@grpc/proto-loader';

export interface RecordCounts {
  'site'?: (string);
  'records'?: (_fedcredit_v1_RecordCount)[];
  'enterprises'?: (number | string | Long);
  'featuresPerEnterprise'?: (number | string | Long);
}

export interface RecordCounts__Output {
  'site': (string);
  'records': (_fedcredit_v1_RecordCount__Output)[];
  'enterprises': (string);
  'featuresPerEnterprise': (string);
}
