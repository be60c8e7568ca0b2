// Original file: proto/fedcredit/v1/scoring.proto

import type { RequesterSealingKey as _fedcredit_v1_RequesterSealingKey, RequesterSealingKey__Output as _fedcredit_v1_RequesterSealingKey__Output } from '../../fedcredit/v1/RequesterSealingKey.js';
import type { Long } from '@grpc/proto-loader';

export interface ShareRequest {
  'consent'?: (string);
  'signedQuery'?: (string);
  'sealingKey'?: (_fedcredit_v1_RequesterSealingKey | null);
  'modelVersion'?: (string);
  'logIndex'?: (number | string | Long);
  'entry'?: (Buffer | Uint8Array | string);
}

export interface ShareRequest__Output {
  'consent': (string);
  'signedQuery': (string);
  'sealingKey': (_fedcredit_v1_RequesterSealingKey__Output | null);
  'modelVersion': (string);
  'logIndex': (string);
  'entry': (Buffer);
}
