// Original file: proto/fedcredit/v1/monitoring.proto

import type { PortfolioItem as _fedcredit_v1_PortfolioItem, PortfolioItem__Output as _fedcredit_v1_PortfolioItem__Output } from '../../fedcredit/v1/PortfolioItem.js';

export interface ListPortfolioResponse {
  'items'?: (_fedcredit_v1_PortfolioItem)[];
  'nextPageToken'?: (string);
}

export interface ListPortfolioResponse__Output {
  'items': (_fedcredit_v1_PortfolioItem__Output)[];
  'nextPageToken': (string);
}
