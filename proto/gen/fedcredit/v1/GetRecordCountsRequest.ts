// Original file: proto/fedcredit/v1/node.proto


export interface GetRecordCountsRequest {
}

export interface GetRecordCountsRequest__Output {
}
