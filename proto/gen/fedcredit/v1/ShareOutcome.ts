// Original file: proto/fedcredit/v1/scoring.proto

import type { ShareResponse as _fedcredit_v1_ShareResponse, ShareResponse__Output as _fedcredit_v1_ShareResponse__Output } from '../../fedcredit/v1/ShareResponse.js';
import type { QueryRefusal as _fedcredit_v1_QueryRefusal, QueryRefusal__Output as _fedcredit_v1_QueryRefusal__Output } from '../../fedcredit/v1/QueryRefusal.js';

export interface ShareOutcome {
  'share'?: (_fedcredit_v1_ShareResponse | null);
  'refusal'?: (_fedcredit_v1_QueryRefusal | null);
  'outcome'?: "share"|"refusal";
}

export interface ShareOutcome__Output {
  'share'?: (_fedcredit_v1_ShareResponse__Output | null);
  'refusal'?: (_fedcredit_v1_QueryRefusal__Output | null);
  'outcome'?: "share"|"refusal";
}
