// Original file: proto/fedcredit/v1/node.proto


export interface IngestOptions {
  'fileName'?: (string);
  'kind'?: (string);
  'idColumn'?: (string);
  'labelColumn'?: (string);
  'idFormat'?: (string);
  'skipFeatures'?: (boolean);
  'delimiter'?: (string);
  'encoding'?: (string);
  'categorical'?: (string)[];
  'integer'?: (string)[];
  'table'?: (string);
}

export interface IngestOptions__Output {
  'fileName': (string);
  'kind': (string);
  'idColumn': (string);
  'labelColumn': (string);
  'idFormat': (string);
  'skipFeatures': (boolean);
  'delimiter': (string);
  'encoding': (string);
  'categorical': (string)[];
  'integer': (string)[];
  'table': (string);
}
