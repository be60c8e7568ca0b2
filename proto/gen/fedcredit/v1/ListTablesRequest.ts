// Original file: proto/fedcredit/v1/node.proto


export interface ListTablesRequest {
}

export interface ListTablesRequest__Output {
}
