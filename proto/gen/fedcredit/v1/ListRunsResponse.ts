// Original file: proto/fedcredit/v1/monitoring.proto

import type { RunSummary as _fedcredit_v1_RunSummary, RunSummary__Output as _fedcredit_v1_RunSummary__Output } from '../../fedcredit/v1/RunSummary.js';

export interface ListRunsResponse {
  'runs'?: (_fedcredit_v1_RunSummary)[];
}

export interface ListRunsResponse__Output {
  'runs': (_fedcredit_v1_RunSummary__Output)[];
}
