// Original file: proto/fedcredit/v1/coordinator.proto


export interface RegisterNodeResponse {
  'site'?: (string);
  'replaced'?: (boolean);
}

export interface RegisterNodeResponse__Output {
  'site': (string);
  'replaced': (boolean);
}
