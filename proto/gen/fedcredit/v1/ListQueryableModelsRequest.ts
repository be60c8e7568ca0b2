// Original file: proto/fedcredit/v1/scoring.proto


export interface ListQueryableModelsRequest {
}

export interface ListQueryableModelsRequest__Output {
}
