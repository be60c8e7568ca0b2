// Original file: proto/fedcredit/v1/training.proto


export interface Preprocessing {
  'clipLower'?: (number | string);
  'clipUpper'?: (number | string);
  'noClip'?: (boolean);
  'logTransform'?: (string);
  'impute'?: (string);
  'noMissingIndicators'?: (boolean);
}

export interface Preprocessing__Output {
  'clipLower': (number);
  'clipUpper': (number);
  'noClip': (boolean);
  'logTransform': (string);
  'impute': (string);
  'noMissingIndicators': (boolean);
}
