// Original file: proto/fedcredit/v1/scoring.proto

import type { ShareOutcome as _fedcredit_v1_ShareOutcome, ShareOutcome__Output as _fedcredit_v1_ShareOutcome__Output } from '../../fedcredit/v1/ShareOutcome.js';
import type { QueryRefusal as _fedcredit_v1_QueryRefusal, QueryRefusal__Output as _fedcredit_v1_QueryRefusal__Output } from '../../fedcredit/v1/QueryRefusal.js';
import type { Long } from '@grpc/proto-loader';

export interface ShareBatchResponse {
  'outcomes'?: (_fedcredit_v1_ShareOutcome)[];
  'logSize'?: (number | string | Long);
  'seq'?: (number | string | Long);
  'failure'?: (_fedcredit_v1_QueryRefusal | null);
}

export interface ShareBatchResponse__Output {
  'outcomes': (_fedcredit_v1_ShareOutcome__Output)[];
  'logSize': (string);
  'seq': (string);
  'failure': (_fedcredit_v1_QueryRefusal__Output | null);
}
