// Original file: proto/fedcredit/v1/monitoring.proto

import type { QueryRefusal as _fedcredit_v1_QueryRefusal, QueryRefusal__Output as _fedcredit_v1_QueryRefusal__Output } from '../../fedcredit/v1/QueryRefusal.js';

export interface RunProgress {
  'runId'?: (string);
  'stage'?: (string);
  'batchesDone'?: (number);
  'batches'?: (number);
  'scored'?: (number);
  'skipped'?: (number);
  'changed'?: (number);
  'elapsedSeconds'?: (number | string);
  'failure'?: (_fedcredit_v1_QueryRefusal | null);
}

export interface RunProgress__Output {
  'runId': (string);
  'stage': (string);
  'batchesDone': (number);
  'batches': (number);
  'scored': (number);
  'skipped': (number);
  'changed': (number);
  'elapsedSeconds': (number);
  'failure': (_fedcredit_v1_QueryRefusal__Output | null);
}
