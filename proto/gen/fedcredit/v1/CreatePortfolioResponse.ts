// Original file: proto/fedcredit/v1/monitoring.proto

import type { Long } from '@grpc/proto-loader';

export interface CreatePortfolioResponse {
  'portfolio'?: (string);
  'logIndex'?: (number | string | Long);
}

export interface CreatePortfolioResponse__Output {
  'portfolio': (string);
  'logIndex': (string);
}
