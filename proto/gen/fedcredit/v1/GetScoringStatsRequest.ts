// Original file: proto/fedcredit/v1/scoring.proto


export interface GetScoringStatsRequest {
}

export interface GetScoringStatsRequest__Output {
}
