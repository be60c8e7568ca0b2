// Original file: proto/fedcredit/v1/monitoring.proto

import type { Long } from '@grpc/proto-loader';

export interface PortfolioSummary {
  'requester'?: (string);
  'portfolio'?: (string);
  'modelVersion'?: (string);
  'items'?: (number);
  'active'?: (number);
  'skipped'?: (number);
  'lastRunId'?: (string);
  'lastRunFinishedMs'?: (number | string | Long);
}

export interface PortfolioSummary__Output {
  'requester': (string);
  'portfolio': (string);
  'modelVersion': (string);
  'items': (number);
  'active': (number);
  'skipped': (number);
  'lastRunId': (string);
  'lastRunFinishedMs': (string);
}
