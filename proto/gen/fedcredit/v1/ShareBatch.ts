// Original file: proto/fedcredit/v1/scoring.proto

import type { ShareRequest as _fedcredit_v1_ShareRequest, ShareRequest__Output as _fedcredit_v1_ShareRequest__Output } from '../../fedcredit/v1/ShareRequest.js';
import type { Long } from '@grpc/proto-loader';

export interface ShareBatch {
  'queries'?: (_fedcredit_v1_ShareRequest)[];
  'entriesFrom'?: (number | string | Long);
  'entries'?: (Buffer | Uint8Array | string)[];
  'seq'?: (number | string | Long);
  'checkpoint'?: (string);
}

export interface ShareBatch__Output {
  'queries': (_fedcredit_v1_ShareRequest__Output)[];
  'entriesFrom': (string);
  'entries': (Buffer)[];
  'seq': (string);
  'checkpoint': (string);
}
