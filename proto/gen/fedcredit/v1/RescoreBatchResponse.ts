// Original file: proto/fedcredit/v1/monitoring.proto

import type { SlotRefusal as _fedcredit_v1_SlotRefusal, SlotRefusal__Output as _fedcredit_v1_SlotRefusal__Output } from '../../fedcredit/v1/SlotRefusal.js';
import type { QueryRefusal as _fedcredit_v1_QueryRefusal, QueryRefusal__Output as _fedcredit_v1_QueryRefusal__Output } from '../../fedcredit/v1/QueryRefusal.js';
import type { Long } from '@grpc/proto-loader';

export interface RescoreBatchResponse {
  'runId'?: (string);
  'batchSeq'?: (number);
  'site'?: (string);
  'shares'?: (Buffer | Uint8Array | string);
  'covered'?: (Buffer | Uint8Array | string);
  'refused'?: (_fedcredit_v1_SlotRefusal)[];
  'sealedExplanations'?: (Buffer | Uint8Array | string);
  'siteKeyStatement'?: (Buffer | Uint8Array | string);
  'logPosition'?: (number | string | Long);
  'failure'?: (_fedcredit_v1_QueryRefusal | null);
}

export interface RescoreBatchResponse__Output {
  'runId': (string);
  'batchSeq': (number);
  'site': (string);
  'shares': (Buffer);
  'covered': (Buffer);
  'refused': (_fedcredit_v1_SlotRefusal__Output)[];
  'sealedExplanations': (Buffer);
  'siteKeyStatement': (Buffer);
  'logPosition': (string);
  'failure': (_fedcredit_v1_QueryRefusal__Output | null);
}
