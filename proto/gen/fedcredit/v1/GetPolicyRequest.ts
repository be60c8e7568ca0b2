// Original file: proto/fedcredit/v1/node.proto


export interface GetPolicyRequest {
}

export interface GetPolicyRequest__Output {
}
