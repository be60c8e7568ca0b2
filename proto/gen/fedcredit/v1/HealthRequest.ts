// Original file: proto/fedcredit/v1/common.proto


export interface HealthRequest {
}

export interface HealthRequest__Output {
}
