// Original file: proto/fedcredit/v1/monitoring.proto


export interface SiteCsiMax {
  'site'?: (string);
  'feature'?: (string);
  'csi'?: (number | string);
  'level'?: (string);
}

export interface SiteCsiMax__Output {
  'site': (string);
  'feature': (string);
  'csi': (number);
  'level': (string);
}
