// Original file: proto/fedcredit/v1/monitoring.proto

import type { Long } from '@grpc/proto-loader';

export interface PortfolioItemResult {
  'subject'?: (string);
  'ok'?: (boolean);
  'code'?: (string);
  'message'?: (string);
  'logIndex'?: (number | string | Long);
}

export interface PortfolioItemResult__Output {
  'subject': (string);
  'ok': (boolean);
  'code': (string);
  'message': (string);
  'logIndex': (string);
}
