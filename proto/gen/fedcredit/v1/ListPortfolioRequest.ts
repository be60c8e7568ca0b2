// Original file: proto/fedcredit/v1/monitoring.proto


export interface ListPortfolioRequest {
  'portfolio'?: (string);
  'pageToken'?: (string);
  'pageSize'?: (number);
  'warning'?: (string);
  'status'?: (string);
}

export interface ListPortfolioRequest__Output {
  'portfolio': (string);
  'pageToken': (string);
  'pageSize': (number);
  'warning': (string);
  'status': (string);
}
