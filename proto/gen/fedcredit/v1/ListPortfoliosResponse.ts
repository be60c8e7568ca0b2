// Original file: proto/fedcredit/v1/monitoring.proto

import type { PortfolioSummary as _fedcredit_v1_PortfolioSummary, PortfolioSummary__Output as _fedcredit_v1_PortfolioSummary__Output } from '../../fedcredit/v1/PortfolioSummary.js';

export interface ListPortfoliosResponse {
  'portfolios'?: (_fedcredit_v1_PortfolioSummary)[];
}

export interface ListPortfoliosResponse__Output {
  'portfolios': (_fedcredit_v1_PortfolioSummary__Output)[];
}
