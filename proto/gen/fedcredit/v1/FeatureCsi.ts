// Original file: proto/fedcredit/v1/monitoring.proto


export interface FeatureCsi {
  'feature'?: (string);
  'csi'?: (number | string);
  'level'?: (string);
}

export interface FeatureCsi__Output {
  'feature': (string);
  'csi': (number);
  'level': (string);
}
