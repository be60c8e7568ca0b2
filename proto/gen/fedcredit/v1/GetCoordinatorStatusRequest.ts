// Original file: proto/fedcredit/v1/coordinator.proto


export interface GetCoordinatorStatusRequest {
}

export interface GetCoordinatorStatusRequest__Output {
}
