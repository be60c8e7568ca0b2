// Original file: proto/fedcredit/v1/log.proto


export interface GetWitnessStatusRequest {
}

export interface GetWitnessStatusRequest__Output {
}
