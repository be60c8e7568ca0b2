// Original file: proto/fedcredit/v1/monitoring.proto

import type { LastScore as _fedcredit_v1_LastScore, LastScore__Output as _fedcredit_v1_LastScore__Output } from '../../fedcredit/v1/LastScore.js';
import type { Long } from '@grpc/proto-loader';

export interface PortfolioItem {
  'subject'?: (string);
  'consentId'?: (string);
  'consentValidUntilMs'?: (number | string | Long);
  'usesLeft'?: (number);
  'addedMs'?: (number | string | Long);
  'status'?: (string);
  'last'?: (_fedcredit_v1_LastScore | null);
}

export interface PortfolioItem__Output {
  'subject': (string);
  'consentId': (string);
  'consentValidUntilMs': (string);
  'usesLeft': (number);
  'addedMs': (string);
  'status': (string);
  'last': (_fedcredit_v1_LastScore__Output | null);
}
