// Original file: proto/fedcredit/v1/node.proto


export interface ListIngestsRequest {
  'pageToken'?: (string);
  'pageSize'?: (number);
}

export interface ListIngestsRequest__Output {
  'pageToken': (string);
  'pageSize': (number);
}
