// Original file: proto/fedcredit/v1/alignment.proto


export interface RunAlignmentRequest {
  'sites'?: (string)[];
  'validationFraction'?: (number | string);
  'splitSeed'?: (string);
  'idType'?: (string);
  'idCase'?: (string);
}

export interface RunAlignmentRequest__Output {
  'sites': (string)[];
  'validationFraction': (number);
  'splitSeed': (string);
  'idType': (string);
  'idCase': (string);
}
