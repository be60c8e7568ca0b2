// Original file: proto/fedcredit/v1/monitoring.proto


export interface PortfolioRemove {
  'subject'?: (string);
  'instruction'?: (Buffer | Uint8Array | string);
  'signature'?: (Buffer | Uint8Array | string);
}

export interface PortfolioRemove__Output {
  'subject': (string);
  'instruction': (Buffer);
  'signature': (Buffer);
}
