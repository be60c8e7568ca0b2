// Original file: proto/fedcredit/v1/alignment.proto


export interface DescribeIdsResponse {
  'site'?: (string);
  'idFormat'?: (string);
  'source'?: (string);
}

export interface DescribeIdsResponse__Output {
  'site': (string);
  'idFormat': (string);
  'source': (string);
}
