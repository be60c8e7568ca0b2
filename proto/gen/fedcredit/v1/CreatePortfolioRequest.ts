// Original file: proto/fedcredit/v1/monitoring.proto


export interface CreatePortfolioRequest {
  'portfolio'?: (string);
  'modelVersion'?: (string);
  'sealingKey'?: (Buffer | Uint8Array | string);
  'sealingKeySignature'?: (Buffer | Uint8Array | string);
  'schedule'?: (string);
}

export interface CreatePortfolioRequest__Output {
  'portfolio': (string);
  'modelVersion': (string);
  'sealingKey': (Buffer);
  'sealingKeySignature': (Buffer);
  'schedule': (string);
}
