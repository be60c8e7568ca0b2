// Original file: proto/fedcredit/v1/alignment.proto


export interface ListAlignmentsRequest {
}

export interface ListAlignmentsRequest__Output {
}
