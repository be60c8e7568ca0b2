// Original file: proto/fedcredit/v1/scoring.proto

import type { RefusalCount as _fedcredit_v1_RefusalCount, RefusalCount__Output as _fedcredit_v1_RefusalCount__Output } from '../../fedcredit/v1/RefusalCount.js';
import type { Long } from '@grpc/proto-loader';

export interface ScoringStats {
  'evaluations'?: (number | string | Long);
  'shares'?: (number | string | Long);
  'refusals'?: (_fedcredit_v1_RefusalCount)[];
  'logEntriesSeen'?: (number | string | Long);
  'batches'?: (number | string | Long);
}

export interface ScoringStats__Output {
  'evaluations': (string);
  'shares': (string);
  'refusals': (_fedcredit_v1_RefusalCount__Output)[];
  'logEntriesSeen': (string);
  'batches': (string);
}
