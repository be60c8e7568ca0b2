// Original file: proto/fedcredit/v1/scoring.proto

import type { Long } from '@grpc/proto-loader';

export interface ConsentRecordAck {
  'kind'?: (string);
  'logIndex'?: (number | string | Long);
  'isNew'?: (boolean);
}

export interface ConsentRecordAck__Output {
  'kind': (string);
  'logIndex': (string);
  'isNew': (boolean);
}
