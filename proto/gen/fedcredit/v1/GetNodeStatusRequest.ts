// Original file: proto/fedcredit/v1/node.proto


export interface GetNodeStatusRequest {
}

export interface GetNodeStatusRequest__Output {
}
