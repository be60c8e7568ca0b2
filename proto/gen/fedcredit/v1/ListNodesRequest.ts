// Original file: proto/fedcredit/v1/coordinator.proto


export interface ListNodesRequest {
}

export interface ListNodesRequest__Output {
}
