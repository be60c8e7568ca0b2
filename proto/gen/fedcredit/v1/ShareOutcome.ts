// Original file: proto/fedcredit/v1/scoring.proto

import type { ShareResponse as _fedcredit_v1_ShareResponse, ShareResponse__Output as _fedcredit_v1_ShareResponse__Output } from '../../fedcredit/v1/ShareResponse.js';
import type { ShareRefusal as _fedcredit_v1_ShareRefusal, ShareRefusal__Output as _fedcredit_v1_ShareRefusal__Output } from '../../fedcredit/v1/ShareRefusal.js';

export interface ShareOutcome {
  'share'?: (_fedcredit_v1_ShareResponse | null);
  'refusal'?: (_fedcredit_v1_ShareRefusal | null);
  'outcome'?: "share"|"refusal";
}

export interface ShareOutcome__Output {
  'share'?: (_fedcredit_v1_ShareResponse__Output | null);
  'refusal'?: (_fedcredit_v1_ShareRefusal__Output | null);
  'outcome'?: "share"|"refusal";
}
