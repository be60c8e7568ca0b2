// Original file: proto/fedcredit/v1/scoring.proto

import type { ScoreResponse as _fedcredit_v1_ScoreResponse, ScoreResponse__Output as _fedcredit_v1_ScoreResponse__Output } from '../../fedcredit/v1/ScoreResponse.js';
import type { QueryRefusal as _fedcredit_v1_QueryRefusal, QueryRefusal__Output as _fedcredit_v1_QueryRefusal__Output } from '../../fedcredit/v1/QueryRefusal.js';
import type { Long } from '@grpc/proto-loader';

export interface ScoreStreamReply {
  'seq'?: (number | string | Long);
  'answer'?: (_fedcredit_v1_ScoreResponse | null);
  'refusal'?: (_fedcredit_v1_QueryRefusal | null);
  'outcome'?: "answer"|"refusal";
}

export interface ScoreStreamReply__Output {
  'seq': (string);
  'answer'?: (_fedcredit_v1_ScoreResponse__Output | null);
  'refusal'?: (_fedcredit_v1_QueryRefusal__Output | null);
  'outcome'?: "answer"|"refusal";
}
