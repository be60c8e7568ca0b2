// Original file: proto/fedcredit/v1/log.proto


export interface GetLogInfoRequest {
}

export interface GetLogInfoRequest__Output {
}
