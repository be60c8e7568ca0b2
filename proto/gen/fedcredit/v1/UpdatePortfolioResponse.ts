// Original file: proto/fedcredit/v1/monitoring.proto

import type { PortfolioItemResult as _fedcredit_v1_PortfolioItemResult, PortfolioItemResult__Output as _fedcredit_v1_PortfolioItemResult__Output } from '../../fedcredit/v1/PortfolioItemResult.js';

export interface UpdatePortfolioResponse {
  'results'?: (_fedcredit_v1_PortfolioItemResult)[];
}

export interface UpdatePortfolioResponse__Output {
  'results': (_fedcredit_v1_PortfolioItemResult__Output)[];
}
