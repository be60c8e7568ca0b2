// Original file: proto/fedcredit/v1/node.proto


export interface ActiveTable {
  'name'?: (string);
  'version'?: (number);
}

export interface ActiveTable__Output {
  'name': (string);
  'version': (number);
}
