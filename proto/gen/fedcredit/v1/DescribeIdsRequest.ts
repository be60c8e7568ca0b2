// Original file: proto/fedcredit/v1/alignment.proto


export interface DescribeIdsRequest {
}

export interface DescribeIdsRequest__Output {
}
