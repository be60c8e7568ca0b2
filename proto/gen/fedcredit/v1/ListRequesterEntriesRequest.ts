// Original file: proto/fedcredit/v1/scoring.proto

import type { Long } from '@grpc/proto-loader';

export interface ListRequesterEntriesRequest {
  'kinds'?: (string)[];
  'subject'?: (string);
  'sinceMs'?: (number | string | Long);
  'untilMs'?: (number | string | Long);
  'pageToken'?: (string);
  'pageSize'?: (number);
}

export interface ListRequesterEntriesRequest__Output {
  'kinds': (string)[];
  'subject': (string);
  'sinceMs': (string);
  'untilMs': (string);
  'pageToken': (string);
  'pageSize': (number);
}
