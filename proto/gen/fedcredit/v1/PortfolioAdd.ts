// Original file: proto/fedcredit/v1/monitoring.proto


export interface PortfolioAdd {
  'consent'?: (string);
  'instruction'?: (Buffer | Uint8Array | string);
  'signature'?: (Buffer | Uint8Array | string);
}

export interface PortfolioAdd__Output {
  'consent': (string);
  'instruction': (Buffer);
  'signature': (Buffer);
}
