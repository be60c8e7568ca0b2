// Original file: proto/fedcredit/v1/scoring.proto

import type { SiteAnswer as _fedcredit_v1_SiteAnswer, SiteAnswer__Output as _fedcredit_v1_SiteAnswer__Output } from '../../fedcredit/v1/SiteAnswer.js';
import type { Long } from '@grpc/proto-loader';

export interface ScoreResponse {
  'queryId'?: (string);
  'points'?: (number);
  'grade'?: (string);
  'warning'?: (string);
  'probabilityOfDefault'?: (number | string);
  'modelVersion'?: (string);
  'sites'?: (_fedcredit_v1_SiteAnswer)[];
  'logIndex'?: (number | string | Long);
  'entry'?: (Buffer | Uint8Array | string);
  'answerSignature'?: (Buffer | Uint8Array | string);
}

export interface ScoreResponse__Output {
  'queryId': (string);
  'points': (number);
  'grade': (string);
  'warning': (string);
  'probabilityOfDefault': (number);
  'modelVersion': (string);
  'sites': (_fedcredit_v1_SiteAnswer__Output)[];
  'logIndex': (string);
  'entry': (Buffer);
  'answerSignature': (Buffer);
}
