// Original file: proto/fedcredit/v1/training.proto


export interface ListModelsRequest {
}

export interface ListModelsRequest__Output {
}
