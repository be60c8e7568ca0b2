// Original file: proto/fedcredit/v1/monitoring.proto

import type { PortfolioAdd as _fedcredit_v1_PortfolioAdd, PortfolioAdd__Output as _fedcredit_v1_PortfolioAdd__Output } from '../../fedcredit/v1/PortfolioAdd.js';
import type { PortfolioRemove as _fedcredit_v1_PortfolioRemove, PortfolioRemove__Output as _fedcredit_v1_PortfolioRemove__Output } from '../../fedcredit/v1/PortfolioRemove.js';

export interface UpdatePortfolioRequest {
  'portfolio'?: (string);
  'adds'?: (_fedcredit_v1_PortfolioAdd)[];
  'removes'?: (_fedcredit_v1_PortfolioRemove)[];
}

export interface UpdatePortfolioRequest__Output {
  'portfolio': (string);
  'adds': (_fedcredit_v1_PortfolioAdd__Output)[];
  'removes': (_fedcredit_v1_PortfolioRemove__Output)[];
}
