// Original file: proto/fedcredit/v1/scoring.proto

import type { RequesterSealingKey as _fedcredit_v1_RequesterSealingKey, RequesterSealingKey__Output as _fedcredit_v1_RequesterSealingKey__Output } from '../../fedcredit/v1/RequesterSealingKey.js';

export interface ScoreRequest {
  'consent'?: (string);
  'signedQuery'?: (string);
  'sealingKey'?: (_fedcredit_v1_RequesterSealingKey | null);
  'modelVersion'?: (string);
}

export interface ScoreRequest__Output {
  'consent': (string);
  'signedQuery': (string);
  'sealingKey': (_fedcredit_v1_RequesterSealingKey__Output | null);
  'modelVersion': (string);
}
