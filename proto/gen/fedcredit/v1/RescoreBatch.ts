// Original file: proto/fedcredit/v1/monitoring.proto

import type { Long } from '@grpc/proto-loader';

export interface RescoreBatch {
  'runId'?: (string);
  'runIndex'?: (number | string | Long);
  'batchSeq'?: (number);
  'firstIndex'?: (number | string | Long);
  'count'?: (number);
  'entriesFrom'?: (number | string | Long);
  'entries'?: (Buffer | Uint8Array | string)[];
  'checkpoint'?: (string);
}

export interface RescoreBatch__Output {
  'runId': (string);
  'runIndex': (string);
  'batchSeq': (number);
  'firstIndex': (string);
  'count': (number);
  'entriesFrom': (string);
  'entries': (Buffer)[];
  'checkpoint': (string);
}
