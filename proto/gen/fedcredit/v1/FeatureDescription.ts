// Original file: proto/fedcredit/v1/node.proto


export interface FeatureDescription {
  'name'?: (string);
  'meaning'?: (string);
  'unit'?: (string);
  'window'?: (string);
  'imputation'?: (string);
}

export interface FeatureDescription__Output {
  'name': (string);
  'meaning': (string);
  'unit': (string);
  'window': (string);
  'imputation': (string);
}
