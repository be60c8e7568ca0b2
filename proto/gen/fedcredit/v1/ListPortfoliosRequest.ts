// Original file: proto/fedcredit/v1/monitoring.proto


export interface ListPortfoliosRequest {
}

export interface ListPortfoliosRequest__Output {
}
