// Original file: proto/fedcredit/v1/log.proto

import type { ServedRecord as _fedcredit_v1_ServedRecord, ServedRecord__Output as _fedcredit_v1_ServedRecord__Output } from '../../fedcredit/v1/ServedRecord.js';

export interface ServedRecordsResponse {
  'site'?: (string);
  'identityPublicKey'?: (Buffer | Uint8Array | string);
  'records'?: (_fedcredit_v1_ServedRecord)[];
}

export interface ServedRecordsResponse__Output {
  'site': (string);
  'identityPublicKey': (Buffer);
  'records': (_fedcredit_v1_ServedRecord__Output)[];
}
